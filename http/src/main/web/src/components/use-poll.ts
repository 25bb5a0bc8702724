import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api';
import { navigate } from '../router';

export interface Polled<T> {
  data?: T;
  error?: Error;
}

/**
 * Asks {@code load} now and then every {@code everyMs} while the page is shown: the lists show live state
 * without a stream of their own. A 401 means the console session ended: back to the login page.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, key: unknown = null): Polled<T> {
  const [state, setState] = useState<Polled<T>>({});
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const data = await load();
        if (!stopped) setState({ data });
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiProblem && error.status === 401) {
          navigate('/login', true);
          return;
        }
        setState((s) => ({ data: s.data, error: error as Error }));
      }
      if (!stopped) timer = window.setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [key]);
  return state;
}
