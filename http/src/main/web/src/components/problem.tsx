import { Unreachable } from '../api';

/** One line saying what went wrong; the daemon being unreachable gets its own, stable, test id. */
export function ProblemLine({ error }: { error?: Error }) {
  if (!error) return null;
  const unreachable = error instanceof Unreachable;
  return (
    <p class={unreachable ? 'problem unreachable' : 'problem'} role="alert" data-testid={unreachable ? 'unreachable' : 'problem'}>
      {error.message}
    </p>
  );
}
