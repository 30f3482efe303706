// Appends N receipts to the audit log of the store at argv[2] (used to test concurrent writers).
import { createHash } from 'node:crypto';
import { Ledger } from '../../dist/audit/ledger/ledger.js';
import { signingKeyFromPem } from '../../dist/audit/envelope/signing-key.js';
import { openStore } from '../../dist/store/open-store.js';

const [url, count, tag] = process.argv.slice(2);
const store = await openStore(url, process.cwd());
const key = signingKeyFromPem(process.env.SLUICE_AUDIT_KEY).value;
const ledger = new Ledger(store, { origin: 'test.example/concurrent', key });
for (let i = 0; i < Number(count); i++) {
  const subject = `sha256:${createHash('sha256').update(`${tag}-${i}`).digest('hex')}`;
  await ledger.record({ kind: 'step', subject, actor: tag, at: new Date() });
}
await store.close();
