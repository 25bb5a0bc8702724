import { useState } from 'preact/hooks';
import { api, type Approval, type ToolCall } from '../api';
import { follow } from '../router';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/**
 * /approvals: the permission requests of every agent in one place. A pending one shows what the agent
 * wants to do (the tool call's title and kind, its diff or its command) and the options the agent offered;
 * answering is one click, and the API's refusal (already decided, the turn cancelled) is shown as it words it.
 */
export function ApprovalsPage() {
  const pending = usePoll(() => api.approvals('pending'), 2000);
  const decided = usePoll(() => api.approvals('decided', 50), 5000);
  return (
    <section class="approvals">
      <h1>Approvals</h1>
      <ProblemLine error={pending.error ?? decided.error} />
      <h2>Waiting</h2>
      {pending.data && pending.data.items.length === 0 && (
        <p class="muted" data-testid="approvals-none">
          No agent is waiting for an answer.
        </p>
      )}
      {pending.data?.items.map((a) => (
        <PendingApproval key={a.id} approval={a} />
      ))}
      <h2>Decided</h2>
      {decided.data && decided.data.items.length > 0 && (
        <table data-testid="approvals-decided">
          <thead>
            <tr>
              <th>Tool call</th>
              <th>Run</th>
              <th>Answer</th>
              <th>By</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {decided.data.items.map((a) => (
              <tr key={a.id} data-approval-id={a.id}>
                <td>
                  {a.toolCall.title ?? a.toolCall.toolCallId} <span class="muted">{a.toolCall.kind}</span>
                </td>
                <td>
                  <a href={`/runs/${encodeURIComponent(a.runId)}`} onClick={follow}>
                    {a.runId}
                  </a>
                </td>
                <td data-testid="approval-decision">{a.decisionKind ?? a.decision}</td>
                <td>{a.decidedBy}</td>
                <td>{a.decidedAt && new Date(a.decidedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PendingApproval({ approval: a }: { approval: Approval }) {
  const [error, setError] = useState<Error>();
  const [sent, setSent] = useState<string>();
  const decide = async (optionId: string, name: string) => {
    try {
      await api.decide(a.id, optionId);
      setSent(`Answered: ${name}.`);
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <article class="approval" data-testid="approval" data-approval-id={a.id}>
      <h3>
        <span class="kind">{a.toolCall.kind ?? 'other'}</span> {a.toolCall.title ?? a.toolCall.toolCallId}
      </h3>
      <p class="muted">
        Run{' '}
        <a href={`/runs/${encodeURIComponent(a.runId)}`} onClick={follow}>
          {a.runId}
        </a>
        {a.project && ` · project ${a.project}`} · asked {new Date(a.requestedAt).toLocaleString()}
      </p>
      <ToolCallDetail call={a.toolCall} />
      <div class="buttons">
        {a.options.map((o) => (
          <button
            type="button"
            key={o.optionId}
            class={o.kind.startsWith('reject') ? 'danger' : undefined}
            onClick={() => decide(o.optionId, o.name)}
            disabled={sent !== undefined}
            data-testid="approval-option"
            data-option-kind={o.kind}
          >
            {o.name}
          </button>
        ))}
      </div>
      {sent && (
        <p class="done" role="status">
          {sent}
        </p>
      )}
      <ProblemLine error={error} />
    </article>
  );
}

/** What the agent wants to do: each diff as removed and added lines, the command it would run, the paths. */
function ToolCallDetail({ call }: { call: ToolCall }) {
  const diffs = (call.content ?? []).filter((c) => c.type === 'diff');
  const command = commandOf(call.rawInput);
  const paths = (call.locations ?? []).map((l) => String(l.path ?? '')).filter(Boolean);
  return (
    <div class="tool-call" data-testid="tool-call">
      {command && (
        <pre class="output" data-testid="tool-call-command">
          $ {command}
        </pre>
      )}
      {diffs.map((d, i) => (
        <pre class="output diff" key={i} data-testid="tool-call-diff">
          <span class="muted">{String(d.path ?? '') + '\n'}</span>
          {lines(d.oldText).map((l, j) => (
            <span class="removed" key={`o${j}`}>
              {'-' + l + '\n'}
            </span>
          ))}
          {lines(d.newText).map((l, j) => (
            <span class="added" key={`n${j}`}>
              {'+' + l + '\n'}
            </span>
          ))}
        </pre>
      ))}
      {paths.length > 0 && <p class="muted">{paths.join(', ')}</p>}
    </div>
  );
}

function lines(text: unknown): string[] {
  return typeof text === 'string' && text !== '' ? text.replace(/\n$/, '').split('\n') : [];
}

/** The command of an execute tool call, as agents put it in rawInput ({command: "..."} or {command: [...]}). */
function commandOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const command = (raw as Record<string, unknown>).command;
  if (typeof command === 'string') return command;
  if (Array.isArray(command)) return command.map(String).join(' ');
  return undefined;
}
