import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { AttachedTerminal, type Status } from '../terminal/attached-terminal';
import { KeyBar } from './key-bar';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/**
 * /sessions/{id}: the session's terminal, attached over the WebSocket, fitted to the window. Read-only is a
 * URL (?readOnly=true) so a watch-only link can be shared; switching it reattaches.
 */
export function SessionPage({ id }: { id: string }) {
  const { data: session, error } = usePoll(() => api.session(id), 2000, id);
  const [status, setStatus] = useState<Status>({ kind: 'connecting' });
  const [readOnly, setReadOnly] = useState(() => new URLSearchParams(location.search).get('readOnly') === 'true');
  const [size, setSize] = useState<{ cols: number; rows: number }>();
  const [clipError, setClipError] = useState<Error>();
  const container = useRef<HTMLDivElement>(null);
  const terminal = useRef<AttachedTerminal>();

  useEffect(() => {
    if (!container.current) return;
    const t = new AttachedTerminal(container.current, id, setStatus, { readOnly }, setSize);
    terminal.current = t;
    t.open();
    return () => t.dispose();
  }, [id, readOnly]);

  const toggleReadOnly = () => {
    const next = !readOnly;
    const url = new URL(location.href);
    if (next) url.searchParams.set('readOnly', 'true');
    else url.searchParams.delete('readOnly');
    history.replaceState(null, '', url.pathname + url.search);
    setReadOnly(next);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(terminal.current?.selection() ?? '');
      setClipError(undefined);
    } catch (e) {
      setClipError(new Error(`The browser refused the clipboard (${(e as Error).message}); use Ctrl+Shift+C.`));
    }
  };
  const paste = async () => {
    try {
      terminal.current?.paste(await navigator.clipboard.readText());
      setClipError(undefined);
    } catch (e) {
      setClipError(new Error(`The browser refused the clipboard (${(e as Error).message}); use Ctrl+Shift+V.`));
    }
  };
  const otherSize =
    session && size && !readOnly && (session.cols !== size.cols || session.rows !== size.rows)
      ? `${session.cols}×${session.rows}`
      : undefined;

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
        {session && (
          <span class="muted" data-testid="session-size" title="The pseudo-terminal's size, as the session has it">
            {session.cols}×{session.rows}
            {otherSize && ' (set by another client; yours follows on the next resize)'}
            {readOnly && ' (set by the clients that type)'}
          </span>
        )}
      </div>
      <div class="terminal-tools">
        <label class="inline">
          <input type="checkbox" checked={readOnly} onChange={toggleReadOnly} data-testid="read-only" />
          Read-only
        </label>
        <button type="button" onClick={copy} data-testid="copy" title="Copy the selected text">
          Copy
        </button>
        <button type="button" onClick={paste} disabled={readOnly} data-testid="paste" title="Paste into the session">
          Paste
        </button>
      </div>
      <ProblemLine error={error ?? clipError} />
      <div class="terminal" ref={container} data-testid="terminal" />
      {!readOnly && <KeyBar send={(keys) => terminal.current?.sendKeys(keys)} />}
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
