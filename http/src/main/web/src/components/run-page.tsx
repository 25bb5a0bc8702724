import { useEffect, useRef, useState } from 'preact/hooks';
import { api, followRunEvents, type Checkpoint, type RunEvent, type RunView } from '../api';
import { follow } from '../router';
import { ProblemLine } from './problem';
import { RunControls } from './run-controls';
import { RunTable } from './runs-page';
import { usePoll } from './use-poll';

type Stream = 'all' | 'stdout' | 'stderr';

/**
 * /runs/{id}: the run's state, controls, output, checkpoints, events and child runs. The events come live
 * over server-sent events; each new one refreshes what it changes (output, checkpoints, state), so the page
 * follows the run without polling it hard.
 */
export function RunPage({ id }: { id: string }) {
  const run = usePoll(() => api.run(id), 5000, id);
  const children = usePoll(() => api.runs({ parentId: id }, 200), 5000, id);
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>([]);
  const [stream, setStream] = useState<Stream>('all');
  const [output, setOutput] = useState('');
  const [error, setError] = useState<Error>();
  const [refreshes, setRefreshes] = useState(0);
  const [following, setFollowing] = useState(0);
  const [view, setView] = useState<RunView>();
  useEffect(() => setView(run.data), [run.data]);
  const last = useRef(0);
  const retry = useRef<number>();

  const refresh = () => setRefreshes((n) => n + 1);

  useEffect(() => {
    return followRunEvents(
      id,
      last.current,
      (event) => {
        last.current = event.seq;
        setEvents((es) => [...es, event]);
        refresh();
      },
      (e) => {
        setError(e);
        // Follow on from the last event: after a finished run's last event this waits for the next one (a
        // rollback, from here or elsewhere); after a broken connection it tries again a little later.
        retry.current = window.setTimeout(() => setFollowing((n) => n + 1), e ? 3000 : 0);
      },
    );
  }, [id, following]);
  useEffect(() => () => window.clearTimeout(retry.current), []);

  useEffect(() => {
    let stale = false;
    const timer = window.setTimeout(async () => {
      try {
        const [text, cps, fresh] = await Promise.all([
          api.runOutput(id, stream === 'all' ? undefined : stream),
          api.checkpoints(id),
          api.run(id),
        ]);
        if (stale) return;
        setOutput(text);
        setCheckpoints(cps.items);
        setView(fresh);
      } catch (e) {
        if (!stale) setError(e as Error);
      }
    }, 150); // one refresh for a burst of output events
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [id, stream, refreshes]);

  const r = view;
  return (
    <section class="run">
      <h1 data-testid="run-title">Run {id}</h1>
      <ProblemLine error={run.error ?? error} />
      {r && (
        <>
          <dl class="facts">
            <dt>State</dt>
            <dd data-testid="run-state">
              <span class={`state state-${r.state}`}>{r.state}</span>
              {r.exitCode != null && ` (exit ${r.exitCode})`}
            </dd>
            <dt>Command</dt>
            <dd>
              <code>{r.command.join(' ')}</code>
            </dd>
            {r.parentId && (
              <>
                <dt>Parent</dt>
                <dd>
                  <a href={`/runs/${encodeURIComponent(r.parentId)}`} onClick={follow} data-testid="run-parent">
                    {r.parentId}
                  </a>
                </dd>
              </>
            )}
            {r.project && (
              <>
                <dt>Project</dt>
                <dd>{r.project}</dd>
              </>
            )}
            <dt>Attempts</dt>
            <dd>{r.attempts}</dd>
            <dt>Created</dt>
            <dd>{new Date(r.createdAt).toLocaleString()}</dd>
          </dl>
          <RunControls
            run={r}
            checkpoints={checkpoints}
            onDone={refresh}
          />
        </>
      )}
      <h2>
        Output{' '}
        <select
          aria-label="Which output"
          value={stream}
          onChange={(e) => setStream((e.target as HTMLSelectElement).value as Stream)}
          data-testid="output-stream"
        >
          <option value="all">stdout and stderr</option>
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
        </select>
      </h2>
      {/* on one line: whitespace inside <pre> would show */}
      <pre class="output" data-testid="run-output">{output}</pre>
      <h2>Checkpoints</h2>
      {checkpoints.length === 0 ? (
        <p class="muted" data-testid="checkpoints-empty">None yet.</p>
      ) : (
        <ul data-testid="checkpoints">
          {checkpoints.map((cp) => (
            <li key={cp.id} data-testid="checkpoint" data-checkpoint-id={cp.id}>
              <code>{cp.id}</code> {cp.label && <strong>{cp.label}</strong>} <span class="muted">{cp.reason}, at event {cp.sequenceNr}, {new Date(cp.createdAt).toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Child runs</h2>
      {children.data && <RunTable runs={children.data.items} />}
      <h2>Events</h2>
      <ol class="timeline" data-testid="run-events">
        {events
          .filter((e) => e.type !== 'OutputRecorded')
          .map((e) => (
            <li key={e.seq} data-testid="run-event" data-event-type={e.type}>
              <span class="muted">#{e.seq}</span> <strong>{e.type}</strong> {describeEvent(e)}
            </li>
          ))}
      </ol>
    </section>
  );
}

/** The facts of an event worth a glance; the full JSON is one click away in its title. */
function describeEvent(e: RunEvent): string {
  const d = e.data;
  const at = typeof d.at === 'number' ? new Date(d.at).toLocaleTimeString() : '';
  const bits = ['attempt', 'exitCode', 'reason', 'label', 'checkpointId']
    .filter((k) => d[k] !== undefined && d[k] !== null)
    .map((k) => `${k} ${String(d[k])}`);
  return [at, ...bits].filter(Boolean).join(' · ');
}
