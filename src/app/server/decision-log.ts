import type { AuditStore } from '../../audit/audit-store.js';
import { decodeReceipt } from '../../audit/envelope/receipt-leaf.js';
import type { Closable } from '../../kernel/close-in-reverse.js';
import type { JsonValue } from '../../kernel/canonical-json.js';
import { shortId } from '../../release/release-id.js';
import type { ServerLog } from './server-log.js';

/** The receipt kinds a serve log names as the event they are (one line each). */
const EVENT: Readonly<Record<string, string>> = {
  register: 'release registered',
  gate: 'gate',
  override: 'gate override',
  'rollout-start': 'rollout started',
  step: 'rollout step',
  pause: 'rollout paused',
  resume: 'rollout resumed',
  promote: 'rollout promoted',
  halt: 'rollout halted',
  rollback: 'rollback',
  'observe-rollback': 'observer rollback',
  'shadow-start': 'shadow started',
  'shadow-stop': 'shadow stopped',
};

const text = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** The few facts of a decision worth a log line: the weights of a step, a gate's verdict, the reasons. */
function facts(predicate: Record<string, JsonValue>): Record<string, JsonValue> {
  const what = (predicate.what ?? {}) as Record<string, JsonValue>;
  const out: Record<string, JsonValue> = {};
  for (const k of ['verdict', 'from_weight', 'to_weight', 'weight', 'step', 'rollout', 'from', 'to', 'trigger']) {
    if (what[k] !== undefined && typeof what[k] !== 'object') out[k] = what[k];
  }
  if (Array.isArray(predicate.why) && predicate.why.length > 0) out.why = predicate.why;
  return out;
}

/**
 * One log line per decision recorded in the audit log — by this process or any other sharing
 * the store (a `sluice gate` or `rollback` run elsewhere): register, gate, each rollout step,
 * pause, promotion, halt, rollback, observer rollback. The log is the ledger's tail, so a
 * decision is logged exactly when it is on record. Starts at the log's current end.
 */
export async function followDecisions(
  store: Pick<AuditStore, 'auditSize' | 'auditEntries'>,
  log: ServerLog,
  opts: { pollMs?: number; onError?: (e: unknown) => void } = {},
): Promise<Closable & { poll(): Promise<void> }> {
  let next = await store.auditSize();
  let running: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    const size = await store.auditSize();
    if (size <= next) return;
    for (const entry of await store.auditEntries(next, size)) {
      const r = decodeReceipt(entry);
      const predicate = (r.statement?.predicate ?? {}) as Record<string, JsonValue>;
      const route = text(predicate.route);
      const f = facts(predicate);
      const weights =
        f.from_weight !== undefined && f.to_weight !== undefined ? ` ${f.from_weight}% → ${f.to_weight}%` : '';
      const verdict = f.verdict !== undefined ? ` ${String(f.verdict)}` : '';
      log.info(
        { event: r.kind, index: r.index, ...(route ? { route } : {}), release: r.subject, actor: r.actor, ...f },
        `${EVENT[r.kind] ?? r.kind}${route ? ` on ${route}` : ''}${weights}${verdict}: ${shortId(r.subject)} (by ${r.actor})`,
      );
    }
    next = size;
  };
  const timer = setInterval(() => {
    running = running.then(poll).catch((e) => opts.onError?.(e));
  }, opts.pollMs ?? 500);
  return {
    poll: () => {
      running = running.then(poll);
      return running;
    },
    async close() {
      clearInterval(timer);
      await running.catch(() => {});
      await poll().catch(() => {});
    },
  };
}
