import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { short, when } from './format';
import type { Receipt } from './types';

export function Verdict({ v }: { v: string | null | undefined }) {
  return <span class={`badge badge-${v ?? 'none'}`}>{v ?? 'none'}</span>;
}

export function Id({ id }: { id: string | null | undefined }) {
  return (
    <code class="id" title={id ?? ''}>
      {short(id)}
    </code>
  );
}

export function Loading({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : (
    <p class="muted">Loading…</p>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A receipt decoded: who, what, why, which release. */
export function ReceiptRow({ r }: { r: Receipt }) {
  const why = r.predicate?.why ?? [];
  return (
    <tr>
      <td class="num">#{r.index}</td>
      <td>{when(r.at)}</td>
      <td>
        <span class="kind">{r.kind}</span>
      </td>
      <td>{r.actor}</td>
      <td>
        <Id id={r.subject} />
      </td>
      <td class="why">{why.join('; ') || '—'}</td>
    </tr>
  );
}

export function ReceiptTable({ receipts, caption }: { receipts: Receipt[]; caption: string }) {
  if (receipts.length === 0) return <p class="muted">No receipts.</p>;
  return (
    <div class="scroll" tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">at</th>
            <th scope="col">decision</th>
            <th scope="col">who</th>
            <th scope="col">release</th>
            <th scope="col">why</th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((r) => (
            <ReceiptRow key={r.index} r={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A button that asks for a written reason before it acts, then shows what the
 * action returned (the receipt) or why it was refused.
 */
export function ReasonAction({
  label,
  danger,
  act,
}: {
  label: string;
  danger?: boolean;
  act: (reason: string) => Promise<ComponentChildren>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ComponentChildren>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `reason-${label.toLowerCase().replace(/\W+/g, '-')}`;
  if (!open)
    return (
      <span class="action">
        <button type="button" class={danger ? 'danger' : ''} onClick={() => setOpen(true)}>
          {label}
        </button>
        {outcome}
      </span>
    );
  return (
    <form
      class="reason-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') return setError('a reason is required: it goes into the signed receipt');
        setBusy(true);
        setError(null);
        act(reason.trim()).then(
          (o) => {
            setOutcome(o);
            setOpen(false);
            setReason('');
            setBusy(false);
          },
          (e: unknown) => {
            setError(e instanceof Error ? e.message : String(e));
            setBusy(false);
          },
        );
      }}
    >
      <label for={id}>Reason for {label.toLowerCase()}</label>
      <textarea id={id} value={reason} required rows={2} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="row">
        <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>
          Confirm {label.toLowerCase()}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
