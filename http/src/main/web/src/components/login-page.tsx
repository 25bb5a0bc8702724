import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { navigate } from '../router';
import { ProblemLine } from './problem';

/**
 * /login: exchanges the one-time ticket of {@code kaged console} (in the URL fragment, which no server
 * sees) for a session cookie; or takes the API token typed in. Neither is kept in the page.
 */
export function LoginPage() {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState('');

  const login = async (credential: { ticket: string } | { token: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.login(credential);
      navigate('/sessions', true);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  useEffect(() => {
    const ticket = new URLSearchParams(location.hash.slice(1)).get('ticket');
    if (ticket) {
      // Out of the address bar and the history before anything else.
      history.replaceState(null, '', '/login');
      void login({ ticket });
    }
  }, []);

  return (
    <main class="login">
      <h1>kaged</h1>
      <p>
        Run <code>kaged console</code> on the daemon's host for a one-time login link, or paste the API token
        (<code>kaged token</code> prints it).
      </p>
      <form
        data-testid="login-form"
        onSubmit={(e) => {
          e.preventDefault();
          void login({ token });
          setToken('');
        }}
      >
        <label>
          API token
          <input
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            data-testid="login-token"
          />
        </label>
        <button type="submit" disabled={busy || token === ''} data-testid="login-submit">
          Log in
        </button>
      </form>
      <ProblemLine error={error} />
    </main>
  );
}
