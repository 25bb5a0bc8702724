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
  runs: (filter: RunFilter = {}, limit = 50, offset = 0) =>
    call<Page<RunView>>('GET', `/v1/runs?${query({ order: 'desc', limit, offset, ...filter })}`),
  run: (id: string) => call<RunView>('GET', `/v1/runs/${encodeURIComponent(id)}`),
  runOutput: (id: string, stream?: 'stdout' | 'stderr') =>
    fetch(`/v1/runs/${encodeURIComponent(id)}/output${stream ? `?stream=${stream}` : ''}`, {
      credentials: 'same-origin',
    }).then((r) => (r.ok ? r.text() : Promise.reject(new ApiProblem(r.status, r.statusText)))),
  runAction: (id: string, action: 'pause' | 'resume' | 'cancel') =>
    call<RunView>('POST', `/v1/runs/${encodeURIComponent(id)}/${action}`),
  checkpoints: (id: string) =>
    call<{ items: Checkpoint[] }>('GET', `/v1/runs/${encodeURIComponent(id)}/checkpoints`),
  checkpoint: (id: string, label?: string) =>
    call<Checkpoint>('POST', `/v1/runs/${encodeURIComponent(id)}/checkpoints`, label ? { label } : {}),
  rollback: (id: string, checkpointId: string) =>
    call<RunView>('POST', `/v1/runs/${encodeURIComponent(id)}/rollback`, { checkpointId }),
  stats: () => call<Stats>('GET', '/v1/stats?byProject=true'),
  approvals: (state: 'pending' | 'decided', limit = 100) =>
    call<Page<Approval>>('GET', `/v1/approvals?state=${state}&order=desc&limit=${limit}`),
  decide: (id: string, optionId: string) =>
    call<Approval>('POST', `/v1/approvals/${encodeURIComponent(id)}`, { optionId }),
  projects: () => call<Page<Project>>('GET', '/v1/projects?limit=200'),
  prompts: (project: string) =>
    call<Page<PromptSummary>>('GET', `/v1/projects/${encodeURIComponent(project)}/prompts?limit=200`),
  versions: (project: string, prompt: string) =>
    call<Page<VersionSummary>>(
      'GET',
      `/v1/projects/${encodeURIComponent(project)}/prompts/${encodeURIComponent(prompt)}/versions?limit=200`,
    ),
  promptDiff: (project: string, prompt: string, from: number, to: number) =>
    fetch(
      `/v1/projects/${encodeURIComponent(project)}/prompts/${encodeURIComponent(prompt)}/diff?from=${from}&to=${to}`,
      { credentials: 'same-origin' },
    ).then((r) => (r.ok ? r.text() : Promise.reject(new ApiProblem(r.status, r.statusText)))),
};

/** The filters of GET /v1/runs the console offers; unset ones are left out of the query. */
export interface RunFilter {
  state?: string;
  project?: string;
  parentId?: string;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

/** An agent's permission request (ACP session/request_permission), as GET /v1/approvals lists it. */
export interface Approval {
  id: string;
  runId: string;
  project?: string;
  toolCall: ToolCall;
  options: { optionId: string; name: string; kind: string }[];
  state: 'pending' | 'decided';
  decision?: string;
  decisionKind?: string;
  decidedBy?: string;
  requestedAt: string;
  decidedAt?: string;
}

export interface ToolCall {
  toolCallId?: string;
  title?: string;
  kind?: string;
  status?: string;
  content?: Record<string, unknown>[];
  locations?: Record<string, unknown>[];
  rawInput?: unknown;
}

export interface Checkpoint {
  id: string;
  sequenceNr: number;
  label?: string | null;
  reason: string;
  createdAt: string;
}

export type Counts = Record<string, number>;

export interface Stats {
  project?: string | null;
  sessions: { total: number; byState: Counts };
  runs: { total: number; byState: Counts; byExitCode: Counts; successRate?: number | null };
  events: number;
  snapshots: number;
  store: { engine: string; bytes: number };
  projects?: { project?: string | null; runs: { total: number; byState: Counts; successRate?: number | null } }[];
}

export interface Project {
  id: string;
  name: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface PromptSummary {
  name: string;
  latestVersion: number;
  author: string;
  updatedAt: string;
}

export interface VersionSummary {
  version: number;
  author: string;
  chars: number;
  createdAt: string;
}

/** One journal event of a run, as GET /v1/runs/{id}/events streams it. */
export interface RunEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Follows a run's events (server-sent events after event {@code after}: the history first, then live), read
 * with fetch rather than EventSource: EventSource hears only event names it is told in advance, and a run's
 * journal gains event types over time. The server ends the stream after an event that finishes the run;
 * {@code onEnd} says so (with the error, if the connection broke), and the caller follows again from the
 * last event, which then waits for whatever comes next (a rollback, say).
 */
export function followRunEvents(
  id: string,
  after: number,
  onEvent: (event: RunEvent) => void,
  onEnd: (error?: Error) => void,
): () => void {
  const abort = new AbortController();
  const run = async () => {
    const response = await fetch(`/v1/runs/${encodeURIComponent(id)}/events?from=${after}`, {
      credentials: 'same-origin',
      signal: abort.signal,
      headers: { Accept: 'text/event-stream' },
    });
    if (!response.ok || !response.body) throw new ApiProblem(response.status, response.statusText);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = parseSse(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (event) onEvent(event);
      }
    }
  };
  run().then(
    () => onEnd(),
    (e: Error) => {
      if (!abort.signal.aborted) onEnd(e instanceof ApiProblem ? e : new Unreachable());
    },
  );
  return () => abort.abort();
}

function parseSse(block: string): RunEvent | undefined {
  let type = 'message';
  let seq = NaN;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('id:')) seq = Number(line.slice(3).trim());
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length === 0 || Number.isNaN(seq)) return undefined; // a heartbeat or a comment
  return { seq, type, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
}

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
