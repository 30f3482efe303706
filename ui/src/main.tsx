import 'uplot/dist/uPlot.min.css';
import './style.css';
import { type ComponentChildren, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, setToken, token } from './api';
import { useRoute } from './hooks';
import { AuditPage } from './pages/audit';
import { GatePage } from './pages/gate';
import { ObservePage } from './pages/observe';
import { ReleasePage } from './pages/release';
import { ReleasesPage } from './pages/releases';
import { RolloutPage } from './pages/rollout';
import { SignInPage } from './pages/sign-in';
import type { Session } from './types';

const NAV: [string, string][] = [
  ['releases', 'Releases'],
  ['rollout', 'Rollout'],
  ['observe', 'Observe'],
  ['audit', 'Audit'],
];

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [needsToken, setNeedsToken] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    get<Session>('/session').then(
      (s) => {
        setSession(s);
        setNeedsToken(false);
      },
      (e: unknown) => {
        setSession(null);
        if (e instanceof ApiError && e.status === 401) setNeedsToken(true);
      },
    );
  }, [version]);
  const signedIn = () => setVersion((v) => v + 1);
  const page = route[0] ?? 'releases';
  let body: ComponentChildren;
  if (needsToken || page === 'sign-in') body = <SignInPage session={session} onSignedIn={signedIn} />;
  else if (!session) body = <p class="muted">Loading…</p>;
  else if (page === 'release' && route[1]) body = <ReleasePage id={route[1]} />;
  else if (page === 'gate' && route[1]) body = <GatePage id={route[1]} session={session} />;
  else if (page === 'rollout') body = <RolloutPage route={route[1]} session={session} />;
  else if (page === 'observe') body = <ObservePage route={route[1]} />;
  else if (page === 'audit') body = <AuditPage />;
  else body = <ReleasesPage route={route[1]} />;
  return (
    <>
      <header class="top">
        <a class="brand" href="#/releases">
          Sluice
        </a>
        <nav aria-label="Pages">
          {NAV.map(([p, label]) => (
            <a
              key={p}
              href={`#/${p}`}
              aria-current={
                page === p || (p === 'releases' && (page === 'release' || page === 'gate')) ? 'page' : undefined
              }
            >
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          {session ? (
            <>
              <span class="role" data-role={session.role}>
                {session.read_only ? 'read-only' : session.role === 'open' ? 'open (no tokens)' : session.role}
              </span>
              {session.name && <span class="who-name"> {session.name}</span>}
            </>
          ) : null}
          {token() ? (
            <button
              type="button"
              class="link"
              onClick={() => {
                setToken(null);
                signedIn();
              }}
            >
              Sign out
            </button>
          ) : (
            <a href="#/sign-in">Sign in</a>
          )}
        </div>
      </header>
      <main id="main">{body}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
