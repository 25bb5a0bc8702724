import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { attachUrl } from '../api';
import { StyleMirror } from './style-mirror';

// The one place that wires xterm.js to a session's attach WebSocket (GET /v1/sessions/{id}/attach):
// server binary frames are output (the recorded scrollback first, then live), server text frames are JSON
// notices; the client sends keystrokes as binary frames and {"type":"resize"} as text frames.
//
// It counts the output bytes it has written to the screen and reconnects with ?from=<count>: after a network
// drop or a laptop's sleep the server sends only what the screen is missing (its first frame, an "offset"
// notice, says where that starts), so the terminal keeps its contents and scrollback, with no gap and no
// repeat. Only if the server starts over (offset 0, say after the session was purged and made again) is the
// screen cleared first.

export type Status =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'ended'; reason: string }
  | { kind: 'dropped'; reason: string }
  | { kind: 'lost'; retryInMs: number };

interface Notice {
  type: string;
  reason?: string;
  offset?: number;
}

/** What the operator's controls change on a live terminal. */
export interface TerminalOptions {
  /** Watch only: keystrokes are not sent, and the server ignores the client's frames too. */
  readOnly: boolean;
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
  /** Output bytes written to the screen so far: the session's transcript offset the screen has reached. */
  private received = 0;
  private readonly onWindowResize = () => this.fitToWindow();

  constructor(
    private readonly container: HTMLElement,
    private readonly sessionId: string,
    private readonly onStatus: (status: Status) => void,
    private readonly options: TerminalOptions = { readOnly: false },
    private readonly onSize: (size: { cols: number; rows: number }) => void = () => {},
  ) {
    this.term = new Terminal({
      disableStdin: options.readOnly,
      screenReaderMode: true,
      cursorBlink: false,
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
    this.term.onResize(({ cols, rows }) => {
      this.onSize({ cols, rows });
      this.sendResize(cols, rows);
    });
    this.onSize({ cols: this.term.cols, rows: this.term.rows });
    // Ctrl+Shift+C and Ctrl+Shift+V copy and paste, as in desktop terminals; plain Ctrl+C stays an interrupt.
    this.term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') {
        void navigator.clipboard?.writeText(this.term.getSelection());
        return false;
      }
      if (e.code === 'KeyV') {
        void navigator.clipboard?.readText().then((text) => this.paste(text));
        return false;
      }
      return true;
    });
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

  /** The selected text, for the copy button (the browser's own copy works on the selection too). */
  selection(): string {
    return this.term.getSelection();
  }

  /** Sends text as typed, bracketed if the program asked for bracketed paste. */
  paste(text: string): void {
    if (!this.options.readOnly) this.term.paste(text);
  }

  /** Sends raw bytes, as the on-screen keys do (Esc, Tab, arrows, Ctrl combinations). */
  sendKeys(sequence: string): void {
    if (!this.options.readOnly) this.send(this.encoder.encode(sequence));
    this.term.focus();
  }

  private connect(): void {
    this.onStatus({ kind: 'connecting' });
    const socket = new WebSocket(
      attachUrl(this.sessionId, { from: this.received, readOnly: this.options.readOnly }),
    );
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.retryMs = 500;
      this.onStatus({ kind: 'live' });
      this.sendResize(this.term.cols, this.term.rows);
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') {
        this.notice(JSON.parse(event.data) as Notice);
      } else {
        const bytes = new Uint8Array(event.data);
        this.received += bytes.byteLength;
        this.term.write(bytes);
      }
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
    if (notice.type === 'offset') {
      const offset = notice.offset ?? 0;
      if (offset !== this.received) {
        this.term.reset();
        this.received = offset;
      }
    } else if (notice.type === 'end') {
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
    if (this.options.readOnly) return;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }
}
