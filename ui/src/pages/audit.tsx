import { useState } from 'preact/hooks';
import { get } from '../api';
import { Loading, ReceiptRow, Section } from '../components';
import { when } from '../format';
import { useData } from '../hooks';
import type { Receipt } from '../types';
import { fromBase64, pinKey, verifyCheckpoint, verifyEnvelope, verifyInclusion } from '../verify';

interface AuditPageData {
  origin: string;
  size: number;
  checkpoint: { size: number; note: string; at: string } | null;
  receipts: Receipt[];
}

const PIN_KEY = 'sluice.audit.pinned-key';
const PAGE = 25;

type Outcome = { ok: true; checked: number; size: number } | { ok: false; problems: string[] };

async function verifyPage(data: AuditPageData, keyText: string): Promise<Outcome> {
  const pinned = await pinKey(keyText);
  if (!data.checkpoint) return { ok: false, problems: ['the log has no checkpoint'] };
  const problems: string[] = [];
  const cp = await verifyCheckpoint(data.checkpoint.note, pinned).catch((e: unknown) => {
    problems.push(`checkpoint: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  if (cp && cp.origin !== data.origin) problems.push(`checkpoint: its origin ${cp.origin} is not ${data.origin}`);
  for (const r of data.receipts) {
    const leaf = fromBase64(r.leaf);
    const sig = await verifyEnvelope(leaf, pinned);
    if (sig) problems.push(`receipt #${r.index}: ${sig}`);
    if (!cp) continue;
    const included =
      r.proof && r.proof.size === cp.size
        ? await verifyInclusion(leaf, r.index, cp.size, r.proof.hashes.map(fromBase64), cp.root)
        : false;
    if (!included) problems.push(`receipt #${r.index}: not included in the checkpoint of size ${cp.size}`);
  }
  return problems.length === 0
    ? { ok: true, checked: data.receipts.length, size: cp?.size ?? 0 }
    : { ok: false, problems };
}

/** The audit log, newest first, each receipt decoded; the checkpoint; verification in this browser. */
export function AuditPage() {
  const [offset, setOffset] = useState(0);
  const { data, error } = useData(() => get<AuditPageData>(`/audit?limit=${PAGE}&offset=${offset}`), [offset]);
  const [keyText, setKeyText] = useState(() => localStorage.getItem(PIN_KEY) ?? '');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [keyError, setKeyError] = useState<string | null>(null);
  if (!data) return <Loading error={error} />;
  return (
    <>
      <h1>Audit log</h1>
      <Section title="Verify in this browser">
        <p>
          Checks each shown receipt's Ed25519 signature and its Merkle inclusion in the checkpoint, and the checkpoint's
          signature, against the key pinned here (the <code>verifier_key</code> of <code>sluice audit export</code>),
          not against anything the server says. The key is remembered in this browser.
        </p>
        <label for="pinned-key">Pinned verifier key</label>
        <input
          id="pinned-key"
          class="wide"
          value={keyText}
          spellcheck={false}
          onInput={(e) => setKeyText(e.currentTarget.value)}
          placeholder={`${data.origin}+…`}
        />
        <div class="row">
          <button
            type="button"
            class="primary"
            disabled={busy || keyText.trim() === ''}
            onClick={() => {
              setBusy(true);
              setKeyError(null);
              verifyPage(data, keyText).then(
                (o) => {
                  localStorage.setItem(PIN_KEY, keyText.trim());
                  setOutcome(o);
                  setBusy(false);
                },
                (e: unknown) => {
                  setKeyError(e instanceof Error ? e.message : String(e));
                  setOutcome(null);
                  setBusy(false);
                },
              );
            }}
          >
            Verify in this browser
          </button>
        </div>
        {keyError && (
          <p class="error" role="alert">
            {keyError}
          </p>
        )}
        {outcome && (
          <div class={outcome.ok ? 'verified ok' : 'verified bad'} role="status" data-testid="verify-outcome">
            {outcome.ok ? (
              `Verified: ${outcome.checked} receipts signed by the pinned key and included in the checkpoint of size ${outcome.size}.`
            ) : (
              <>
                <strong>Verification failed</strong>
                <ul>
                  {outcome.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </Section>
      <Section title="Checkpoint">
        {data.checkpoint ? (
          <>
            <p>
              Size {data.checkpoint.size}, signed {when(data.checkpoint.at)}
            </p>
            <pre tabIndex={0} class="note">
              {data.checkpoint.note}
            </pre>
          </>
        ) : (
          <p class="muted">The log is empty.</p>
        )}
      </Section>
      <Section title={`Receipts (${data.size})`}>
        <div class="scroll" tabIndex={0}>
          <table>
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
              {data.receipts.map((r) => (
                <ReceiptRow key={r.index} r={r} />
              ))}
            </tbody>
          </table>
        </div>
        <div class="pager">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => {
              setOutcome(null);
              setOffset(Math.max(0, offset - PAGE));
            }}
          >
            Newer
          </button>
          <span>
            {data.size === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, data.size)} of {data.size}
          </span>
          <button
            type="button"
            disabled={offset + PAGE >= data.size}
            onClick={() => {
              setOutcome(null);
              setOffset(offset + PAGE);
            }}
          >
            Older
          </button>
        </div>
      </Section>
    </>
  );
}
