import { get, enc } from '../api';
import { Id, Loading, Section, Verdict } from '../components';
import { href, num, when } from '../format';
import { useData } from '../hooks';
import type { ComponentDiff, ReleaseDetail } from '../types';

function Diff({ d }: { d: ComponentDiff }) {
  return (
    <details class="diff" open={d.changed}>
      <summary>
        <strong>{d.component}</strong>{' '}
        {d.changed ? <span class="badge badge-fail">changed</span> : <span class="muted">unchanged</span>}
      </summary>
      {d.texts.map((t) => (
        <figure key={t.label}>
          <figcaption>{t.label}</figcaption>
          <pre tabIndex={0} class="diff-lines">
            {t.lines.map((l, i) => (
              <span key={i} class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same'}>
                {l.op === '+' ? '+ ' : l.op === '-' ? '- ' : '  '}
                {l.text}
                {'\n'}
              </span>
            ))}
          </pre>
          {t.truncated && <p class="muted">(cut: the diff is longer)</p>}
        </figure>
      ))}
    </details>
  );
}

/** One release: manifest, a real diff against its baseline, weights attestation, gate results. */
export function ReleasePage({ id }: { id: string }) {
  const { data, error } = useData(() => get<ReleaseDetail>(`/releases/${enc(id)}`), [id]);
  if (!data) return <Loading error={error} />;
  const r = data.release;
  return (
    <>
      <h1>
        Release <Id id={r.id} /> <span class="muted">{r.name}</span>
      </h1>
      <dl class="facts">
        <dt>id</dt>
        <dd>
          <code class="wrap">{r.id}</code>
        </dd>
        <dt>registered</dt>
        <dd>
          {when(r.created_at)} by {r.actor}
        </dd>
        <dt>baseline</dt>
        <dd>
          {data.baseline ? (
            <a href={href('release', data.baseline.id)}>
              <Id id={data.baseline.id} />
            </a>
          ) : (
            'none (first release of its route)'
          )}
        </dd>
        <dt>changes</dt>
        <dd>{r.changes.join(', ') || 'none'}</dd>
        <dt>weights</dt>
        <dd>
          {data.weights === 'not-claimed' ? (
            <span>not claimed (a closed-API model)</span>
          ) : (
            <span>
              <code class="wrap">{data.weights.digest}</code> ({data.weights.path})
            </span>
          )}
        </dd>
        <dt>gate</dt>
        <dd>
          {data.gate ? (
            <a href={href('gate', r.id)}>
              <Verdict v={data.gate.verdict} /> score {num(data.gate.aggregate.score)} over {data.gate.aggregate.n}{' '}
              items
              {data.gate.override && <span class="badge badge-override">overridden by {data.gate.override.actor}</span>}
            </a>
          ) : (
            'not gated'
          )}
        </dd>
      </dl>
      <Section title={data.baseline ? 'Changes against the baseline' : 'Contents'}>
        {data.diff.map((d) => (
          <Diff key={d.component} d={d} />
        ))}
      </Section>
      <Section title="Manifest">
        <pre tabIndex={0} class="manifest">
          {JSON.stringify(r.manifest, null, 2)}
        </pre>
      </Section>
    </>
  );
}
