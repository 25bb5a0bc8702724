import { useEffect, useState } from 'preact/hooks';

// Every page is a URL: the server answers each page path with the same document and this picks the page.

export type Route =
  | { page: 'login' }
  | { page: 'sessions' }
  | { page: 'session'; id: string }
  | { page: 'runs' }
  | { page: 'run'; id: string }
  | { page: 'audit' }
  | { page: 'stats' }
  | { page: 'approvals' }
  | { page: 'projects' }
  | { page: 'project'; id: string }
  | { page: 'not-found'; path: string };

export function parse(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { page: 'sessions' };
  const [first, id, ...rest] = parts;
  if (rest.length > 0) return { page: 'not-found', path };
  switch (first) {
    case 'login':
      return id === undefined ? { page: 'login' } : { page: 'not-found', path };
    case 'sessions':
      return id === undefined ? { page: 'sessions' } : { page: 'session', id };
    case 'runs':
      return id === undefined ? { page: 'runs' } : { page: 'run', id };
    case 'audit':
      return id === undefined ? { page: 'audit' } : { page: 'not-found', path };
    case 'stats':
      return id === undefined ? { page: 'stats' } : { page: 'not-found', path };
    case 'approvals':
      return id === undefined ? { page: 'approvals' } : { page: 'not-found', path };
    case 'projects':
      return id === undefined ? { page: 'projects' } : { page: 'project', id };
    default:
      return { page: 'not-found', path };
  }
}

const CHANGED = 'kaged:navigate';

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current route, following the back and forward buttons and {@link navigate}. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parse(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return route;
}

/** A click handler for in-app links: plain clicks stay in the page, modified ones open as usual. */
export function follow(event: MouseEvent): void {
  const link = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
}
