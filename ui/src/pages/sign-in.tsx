import { useState } from 'preact/hooks';
import { ApiError, get, setToken } from '../api';
import type { Session } from '../types';

/** A control-API token, entered once: kept in this tab's session storage and sent as a bearer header. */
export function SignInPage({ session, onSignedIn }: { session: Session | null; onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <p>
        Paste a control-API token (<code>sluice token create --name NAME --role viewer|operator|approver</code>). It is
        kept in this tab only and sent as <code>Authorization: Bearer</code>.
      </p>
      {session && (
        <p>
          Signed in as <strong>{session.role}</strong>
          {session.name ? ` (${session.name})` : ''}.
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setToken(value.trim());
          get<Session>('/session').then(
            () => {
              setError(null);
              onSignedIn();
              location.hash = '#/releases';
            },
            (err: unknown) => {
              setToken(null);
              setError(err instanceof ApiError && err.status === 401 ? 'this token is not known' : String(err));
            },
          );
        }}
      >
        <label for="token">Token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
