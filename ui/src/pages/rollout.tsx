import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import { enc, get, post } from '../api';
import { Chart } from '../chart';
import { Id, Loading, ReasonAction, ReceiptTable, Section } from '../components';
import { href, num, when } from '../format';
import { useData } from '../hooks';
import { can } from '../role';
import type { RolloutStatus, RouteRow, Session, Timeline } from '../types';

const COMMANDS: { kind: string; label: string; danger?: boolean; when: (phase: string) => boolean }[] = [
  { kind: 'pause', label: 'Pause', when: (p) => p === 'progressing' },
  { kind: 'resume', label: 'Resume', when: (p) => p === 'paused' },
  { kind: 'promote', label: 'Promote', when: (p) => p === 'progressing' || p === 'paused' },
  { kind: 'abort', label: 'Abort', danger: true, when: (p) => p === 'progressing' || p === 'paused' },
  { kind: 'rollback', label: 'Rollback', danger: true, when: () => true },
];

const WEIGHT_SERIES: uPlot.Series[] = [
  {
    label: 'canary weight %',
    stroke: '#2563eb',
    width: 2,
    fill: 'rgba(37,99,235,0.08)',
    paths: uPlot.paths.stepped?.({ align: 1 }),
  },
];
const ARM_SERIES: uPlot.Series[] = [
  { label: 'stable requests', stroke: '#475569', width: 1.5 },
  { label: 'canary requests', stroke: '#2563eb', width: 1.5 },
  { label: 'canary errors', stroke: '#dc2626', width: 1.5 },
];

function Steps({ s }: { s: RolloutStatus }) {
  const p = s.step_progress ?? null;
  return (
    <>
      <ol class="steps">
        {s.steps.map((w, i) => (
          <li key={w} class={i < s.step || s.phase === 'promoted' ? 'done' : i === s.step ? 'current' : ''}>
            <strong>{w}%</strong>
          </li>
        ))}
      </ol>
      {p && (
        <div class="step-progress">
          <p>
            Step {p.index + 1} at {p.weight}%: {p.requests ?? '—'} of {p.min_requests} canary requests; dwell{' '}
            {p.elapsed_seconds ?? 0} s of {p.dwell_seconds} s
            {p.dwell_remaining_seconds ? ` (${p.dwell_remaining_seconds} s left)` : ''}
            {p.deadline ? `; pauses by itself at ${when(p.deadline)} if it cannot end` : ''}.
          </p>
          <progress
            max={p.min_requests}
            value={Math.min(p.requests ?? 0, p.min_requests)}
            aria-label="canary requests of the step"
          />
          <progress
            max={p.dwell_seconds}
            value={Math.min(p.elapsed_seconds ?? 0, p.dwell_seconds)}
            aria-label="dwell of the step"
          />
          {p.waiting_for.length > 0 && <p class="muted">Waiting for: {p.waiting_for.join('; ')}</p>}
        </div>
      )}
    </>
  );
}

function RouteTimeline({ route, session }: { route: string; session: Session }) {
  const { data, error, reload } = useData(() => get<Timeline>(`/routes/${enc(route)}/timeline`), [route], 2000);
  const weights = useMemo<uPlot.AlignedData | null>(() => {
    if (!data || data.weights.length === 0) return null;
    const t = data.weights.map((w) => w.t / 1000);
    const live = data.status.phase === 'progressing' || data.status.phase === 'paused';
    const last = Math.max(live ? Date.now() / 1000 : 0, (t.at(-1) ?? 0) + 1);
    return [
      [...t, last],
      [...data.weights.map((w) => w.weight), data.status.weight],
    ];
  }, [data]);
  const arms = useMemo<uPlot.AlignedData | null>(() => {
    if (!data || data.arms.points.length === 0) return null;
    const p = data.arms.points;
    return [p.map((x) => x.t / 1000), p.map((x) => x.stable), p.map((x) => x.canary), p.map((x) => x.canary_errors)];
  }, [data]);
  if (!data) return <Loading error={error} />;
  const s = data.status;
  const act = (kind: string) => async (reason: string) => {
    await post(`/routes/${enc(route)}/${kind}`, { reason });
    const t = await get<Timeline>(`/routes/${enc(route)}/timeline`);
    reload();
    const r = t.receipts[0];
    return (
      <span class="receipt-note" role="status">
        {kind} done{r ? `: receipt #${r.index} (${r.kind} by ${r.actor})` : ''}
      </span>
    );
  };
  const allowed = COMMANDS.filter((c) => c.when(s.phase) && can(session, c.kind));
  return (
    <>
      <h1>
        Rollout of {route} <span class={`badge phase-${s.phase}`}>{s.phase}</span>
      </h1>
      <dl class="facts">
        <dt>stable</dt>
        <dd>
          <a href={href('release', s.stable)}>
            <Id id={s.stable} />
          </a>
        </dd>
        <dt>candidate</dt>
        <dd>
          {s.candidate ? (
            <a href={href('release', s.candidate)}>
              <Id id={s.candidate} />
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>weight</dt>
        <dd>{s.weight}%</dd>
        <dt>requests</dt>
        <dd>
          canary {data.arms.totals.canary ?? 0} ({data.arms.totals.canary_errors ?? 0} errors) · stable{' '}
          {data.arms.totals.stable ?? 0}
        </dd>
        {s.paused && (
          <>
            <dt>paused</dt>
            <dd>
              by {s.paused.by}: {s.paused.reason}
            </dd>
          </>
        )}
        {s.halt_reason && (
          <>
            <dt>halted</dt>
            <dd>{s.halt_reason}</dd>
          </>
        )}
      </dl>
      <div class="actions">
        {allowed.map((c) => (
          <ReasonAction key={c.kind} label={c.label} danger={c.danger ?? false} act={act(c.kind)} />
        ))}
        {allowed.length === 0 && <p class="muted">No action available to this role in this phase.</p>}
      </div>
      <Section title="Steps">
        <Steps s={s} />
      </Section>
      <Section title="Weight over time">
        {weights ? (
          <Chart data={weights} series={WEIGHT_SERIES} label="canary weight over time" yRange={[0, 100]} />
        ) : (
          <p class="muted">No steps yet.</p>
        )}
      </Section>
      <Section title="Requests per arm">
        {arms ? (
          <Chart data={arms} series={ARM_SERIES} label="requests per arm over time" />
        ) : (
          <p class="muted">No requests recorded.</p>
        )}
      </Section>
      <Section title="Monitors">
        <div class="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">monitor</th>
                <th scope="col">status</th>
                <th scope="col">estimate</th>
                <th scope="col">interval</th>
                <th scope="col">limit</th>
                <th scope="col">evidence</th>
                <th scope="col">more needed</th>
              </tr>
            </thead>
            <tbody>
              {s.monitors.map((m) => (
                <tr key={m.name}>
                  <td>{m.name}</td>
                  <td>
                    <span
                      class={`badge badge-${m.status === 'pass' ? 'pass' : m.status === 'fail' ? 'fail' : 'review'}`}
                    >
                      {m.status}
                    </span>
                  </td>
                  <td class="num">{num(m.value, 4)}</td>
                  <td class="num">{m.interval ? `[${num(m.interval[0], 4)}, ${num(m.interval[1], 4)}]` : '—'}</td>
                  <td class="num">{m.threshold}</td>
                  <td class="num">{m.evidence === null ? '—' : m.evidence.toPrecision(3)}</td>
                  <td class="num">{m.needed ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {s.monitors.length === 0 && <p class="muted">No monitor reading yet.</p>}
      </Section>
      <Section title="Events">
        <ul class="events" tabIndex={0}>
          {[...s.events].reverse().map((e, i) => (
            <li key={i}>
              <span class="muted">{when(e.at)}</span> <span class="kind">{e.kind}</span> {e.weight}% — {e.message}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Receipts">
        <ReceiptTable receipts={data.receipts} caption="Receipts of this rollout's releases, newest first" />
      </Section>
    </>
  );
}

/** The live timeline of a route's rollout (polled every 2 s), with the commands the role may give. */
export function RolloutPage({ route, session }: { route: string | undefined; session: Session }) {
  const routes = useData(() => get<{ routes: RouteRow[] }>('/routes'), []);
  const chosen = route ?? routes.data?.routes[0]?.route;
  if (!chosen) return routes.data ? <p>No routes yet.</p> : <Loading error={routes.error} />;
  return <RouteTimeline route={chosen} session={session} />;
}
