import { api, type SessionView } from '../api';
import { follow } from '../router';
import { NewSessionForm } from './new-session-form';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /sessions: every session with its state, refreshed every two seconds, and the form for a new one. */
export function SessionsPage() {
  const { data, error } = usePoll(() => api.sessions(), 2000);
  return (
    <section>
      <h1>Sessions</h1>
      <ProblemLine error={error} />
      <NewSessionForm />
      {data && <SessionTable sessions={data.items} />}
    </section>
  );
}

function SessionTable({ sessions }: { sessions: SessionView[] }) {
  if (sessions.length === 0) return <p data-testid="sessions-empty">No sessions yet.</p>;
  return (
    <table data-testid="sessions-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>State</th>
          <th>Command</th>
          <th>Restart</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
            <td>
              <a href={`/sessions/${encodeURIComponent(s.id)}`} onClick={follow} data-testid="session-link">
                {s.name ?? s.id}
              </a>
            </td>
            <td>
              <span class={`state state-${s.state}`} data-testid="session-state">
                {s.state}
              </span>
              {s.exitCode != null && ` (exit ${s.exitCode})`}
            </td>
            <td>
              <code>{s.command.join(' ')}</code>
            </td>
            <td>{s.restart}</td>
            <td>{new Date(s.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
