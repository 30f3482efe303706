import { useState } from 'preact/hooks';
import { enc, get } from '../api';
import { Id, Loading, Section, Verdict } from '../components';
import { href, when } from '../format';
import { useData } from '../hooks';
import type { ReleaseRow, RouteRow } from '../types';

const PAGE = 50;

/** Every route (stable, candidate, phase) and its releases, newest first, one page at a time. */
export function ReleasesPage({ route }: { route: string | undefined }) {
  const routes = useData(() => get<{ routes: RouteRow[] }>('/routes'), []);
  const [offset, setOffset] = useState(0);
  const list = useData(
    () =>
      get<{ total: number; releases: ReleaseRow[] }>(
        `/releases?limit=${PAGE}&offset=${offset}${route ? `&route=${enc(route)}` : ''}`,
      ),
    [route, offset],
  );
  return (
    <>
      <h1>Releases{route ? ` of ${route}` : ''}</h1>
      <Section title="Routes">
        {routes.data ? (
          <div class="scroll" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">route</th>
                  <th scope="col">stable</th>
                  <th scope="col">candidate</th>
                  <th scope="col">phase</th>
                  <th scope="col">weight</th>
                  <th scope="col">releases</th>
                </tr>
              </thead>
              <tbody>
                {routes.data.routes.map((r) => (
                  <tr key={r.route}>
                    <td>
                      <a href={href('releases', r.route)}>{r.route}</a>
                    </td>
                    <td>
                      {r.stable ? (
                        <a href={href('release', r.stable)}>
                          <Id id={r.stable} />
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {r.candidate ? (
                        <a href={href('release', r.candidate)}>
                          <Id id={r.candidate} />
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <a href={href('rollout', r.route)}>{r.phase}</a>
                    </td>
                    <td class="num">{r.weight}%</td>
                    <td class="num">{r.releases}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Loading error={routes.error} />
        )}
      </Section>
      <Section title="History">
        {list.data ? (
          <>
            <div class="scroll" tabIndex={0}>
              <table class="releases">
                <thead>
                  <tr>
                    <th scope="col">release</th>
                    <th scope="col">route</th>
                    <th scope="col">version</th>
                    <th scope="col">changes</th>
                    <th scope="col">gate</th>
                    <th scope="col">registered by</th>
                    <th scope="col">at</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.releases.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <a href={href('release', r.id)}>
                          <Id id={r.id} />
                        </a>
                        {r.stable && <span class="badge badge-stable">stable</span>}
                        {r.candidate && <span class="badge badge-candidate">candidate</span>}
                      </td>
                      <td>{r.name}</td>
                      <td>{r.version ?? '—'}</td>
                      <td>{r.changes.join(', ') || '—'}</td>
                      <td>
                        {r.gate ? (
                          <a href={href('gate', r.id)}>
                            <Verdict v={r.gate.verdict} />
                            {r.gate.overridden && <span class="badge badge-override">overridden</span>}
                          </a>
                        ) : (
                          <span class="muted">not gated</span>
                        )}
                      </td>
                      <td>{r.actor}</td>
                      <td>{when(r.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="pager">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </button>
              <span>
                {list.data.total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, list.data.total)} of {list.data.total}
              </span>
              <button
                type="button"
                disabled={offset + PAGE >= list.data.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Older
              </button>
            </div>
          </>
        ) : (
          <Loading error={list.error} />
        )}
      </Section>
    </>
  );
}
