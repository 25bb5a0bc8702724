import { useState } from 'preact/hooks';
import { api } from '../api';
import { splitArgv } from '../argv';
import { navigate } from '../router';
import { ProblemLine } from './problem';

/** The new-session form: command line, folder, name and restart policy; on success, opens the terminal. */
export function NewSessionForm() {
  const [command, setCommand] = useState('');
  const [cwd, setCwd] = useState('');
  const [name, setName] = useState('');
  const [restart, setRestart] = useState('never');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const argv = splitArgv(command);
      if (argv.length === 0) throw new Error('Type the command to run, e.g. bash -l.');
      setBusy(true);
      const created = await api.createSession({
        command: argv,
        cwd: cwd.trim() || undefined,
        name: name.trim() || undefined,
        restart,
      });
      navigate(`/sessions/${encodeURIComponent(created.id)}`);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };

  return (
    <form class="new-session" onSubmit={submit} data-testid="new-session-form">
      <label>
        Command
        <input
          required
          placeholder="bash -l"
          value={command}
          onInput={(e) => setCommand(e.currentTarget.value)}
          data-testid="new-session-command"
        />
      </label>
      <label>
        Folder
        <input
          placeholder="the daemon's folder"
          value={cwd}
          onInput={(e) => setCwd(e.currentTarget.value)}
          data-testid="new-session-cwd"
        />
      </label>
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="new-session-name" />
      </label>
      <label>
        Restart
        <select
          value={restart}
          onChange={(e) => setRestart(e.currentTarget.value)}
          data-testid="new-session-restart"
        >
          <option value="never">never</option>
          <option value="on-failure">on failure</option>
          <option value="always">always</option>
        </select>
      </label>
      <button type="submit" disabled={busy} data-testid="new-session-submit">
        Start session
      </button>
      <ProblemLine error={error} />
    </form>
  );
}
