import { useState } from 'preact/hooks';
import { api, type RunFilter, type RunView } from '../api';
import { follow, navigate } from '../router';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

const PAGE = 50;
const STATES = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted'];

/**
 * /runs: the latest runs, refreshed every two seconds, filtered by state and project and paged; the filters
 * and the page are in the URL (/runs?state=failed&offset=50), so a view can be shared or kept.
 */
export function RunsPage() {
  const params = new URLSearchParams(location.search);
  const [filter, setFilter] = useState<RunFilter>({
    state: params.get('state') ?? undefined,
    project: params.get('project') ?? undefined,
    parentId: params.get('parentId') ?? undefined,
  });
  const [offset, setOffset] = useState(Number(params.get('offset') ?? 0) || 0);
  const key = JSON.stringify([filter, offset]);
  const { data, error } = usePoll(() => api.runs(filter, PAGE, offset), 2000, key);

  const show = (f: RunFilter, o: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    if (o > 0) q.set('offset', String(o));
    navigate(`/runs${q.toString() ? `?${q}` : ''}`, true);
    setFilter(f);
    setOffset(o);
  };

  return (
    <section>
      <h1>Runs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} data-testid="runs-filters">
        <label>
          State
          <select
            value={filter.state ?? ''}
            onChange={(e) => show({ ...filter, state: (e.target as HTMLSelectElement).value || undefined }, 0)}
            data-testid="runs-filter-state"
          >
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Project
          <input
            type="text"
            value={filter.project ?? ''}
            onChange={(e) => show({ ...filter, project: (e.target as HTMLInputElement).value || undefined }, 0)}
            data-testid="runs-filter-project"
          />
        </label>
        {filter.parentId && (
          <span>
            children of <code>{filter.parentId}</code>{' '}
            <button type="button" onClick={() => show({ ...filter, parentId: undefined }, 0)}>
              all runs
            </button>
          </span>
        )}
      </form>
      <ProblemLine error={error} />
      {data && <RunTable runs={data.items} />}
      <div class="pager">
        <button type="button" disabled={offset === 0} onClick={() => show(filter, Math.max(0, offset - PAGE))} data-testid="runs-newer">
          Newer
        </button>
        <button type="button" disabled={!data || data.items.length < PAGE} onClick={() => show(filter, offset + PAGE)} data-testid="runs-older">
          Older
        </button>
      </div>
    </section>
  );
}

/** Runs as a table; a run with children links to the list of them, so the tree can be walked down. */
export function RunTable({ runs }: { runs: RunView[] }) {
  if (runs.length === 0) return <p data-testid="runs-empty">No runs.</p>;
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
              {r.children > 0 && (
                <>
                  {' '}
                  <a href={`/runs?parentId=${encodeURIComponent(r.id)}`} onClick={follow} data-testid="run-children">
                    {r.children} child run{r.children === 1 ? '' : 's'}
                  </a>
                </>
              )}
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
