import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { enc, get } from '../api';
import { Chart } from '../chart';
import { Id, Loading, ReceiptTable, Section } from '../components';
import { num, pct, when } from '../format';
import { useData } from '../hooks';
import type { Receipt, RouteRow } from '../types';

interface ObserveWindow {
  start: number;
  n: number;
  mean: number | null;
  ci: [number, number] | null;
  status: string;
  drift: string;
}
interface ObserveSlice {
  slice: string;
  samples: number;
  state: string;
  reference: number | null;
  streams: { name: string; status: string; statistic: number; threshold: number | null }[];
  windows: ObserveWindow[];
}
interface ObserveView {
  release: string | null;
  since: number | null;
  settings: { window_seconds: number; consecutive: number; min_quality: number };
  slices: ObserveSlice[];
  alerts: { slice: string; start: number; status: string; drift: string; reasons: string[] }[];
  rollbacks: Receipt[];
}
interface ShadowView {
  shadow: { releaseId: string; percent: number } | null;
  release: string | null;
  slices: {
    slice: string;
    pairs: number;
    judged: number;
    shadow_wins: number;
    stable_wins: number;
    ties: number;
    win_rate: number | null;
  }[];
  total: number;
  pairs: {
    id: string;
    slice: string;
    at: string;
    input: string;
    stable: { answer: string; score: number | null };
    shadow: { answer: string; score: number | null };
    winner: string | null;
  }[];
}

const QUALITY_SERIES: uPlot.Series[] = [
  { label: 'mean quality', stroke: '#2563eb', width: 2 },
  { label: 'lower 95%', stroke: '#93c5fd', width: 1, dash: [4, 4] },
  { label: 'upper 95%', stroke: '#93c5fd', width: 1, dash: [4, 4] },
  { label: 'min quality', stroke: '#dc2626', width: 1 },
];

function SliceChart({ s, min }: { s: ObserveSlice; min: number }) {
  const data = useMemo<uPlot.AlignedData>(
    () => [
      s.windows.map((w) => w.start / 1000),
      s.windows.map((w) => w.mean),
      s.windows.map((w) => w.ci?.[0] ?? null),
      s.windows.map((w) => w.ci?.[1] ?? null),
      s.windows.map(() => min),
    ],
    [s, min],
  );
  return (
    <Chart
      data={data}
      series={QUALITY_SERIES}
      height={160}
      label={`judged quality of ${s.slice} over time`}
      yRange={[0, 1]}
    />
  );
}

function Shadow({ route }: { route: string }) {
  const [slice, setSlice] = useState('');
  const { data, error } = useData(
    () => get<ShadowView>(`/routes/${enc(route)}/shadow/pairs?limit=5${slice ? `&slice=${enc(slice)}` : ''}`),
    [route, slice],
  );
  if (!data) return <Loading error={error} />;
  return (
    <Section title="Shadow">
      <p>
        {data.shadow ? (
          <>
            <Id id={data.shadow.releaseId} /> receives {data.shadow.percent}% of requests as a mirror.
          </>
        ) : (
          'No shadow running.'
        )}{' '}
        {data.release && !data.shadow ? (
          <>
            Pairs of <Id id={data.release} />.
          </>
        ) : null}
      </p>
      {data.slices.length === 0 ? (
        <p class="muted">No shadow pairs stored.</p>
      ) : (
        <>
          <div class="scroll" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">slice</th>
                  <th scope="col">pairs</th>
                  <th scope="col">judged</th>
                  <th scope="col">shadow wins</th>
                  <th scope="col">stable wins</th>
                  <th scope="col">ties</th>
                  <th scope="col">win rate</th>
                </tr>
              </thead>
              <tbody>
                {data.slices.map((s) => (
                  <tr key={s.slice}>
                    <td>
                      <button type="button" class="link" onClick={() => setSlice(s.slice === slice ? '' : s.slice)}>
                        {s.slice}
                      </button>
                    </td>
                    <td class="num">{s.pairs}</td>
                    <td class="num">{s.judged}</td>
                    <td class="num">{s.shadow_wins}</td>
                    <td class="num">{s.stable_wins}</td>
                    <td class="num">{s.ties}</td>
                    <td class="num">{pct(s.win_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>
            Pairs{slice ? ` of ${slice}` : ''} (newest 5 of {data.total})
          </h3>
          {data.pairs.map((p) => (
            <article key={p.id} class="item">
              <header>
                <span class="muted">{when(p.at)}</span> {p.slice} · winner: {p.winner ?? 'not judged'}
              </header>
              <pre tabIndex={0} class="text">
                {p.input}
              </pre>
              <div class="side-by-side">
                <div class="answer">
                  <h4>Stable ({num(p.stable.score)})</h4>
                  <pre tabIndex={0} class="text">
                    {p.stable.answer}
                  </pre>
                </div>
                <div class="answer">
                  <h4>Shadow ({num(p.shadow.score)})</h4>
                  <pre tabIndex={0} class="text">
                    {p.shadow.answer}
                  </pre>
                </div>
              </div>
            </article>
          ))}
        </>
      )}
    </Section>
  );
}

/** Judged production quality per slice with the detector's state, alerts and rollbacks; then the shadow. */
export function ObservePage({ route }: { route: string | undefined }) {
  const routes = useData(() => get<{ routes: RouteRow[] }>('/routes'), []);
  const chosen = route ?? routes.data?.routes[0]?.route;
  const view = useData(
    () => (chosen ? get<ObserveView>(`/routes/${enc(chosen)}/observe`) : Promise.resolve(null)),
    [chosen],
    5000,
  );
  if (!chosen) return routes.data ? <p>No routes yet.</p> : <Loading error={routes.error} />;
  const v = view.data;
  return (
    <>
      <h1>Observe {chosen}</h1>
      {!v ? (
        <Loading error={view.error} />
      ) : (
        <>
          <p>
            Release {v.release ? <Id id={v.release} /> : '—'} · windows of {v.settings.window_seconds} s · min quality{' '}
            {v.settings.min_quality} · rollback after {v.settings.consecutive} breached windows · the detector replayed
            over the windows since {when(v.since)}
          </p>
          <Section title="Quality per slice">
            {v.slices.length === 0 && <p class="muted">No judged production answers since {when(v.since)}.</p>}
            <div class="grid">
              {v.slices.map((s) => (
                <div key={s.slice} class="slice-panel">
                  <h3>
                    {s.slice} <span class={`badge state-${s.state}`}>{s.state}</span>
                  </h3>
                  <p class="muted">
                    {s.samples} samples · reference {num(s.reference)}
                    {s.streams
                      .filter((st) => st.status !== 'ok')
                      .map((st) => ` · ${st.name} ${st.status} (${num(st.statistic)} of ${num(st.threshold)})`)
                      .join('')}
                  </p>
                  <SliceChart s={s} min={v.settings.min_quality} />
                </div>
              ))}
            </div>
          </Section>
          <Section title="Alerts">
            {v.alerts.length === 0 ? (
              <p class="muted">No window breached.</p>
            ) : (
              <ul class="events" tabIndex={0}>
                {v.alerts.map((a, i) => (
                  <li key={i}>
                    <span class="muted">{when(a.start)}</span> {a.slice}: {a.status}
                    {a.drift !== 'ok' ? `, detector ${a.drift}` : ''} — {a.reasons.join('; ')}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Rollbacks">
            <ReceiptTable receipts={v.rollbacks} caption="Rollback receipts of this release" />
          </Section>
        </>
      )}
      <Shadow route={chosen} />
    </>
  );
}
