import { api, type RunView } from '../api';
import { follow } from '../router';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /runs: the latest runs with their state, refreshed every two seconds. */
export function RunsPage() {
  const { data, error } = usePoll(() => api.runs(), 2000);
  return (
    <section>
      <h1>Runs</h1>
      <ProblemLine error={error} />
      {data && <RunTable runs={data.items} />}
    </section>
  );
}

function RunTable({ runs }: { runs: RunView[] }) {
  if (runs.length === 0) return <p data-testid="runs-empty">No runs yet.</p>;
  return (
    <table data-testid="runs-table">
      <thead>
        <tr>
          <th>Run</th>
          <th>State</th>
          <th>Command</th>
          <th>Attempts</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
            <td>
              <a href={`/runs/${encodeURIComponent(r.id)}`} onClick={follow} data-testid="run-link">
                {r.id}
              </a>
              {r.parentId && <span class="muted"> child of {r.parentId}</span>}
            </td>
            <td>
              <span class={`state state-${r.state}`} data-testid="run-state">
                {r.state}
              </span>
              {r.exitCode != null && ` (exit ${r.exitCode})`}
            </td>
            <td>
              <code>{r.command.join(' ')}</code>
            </td>
            <td>{r.attempts}</td>
            <td>{new Date(r.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
