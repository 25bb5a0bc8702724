import { api } from '../api';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /runs/{id}: the run's state and its recorded output, refreshed every two seconds. */
export function RunPage({ id }: { id: string }) {
  const run = usePoll(() => api.run(id), 2000, id);
  const output = usePoll(() => api.runOutput(id), 2000, id);
  const r = run.data;
  return (
    <section>
      <h1 data-testid="run-title">Run {id}</h1>
      <ProblemLine error={run.error ?? output.error} />
      {r && (
        <dl class="facts">
          <dt>State</dt>
          <dd data-testid="run-state">
            {r.state}
            {r.exitCode != null && ` (exit ${r.exitCode})`}
          </dd>
          <dt>Command</dt>
          <dd>
            <code>{r.command.join(' ')}</code>
          </dd>
          <dt>Attempts</dt>
          <dd>{r.attempts}</dd>
          <dt>Created</dt>
          <dd>{new Date(r.createdAt).toLocaleString()}</dd>
        </dl>
      )}
      <h2>Output</h2>
      {/* on one line: whitespace inside <pre> would show */}
      <pre class="output" data-testid="run-output">{output.data ?? ''}</pre>
    </section>
  );
}
