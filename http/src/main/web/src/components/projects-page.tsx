import { useState } from 'preact/hooks';
import { api } from '../api';
import { follow } from '../router';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /projects: every project, with its config. */
export function ProjectsPage() {
  const { data, error } = usePoll(() => api.projects(), 5000);
  return (
    <section>
      <h1>Projects</h1>
      <ProblemLine error={error} />
      {data && data.items.length === 0 && <p data-testid="projects-empty">No projects yet (kaged project new NAME).</p>}
      {data && data.items.length > 0 && (
        <table data-testid="projects-table">
          <thead>
            <tr>
              <th>Project</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.id} data-project={p.name}>
                <td>
                  <a href={`/projects/${encodeURIComponent(p.name)}`} onClick={follow} data-testid="project-link">
                    {p.name}
                  </a>
                </td>
                <td>{new Date(p.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** /projects/{name}: the project's config, its prompts, each prompt's versions and the diff of two. */
export function ProjectPage({ name }: { name: string }) {
  const prompts = usePoll(() => api.prompts(name), 5000, name);
  const [prompt, setPrompt] = useState<string>();
  return (
    <section>
      <h1 data-testid="project-title">Project {name}</h1>
      <p>
        <a href={`/runs?project=${encodeURIComponent(name)}`} onClick={follow}>
          Its runs
        </a>
      </p>
      <ProblemLine error={prompts.error} />
      <h2>Prompts</h2>
      {prompts.data && prompts.data.items.length === 0 && <p class="muted">No prompts.</p>}
      <ul data-testid="prompts">
        {prompts.data?.items.map((p) => (
          <li key={p.name}>
            <button type="button" class="link" onClick={() => setPrompt(p.name)} aria-pressed={prompt === p.name} data-testid="prompt" data-prompt={p.name}>
              {p.name}
            </button>{' '}
            <span class="muted">
              v{p.latestVersion} by {p.author}, {new Date(p.updatedAt).toLocaleString()}
            </span>
          </li>
        ))}
      </ul>
      {prompt && <PromptVersions key={prompt} project={name} prompt={prompt} />}
    </section>
  );
}

function PromptVersions({ project, prompt }: { project: string; prompt: string }) {
  const versions = usePoll(() => api.versions(project, prompt), 5000, prompt);
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [diff, setDiff] = useState<string>();
  const [error, setError] = useState<Error>();
  const items = versions.data?.items ?? [];
  const a = from ?? (items.length > 1 ? items[items.length - 2].version : items[0]?.version);
  const b = to ?? items[items.length - 1]?.version;
  const show = async () => {
    if (a === undefined || b === undefined) return;
    try {
      setDiff(await api.promptDiff(project, prompt, a, b));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  };
  const pick = (set: (n: number) => void) => (e: Event) => set(Number((e.target as HTMLSelectElement).value));
  return (
    <div data-testid="prompt-versions">
      <h3>{prompt}</h3>
      <ProblemLine error={versions.error ?? error} />
      <form onSubmit={(e) => (e.preventDefault(), void show())}>
        <label>
          From
          <select value={a} onChange={pick(setFrom)} data-testid="diff-from">
            {items.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} ({v.author})
              </option>
            ))}
          </select>
        </label>
        <label>
          To
          <select value={b} onChange={pick(setTo)} data-testid="diff-to">
            {items.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} ({v.author})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="diff-show">
          Show the diff
        </button>
      </form>
      {diff !== undefined && (
        <pre class="output diff" data-testid="prompt-diff">
          {diff.split('\n').map((line, i) => (
            <span key={i} class={line.startsWith('+') ? 'added' : line.startsWith('-') ? 'removed' : undefined}>
              {line + '\n'}
            </span>
          ))}
        </pre>
      )}
    </div>
  );
}
