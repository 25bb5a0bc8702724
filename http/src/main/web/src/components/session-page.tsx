import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { AttachedTerminal, type Status } from '../terminal/attached-terminal';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /sessions/{id}: the session's terminal, attached over the WebSocket, fitted to the window. */
export function SessionPage({ id }: { id: string }) {
  const { data: session, error } = usePoll(() => api.session(id), 5000, id);
  const [status, setStatus] = useState<Status>({ kind: 'connecting' });
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!container.current) return;
    const terminal = new AttachedTerminal(container.current, id, setStatus);
    terminal.open();
    return () => terminal.dispose();
  }, [id]);

  return (
    <section class="session">
      <div class="session-head">
        <h1 data-testid="session-title">{session?.name ?? id}</h1>
        {session && (
          <span class={`state state-${session.state}`} data-testid="session-state">
            {session.state}
          </span>
        )}
        <span class="attach-status" role="status" data-testid="attach-status" data-status={status.kind}>
          {describe(status)}
        </span>
      </div>
      <ProblemLine error={error} />
      <div class="terminal" ref={container} data-testid="terminal" />
    </section>
  );
}

function describe(status: Status): string {
  switch (status.kind) {
    case 'connecting':
      return 'connecting…';
    case 'live':
      return 'attached';
    case 'ended':
      return `ended: ${status.reason}`;
    case 'dropped':
      return `dropped: ${status.reason}`;
    case 'lost':
      return `connection lost; retrying in ${Math.round(status.retryInMs / 1000)} s`;
  }
}
