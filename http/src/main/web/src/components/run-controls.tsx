import { useState } from 'preact/hooks';
import { api, type Checkpoint, type RunView } from '../api';
import { ConfirmBar } from './confirm';
import { ProblemLine } from './problem';

type Pending =
  | { kind: 'pause' | 'resume' | 'cancel' }
  | { kind: 'checkpoint'; label: string }
  | { kind: 'rollback'; checkpointId: string };

const ENDED = ['succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted'];

/**
 * Pause, resume, checkpoint, rollback and cancel for one run. Every action asks first and then shows the
 * API's answer: a refusal (409, say) is shown as the API words it, since it says what to do instead.
 */
export function RunControls({
  run,
  checkpoints,
  onDone,
}: {
  run: RunView;
  checkpoints: Checkpoint[];
  onDone: () => void;
}) {
  const [pending, setPending] = useState<Pending>();
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const ended = ENDED.includes(run.state);

  const act = async (p: Pending) => {
    setPending(undefined);
    setError(undefined);
    try {
      if (p.kind === 'checkpoint') {
        const cp = await api.checkpoint(run.id, p.label.trim() || undefined);
        setDone(`Checkpoint ${cp.id} taken.`);
      } else if (p.kind === 'rollback') {
        await api.rollback(run.id, p.checkpointId);
        setDone(`Rolled back to ${p.checkpointId}; the run starts again from there.`);
      } else {
        const r = await api.runAction(run.id, p.kind);
        setDone(`The run is ${r.state}.`);
      }
    } catch (e) {
      setDone(undefined);
      setError(e as Error);
    }
    onDone();
  };

  return (
    <div class="run-controls" data-testid="run-controls">
      <div class="buttons">
        <button type="button" disabled={run.state !== 'running'} onClick={() => setPending({ kind: 'pause' })} data-testid="run-pause">
          Pause
        </button>
        <button type="button" disabled={run.state !== 'paused'} onClick={() => setPending({ kind: 'resume' })} data-testid="run-resume">
          Resume
        </button>
        <button type="button" disabled={ended} onClick={() => setPending({ kind: 'checkpoint', label: '' })} data-testid="run-checkpoint">
          Checkpoint…
        </button>
        <button
          type="button"
          disabled={checkpoints.length === 0}
          title={checkpoints.length === 0 ? 'No checkpoint to roll back to yet' : undefined}
          onClick={() => setPending({ kind: 'rollback', checkpointId: checkpoints[checkpoints.length - 1].id })}
          data-testid="run-rollback"
        >
          Roll back…
        </button>
        <button type="button" class="danger" disabled={ended} onClick={() => setPending({ kind: 'cancel' })} data-testid="run-cancel">
          Cancel…
        </button>
      </div>
      {pending && <Question pending={pending} checkpoints={checkpoints} onChange={setPending} onYes={act} />}
      {done && (
        <p class="done" role="status" data-testid="run-action-done">
          {done}
        </p>
      )}
      <ProblemLine error={error} />
    </div>
  );
}

function Question({
  pending,
  checkpoints,
  onChange,
  onYes,
}: {
  pending: Pending;
  checkpoints: Checkpoint[];
  onChange: (p?: Pending) => void;
  onYes: (p: Pending) => void;
}) {
  const no = () => onChange(undefined);
  switch (pending.kind) {
    case 'pause':
      return <ConfirmBar question="Pause this run? Its process is stopped (SIGSTOP) and a checkpoint taken." yes="Pause" onYes={() => onYes(pending)} onNo={no} />;
    case 'resume':
      return <ConfirmBar question="Resume this run?" yes="Resume" onYes={() => onYes(pending)} onNo={no} />;
    case 'cancel':
      return (
        <ConfirmBar question="Cancel this run? Its process group is killed, and its child runs with it." yes="Cancel the run" onYes={() => onYes(pending)} onNo={no} />
      );
    case 'checkpoint':
      return (
        <ConfirmBar question="Take a checkpoint" yes="Take it" onYes={() => onYes(pending)} onNo={no}>
          <input
            type="text"
            placeholder="label (optional)"
            aria-label="Checkpoint label"
            value={pending.label}
            onInput={(e) => onChange({ kind: 'checkpoint', label: (e.target as HTMLInputElement).value })}
            data-testid="checkpoint-label"
          />
        </ConfirmBar>
      );
    case 'rollback':
      return (
        <ConfirmBar
          question="Roll back to a checkpoint? The output after it is set aside and the process starts again."
          yes="Roll back"
          onYes={() => onYes(pending)}
          onNo={no}
        >
          <select
            aria-label="Checkpoint"
            value={pending.checkpointId}
            onChange={(e) => onChange({ kind: 'rollback', checkpointId: (e.target as HTMLSelectElement).value })}
            data-testid="rollback-checkpoint"
          >
            {checkpoints.map((cp) => (
              <option key={cp.id} value={cp.id}>
                {cp.label ?? cp.id} ({cp.reason}, {new Date(cp.createdAt).toLocaleTimeString()})
              </option>
            ))}
          </select>
        </ConfirmBar>
      );
  }
}
