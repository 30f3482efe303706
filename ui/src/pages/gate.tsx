import { useState } from 'preact/hooks';
import { enc, get, post } from '../api';
import { Id, Loading, ReasonAction, Section, Verdict } from '../components';
import { href, num, when } from '../format';
import { useData } from '../hooks';
import { can } from '../role';
import type { GateItem, GateResult, Session, SliceResult } from '../types';

const x = (v: number) => `${Math.max(0, Math.min(1, v)) * 100}%`;

/** One slice against its threshold: score bar, interval, threshold, baseline marker and the minimum detectable drop. */
function SliceBar({ s }: { s: SliceResult }) {
  const mdd = s.mdd ?? null;
  return (
    <div
      class="slice-bar"
      role="img"
      aria-label={`${s.slice}: score ${num(s.score)}, threshold ${num(s.min)}, baseline ${num(s.baseline_score)}`}
    >
      {s.score !== null && <span class={`bar bar-${s.verdict}`} style={{ width: x(s.score) }} />}
      {s.ci && <span class="ci" style={{ left: x(s.ci[0]), width: x(s.ci[1] - s.ci[0]) }} />}
      {s.baseline_score !== null && mdd !== null && (
        <span
          class="mdd"
          style={{ left: x(s.baseline_score - mdd), width: x(mdd) }}
          title={`minimum detectable drop ${num(mdd)}`}
        />
      )}
      {s.min !== null && <span class="threshold" style={{ left: x(s.min) }} title={`threshold ${num(s.min)}`} />}
      {s.baseline_score !== null && (
        <span class="baseline" style={{ left: x(s.baseline_score) }} title={`baseline ${num(s.baseline_score)}`} />
      )}
    </div>
  );
}

/** The slices as a tree (children under their parent), collapsible. */
function SliceTree({ slices, onPick }: { slices: SliceResult[]; onPick: (slice: string) => void }) {
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const names = new Set(slices.map((s) => s.slice));
  const parentOf = (name: string): string | null => {
    const parts = name.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      const p = parts.slice(0, i).join('/');
      if (names.has(p)) return p;
    }
    return null;
  };
  const hidden = (name: string): boolean => {
    for (let p = parentOf(name); p; p = parentOf(p)) if (closed.has(p)) return true;
    return false;
  };
  const depth = (name: string): number => {
    let d = 0;
    for (let p = parentOf(name); p; p = parentOf(p)) d++;
    return d;
  };
  const sorted = [...slices].sort((a, b) => a.slice.localeCompare(b.slice));
  const hasChildren = (name: string) => sorted.some((s) => parentOf(s.slice) === name);
  return (
    <div class="slice-tree">
      <div class="slice-legend" aria-hidden="true">
        <span class="key bar-pass" /> score <span class="key ci-key" /> 95% interval <span class="key threshold-key" />{' '}
        threshold <span class="key baseline-key" /> baseline <span class="key mdd-key" /> minimum detectable drop
      </div>
      {sorted
        .filter((s) => !hidden(s.slice))
        .map((s) => (
          <div key={s.slice} class="slice-row" data-depth={depth(s.slice)}>
            <div class={`slice-name depth-${Math.min(depth(s.slice), 4)}`}>
              {hasChildren(s.slice) ? (
                <button
                  type="button"
                  class="toggle"
                  aria-expanded={!closed.has(s.slice)}
                  aria-label={`${closed.has(s.slice) ? 'Expand' : 'Collapse'} ${s.slice}`}
                  onClick={() => {
                    const next = new Set(closed);
                    if (next.has(s.slice)) next.delete(s.slice);
                    else next.add(s.slice);
                    setClosed(next);
                  }}
                >
                  {closed.has(s.slice) ? '▸' : '▾'}
                </button>
              ) : (
                <span class="toggle-space" />
              )}
              <button type="button" class="link" onClick={() => onPick(s.slice)}>
                {s.slice}
              </button>
            </div>
            <SliceBar s={s} />
            <div class="slice-facts">
              <Verdict v={s.verdict} /> {num(s.score)}
              {s.ci ? ` [${num(s.ci[0])}, ${num(s.ci[1])}]` : ''} · n {s.n}
              {s.delta !== null ? ` · Δ ${s.delta >= 0 ? '+' : ''}${num(s.delta)}` : ''}
              {s.mdd != null ? ` · mdd ${num(s.mdd)}` : ''}
              {s.reasons.length > 0 && <div class="reasons">{s.reasons.join('; ')}</div>}
            </div>
          </div>
        ))}
    </div>
  );
}

function Answer({ title, a }: { title: string; a: GateItem['candidate'] }) {
  return (
    <div class="answer">
      <h4>{title}</h4>
      {a ? (
        <>
          <p class="score">
            score {num(a.score)}
            {a.raw !== null ? ` (raw ${a.raw})` : ''}
            {Object.entries(a.flags)
              .filter(([, f]) => f)
              .map(([name]) => (
                <span key={name} class="badge badge-fail">
                  {name}
                </span>
              ))}
          </p>
          <pre tabIndex={0} class="text">
            {a.answer}
          </pre>
          {a.reason && <p class="judge-reason">Judge: {a.reason}</p>}
        </>
      ) : (
        <p class="muted">no answer stored</p>
      )}
    </div>
  );
}

const ITEMS = 10;

function Items({
  id,
  slices,
  slice,
  setSlice,
}: {
  id: string;
  slices: string[];
  slice: string;
  setSlice: (s: string) => void;
}) {
  const [offset, setOffset] = useState(0);
  const { data, error } = useData(
    () =>
      get<{ total: number; items: GateItem[] }>(
        `/releases/${enc(id)}/gate/items?limit=${ITEMS}&offset=${offset}${slice ? `&slice=${enc(slice)}` : ''}`,
      ),
    [id, slice, offset],
  );
  return (
    <Section title="Items, most regressed first">
      <label for="slice-filter">Slice</label>{' '}
      <select
        id="slice-filter"
        value={slice}
        onChange={(e) => {
          setOffset(0);
          setSlice(e.currentTarget.value);
        }}
      >
        <option value="">all slices</option>
        {slices.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          {data.items.map((it) => (
            <article key={it.id} class="item">
              <header>
                <strong>{it.id}</strong> <span class="muted">{it.slice}</span>{' '}
                {it.delta !== null && (
                  <span class={it.delta < 0 ? 'delta neg' : 'delta'}>
                    Δ {it.delta >= 0 ? '+' : ''}
                    {num(it.delta)}
                  </span>
                )}
              </header>
              <h4>Input</h4>
              <pre tabIndex={0} class="text">
                {it.input}
              </pre>
              {it.reference && (
                <>
                  <h4>Reference</h4>
                  <pre tabIndex={0} class="text">
                    {it.reference}
                  </pre>
                </>
              )}
              <div class="side-by-side">
                <Answer title="Baseline" a={it.baseline} />
                <Answer title="Candidate" a={it.candidate} />
              </div>
            </article>
          ))}
          <div class="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ITEMS))}>
              Previous
            </button>
            <span>
              {data.total === 0 ? 0 : offset + 1}–{Math.min(offset + ITEMS, data.total)} of {data.total}
            </span>
            <button type="button" disabled={offset + ITEMS >= data.total} onClick={() => setOffset(offset + ITEMS)}>
              Next
            </button>
          </div>
        </>
      )}
    </Section>
  );
}

/** The gate of one release: slices against thresholds, the items behind them, and the override. */
export function GatePage({ id, session }: { id: string; session: Session }) {
  const { data, error, reload } = useData(() => get<GateResult>(`/releases/${enc(id)}/gate`), [id]);
  const [slice, setSlice] = useState('');
  const [receipt, setReceipt] = useState<number | null>(null);
  if (!data) return <Loading error={error} />;
  const failed = data.verdict !== 'pass';
  return (
    <>
      <h1>
        Gate of{' '}
        <a href={href('release', data.release)}>
          <Id id={data.release} />
        </a>{' '}
        <Verdict v={data.verdict} />
      </h1>
      <dl class="facts">
        <dt>baseline</dt>
        <dd>{data.baseline ? <Id id={data.baseline} /> : 'none'}</dd>
        <dt>aggregate</dt>
        <dd>
          {num(data.aggregate.score)} over {data.aggregate.n} items
        </dd>
        <dt>judged</dt>
        <dd>
          {when(data.at)} by {data.judge ?? 'no judge'}
        </dd>
        <dt>receipt</dt>
        <dd>{data.receipt !== null ? `#${data.receipt}` : '—'}</dd>
        {data.override && (
          <>
            <dt>override</dt>
            <dd class="override">
              by {data.override.actor} at {when(data.override.at)}: {data.override.reason}
            </dd>
          </>
        )}
      </dl>
      {failed && !data.override && can(session, 'override') && (
        <div class="actions">
          <ReasonAction
            label="Override"
            danger
            act={async (reason) => {
              const r = await post<{ receipt: number }>(`/releases/${enc(id)}/gate/override`, { reason });
              setReceipt(r.receipt);
              reload();
              return null;
            }}
          />
        </div>
      )}
      {receipt !== null && (
        <p class="receipt-note" role="status">
          Overridden: receipt #{receipt}
        </p>
      )}
      {failed && !data.override && !can(session, 'override') && (
        <p class="muted">An override needs the approver role.</p>
      )}
      <Section title="Slices against their thresholds">
        <SliceTree slices={data.slices} onPick={setSlice} />
      </Section>
      {data.checks.length > 0 && (
        <Section title="Checks">
          <ul class="checks">
            {data.checks.map((c) => (
              <li key={c.name} class={c.ok ? 'ok' : 'not-ok'}>
                {c.ok ? '✓' : '✗'} {c.message} <span class="muted">({c.kind})</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Items id={id} slices={data.slices.map((s) => s.slice).sort()} slice={slice} setSlice={setSlice} />
    </>
  );
}
