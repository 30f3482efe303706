// The upstream alone: the same chat-completion requests the gate sends
// (bodies rendered beforehand, outside the timing), straight from an undici
// Pool at the same concurrency, each answer read and JSON-parsed.
import { Pool } from 'undici';
import { openAiChatBody } from '../../dist/providers/openai/openai-wire.js';
import { prepareMessages } from '../../dist/serving/build-messages.js';

/** The request bodies (and slice headers) Sluice's openai-compatible provider sends for `items`. */
export function requestsFor(release, items) {
  return items.map((item) => {
    const p = prepareMessages(release, { messages: item.messages, vars: item.vars });
    if (!p.ok) throw new Error(`${item.id}: ${p.message}`);
    const body = openAiChatBody({ model: p.model.name, messages: p.messages, params: release.manifest.params }, false, {
      maxTokensField: 'max_tokens',
    });
    return { body: JSON.stringify(body), slice: item.slice };
  });
}

/** Sends every request with at most `concurrency` in flight; wall seconds. */
export async function runDirect(baseUrl, requests, concurrency) {
  const url = new URL(baseUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  const pool = new Pool(url.origin, {
    connections: concurrency,
    keepAliveTimeout: 10_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', 'x-sluice-slice': r.slice },
        body: r.body,
      });
      const value = JSON.parse(await res.body.text());
      if (res.statusCode !== 200 || !value.choices?.[0]?.message) failed++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await pool.close();
  if (failed > 0) throw new Error(`${failed} of ${requests.length} direct upstream calls failed`);
  return seconds;
}
