import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePoll } from './use-poll';
import { follow, navigate, useRoute, type Route } from '../router';
import { ApprovalsPage } from './approvals-page';
import { AuditPage } from './audit-page';
import { ProjectPage, ProjectsPage } from './projects-page';
import { StatsPage } from './stats-page';
import { LoginPage } from './login-page';
import { ProblemLine } from './problem';
import { RunPage } from './run-page';
import { RunsPage } from './runs-page';
import { SessionPage } from './session-page';
import { SessionsPage } from './sessions-page';

export function App() {
  const route = useRoute();
  if (route.page === 'login') return <LoginPage />;
  return (
    <div class="shell">
      <Header route={route} />
      <main>
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'sessions':
      return <SessionsPage />;
    case 'session':
      return <SessionPage key={route.id} id={route.id} />;
    case 'runs':
      return <RunsPage key={location.search} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'audit':
      return <AuditPage />;
    case 'stats':
      return <StatsPage />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={route.id} name={route.id} />;
    default:
      return (
        <p data-testid="not-found">
          No page at <code>{location.pathname}</code>.
        </p>
      );
  }
}

function Header({ route }: { route: Route }) {
  const [error, setError] = useState<Error>();
  // The badge: how many permission requests wait for an answer, wherever the operator is in the console.
  const waiting = usePoll(() => api.approvals('pending', 100), 3000);
  const pending = waiting.data?.items.length ?? 0;
  const logout = async () => {
    try {
      await api.logout();
      navigate('/login');
    } catch (e) {
      setError(e as Error);
    }
  };
  const current = (pages: Route['page'][]) => (pages.includes(route.page) ? 'page' : undefined);
  return (
    <header>
      <span class="brand">kaged</span>
      <nav>
        <a href="/sessions" onClick={follow} aria-current={current(['sessions', 'session'])} data-testid="nav-sessions">
          Sessions
        </a>
        <a href="/runs" onClick={follow} aria-current={current(['runs', 'run'])} data-testid="nav-runs">
          Runs
        </a>
        <a href="/audit" onClick={follow} aria-current={current(['audit'])} data-testid="nav-audit">
          Audit
        </a>
        <a href="/approvals" onClick={follow} aria-current={current(['approvals'])} data-testid="nav-approvals">
          Approvals
          {pending > 0 && (
            <span class="badge" data-testid="approvals-badge" aria-label={`${pending} waiting`}>
              {pending}
            </span>
          )}
        </a>
        <a href="/stats" onClick={follow} aria-current={current(['stats'])} data-testid="nav-stats">
          Stats
        </a>
        <a href="/projects" onClick={follow} aria-current={current(['projects', 'project'])} data-testid="nav-projects">
          Projects
        </a>
      </nav>
      <button type="button" class="logout" onClick={logout} data-testid="logout">
        Log out
      </button>
      <ProblemLine error={error} />
    </header>
  );
}
