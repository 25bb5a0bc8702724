// The console's one API client: typed after the OpenAPI document (openapi.json in the http module), same
// origin only, authenticated by the console's HttpOnly session cookie, which the browser sends by itself.
// The token is never kept here: it goes once to POST /v1/console/login and is forgotten.

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  next?: string | null;
}

export interface SessionView {
  id: string;
  name?: string;
  project?: string;
  state: string;
  command: string[];
  cwd?: string;
  cols: number;
  rows: number;
  restart: string;
  pid?: number;
  exitCode?: number;
  restarts: number;
  transcriptBytes: number;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
}

export interface RunView {
  id: string;
  parentId?: string | null;
  sessionId?: string | null;
  project?: string | null;
  state: string;
  command: string[];
  cwd?: string | null;
  attempts: number;
  exitCode?: number | null;
  children: number;
  createdAt: string;
  startedAt?: string | null;
  endedAt?: string | null;
  durationMs?: number | null;
}

export interface NewSession {
  command: string[];
  cwd?: string;
  name?: string;
  restart?: string;
  cols?: number;
  rows?: number;
}

/** The API answered with a problem (RFC 9457). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** No answer at all: the daemon is down or the network is. */
export class Unreachable extends Error {
  constructor() {
    super(`The kaged daemon at ${location.host} is not answering. Is 'kaged serve' running?`);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Unreachable();
  }
  if (response.status === 502 || response.status === 504) {
    throw new Unreachable();
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document; keep the status line
    }
    throw new ApiProblem(response.status, detail);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  login: (credential: { ticket: string } | { token: string }) =>
    call<{ idleTimeoutSeconds: number }>('POST', '/v1/console/login', credential),
  logout: () => call<void>('POST', '/v1/console/logout'),
  sessions: (limit = 200) => call<Page<SessionView>>('GET', `/v1/sessions?order=desc&limit=${limit}`),
  session: (id: string) => call<SessionView>('GET', `/v1/sessions/${encodeURIComponent(id)}`),
  createSession: (spec: NewSession) => call<SessionView>('POST', '/v1/sessions', spec),
  runs: (limit = 200) => call<Page<RunView>>('GET', `/v1/runs?order=desc&limit=${limit}`),
  run: (id: string) => call<RunView>('GET', `/v1/runs/${encodeURIComponent(id)}`),
  runOutput: (id: string) =>
    fetch(`/v1/runs/${encodeURIComponent(id)}/output`, { credentials: 'same-origin' }).then((r) =>
      r.ok ? r.text() : Promise.reject(new ApiProblem(r.status, r.statusText)),
    ),
};

/**
 * The WebSocket URL of a session's attach, on this origin (the cookie goes with the upgrade): from the
 * transcript offset the screen has reached, read-only or not.
 */
export function attachUrl(id: string, { from, readOnly }: { from: number; readOnly: boolean }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = `from=${from}${readOnly ? '&readOnly=true' : ''}`;
  return `${scheme}//${location.host}/v1/sessions/${encodeURIComponent(id)}/attach?${query}`;
}

export interface AuditEntry {
  id: string;
  at: string | number;
  actor: string;
  kind: string;
  subject?: string | null;
  outcome: string;
  detail?: string | null;
}

export const audit = (limit = 200) => call<Page<AuditEntry>>('GET', `/v1/audit?order=desc&limit=${limit}`);
