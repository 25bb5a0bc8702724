import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { attachUrl } from '../api';
import { StyleMirror } from './style-mirror';

// The one place that wires xterm.js to a session's attach WebSocket (GET /v1/sessions/{id}/attach):
// server binary frames are output (the recorded scrollback first, then live), server text frames are JSON
// notices; the client sends keystrokes as binary frames and {"type":"resize"} as text frames.

export type Status =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'ended'; reason: string }
  | { kind: 'dropped'; reason: string }
  | { kind: 'lost'; retryInMs: number };

interface Notice {
  type: string;
  reason?: string;
}

const MAX_RETRY_MS = 10_000;

export class AttachedTerminal {
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly styles: StyleMirror;
  private readonly encoder = new TextEncoder();
  private socket?: WebSocket;
  private retryMs = 500;
  private retryTimer?: number;
  private disposed = false;
  private ended = false;
  private readonly onWindowResize = () => this.fitToWindow();

  constructor(
    private readonly container: HTMLElement,
    private readonly sessionId: string,
    private readonly onStatus: (status: Status) => void,
  ) {
    this.term = new Terminal({
      screenReaderMode: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      scrollback: 10_000,
    });
    this.term.loadAddon(this.fit);
    this.styles = new StyleMirror(container);
  }

  open(): void {
    this.styles.start();
    this.term.open(this.container);
    this.fitToWindow();
    this.term.onData((data) => this.send(this.encoder.encode(data)));
    this.term.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.term.onResize(({ cols, rows }) => this.sendResize(cols, rows));
    window.addEventListener('resize', this.onWindowResize);
    this.connect();
    this.term.focus();
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.retryTimer);
    window.removeEventListener('resize', this.onWindowResize);
    this.socket?.close();
    this.term.dispose();
    this.styles.dispose();
  }

  private connect(): void {
    this.onStatus({ kind: 'connecting' });
    const socket = new WebSocket(attachUrl(this.sessionId));
    socket.binaryType = 'arraybuffer';
    // The attach replays the whole scrollback on every connection: start from a clean screen each time.
    let first = true;
    socket.onopen = () => {
      this.retryMs = 500;
      this.onStatus({ kind: 'live' });
      this.sendResize(this.term.cols, this.term.rows);
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (first) {
        this.term.reset();
        first = false;
      }
      if (typeof event.data === 'string') this.notice(JSON.parse(event.data) as Notice);
      else this.term.write(new Uint8Array(event.data));
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.disposed || this.ended) return;
      this.onStatus({ kind: 'lost', retryInMs: this.retryMs });
      this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
    this.socket = socket;
  }

  private notice(notice: Notice): void {
    const reason = notice.reason ?? '';
    if (notice.type === 'end') {
      this.ended = true;
      this.onStatus({ kind: 'ended', reason });
    } else if (notice.type === 'dropped') {
      this.onStatus({ kind: 'dropped', reason });
    }
  }

  private fitToWindow(): void {
    if (this.container.clientWidth > 0 && this.container.clientHeight > 0) this.fit.fit();
  }

  private send(data: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(data);
  }

  private sendResize(cols: number, rows: number): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }
}
