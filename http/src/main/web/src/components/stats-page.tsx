import { api, type Counts } from '../api';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/**
 * /stats: the store's counts as bar charts — runs and sessions by state, runs by exit code — and the runs'
 * success rate, overall and per project. Plain HTML bars: each is a labelled row a screen reader can read,
 * with no chart library to load.
 */
export function StatsPage() {
  const { data, error } = usePoll(() => api.stats(), 5000);
  return (
    <section>
      <h1>Stats</h1>
      <ProblemLine error={error} />
      {data && (
        <>
          <p data-testid="stats-summary">
            {data.runs.total} runs, {data.sessions.total} sessions, {data.events} events, {data.snapshots} snapshots;
            store: {data.store.engine}, {formatBytes(data.store.bytes)}.
          </p>
          <h2>Success rate</h2>
          <p data-testid="stats-success-rate">{rate(data.runs.successRate)}</p>
          <div class="charts">
            <Bars title="Runs by state" counts={data.runs.byState} testId="stats-runs-by-state" />
            <Bars title="Runs by exit code" counts={data.runs.byExitCode} testId="stats-runs-by-exit" />
            <Bars title="Sessions by state" counts={data.sessions.byState} testId="stats-sessions-by-state" />
          </div>
          {data.projects && data.projects.length > 0 && (
            <>
              <h2>By project</h2>
              <table data-testid="stats-projects">
                <thead>
                  <tr>
                    <th>Project</th>
                    <th>Runs</th>
                    <th>Success rate</th>
                  </tr>
                </thead>
                <tbody>
                  {data.projects.map((p) => (
                    <tr key={p.project ?? ''}>
                      <td>{p.project ?? <span class="muted">(none)</span>}</td>
                      <td>{p.runs.total}</td>
                      <td>{rate(p.runs.successRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}

function Bars({ title, counts, testId }: { title: string; counts: Counts; testId: string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <figure class="bars" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {entries.length === 0 && <p class="muted">none</p>}
      {entries.map(([key, n]) => (
        <div class="bar-row" key={key} data-key={key} data-count={n}>
          <span class={`bar-label state-${key}`}>{key}</span>
          <span class="bar" style={{ width: `${(100 * n) / max}%` }} />
          <span class="bar-count">{n}</span>
        </div>
      ))}
    </figure>
  );
}

function rate(r?: number | null): string {
  return r == null ? 'no run has ended yet' : `${(100 * r).toFixed(1)} %`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
