import { z } from 'zod';
import { memoryKeyTable, newGatewayKey } from '../../src/gateway/auth/gateway-keys.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { MemoryRouteTable } from '../../src/gateway/routing/route-table.js';
import { type TraceKeeping, toTraceRecord } from '../../src/gateway/sinks/record.js';
import { Redactor } from '../../src/gateway/sinks/redact.js';
import { startChatUpstream } from '../../src/gateway/test-support/chat-upstream.js';
import { manifest, registry } from '../../src/gateway/test-support/gateway-fixture.js';
import { jsonDigest } from '../../src/kernel/canonical-json.js';
import type { ProviderRegistry } from '../../src/providers/provider-registry.js';
import type { WireServer } from '../../src/providers/test-support/wire-server.js';
import { PREPROCESS_LIBRARY, preprocessDigest } from '../../src/release/preprocess.js';
import type { ServingRelease } from '../../src/serving/serving-release.js';
import type { TraceRecord } from '../../src/store/store.js';
import type { Finished } from '../../src/gateway/http/chat.js';

/**
 * A gateway on loopback for real clients: route "assistant" served by a
 * release with a system prompt, whitespace preprocessing and an embeddings
 * model, in front of the scripted upstream (which records what it received).
 * Keys: `frontend` (every route, no limit) and `limited` (route "other" only, 1 rpm).
 */
export interface ClientGateway {
  readonly base: string;
  readonly release: ServingRelease;
  readonly system: string;
  readonly frontend: string;
  readonly limited: string;
  readonly upstream: WireServer;
  readonly gateway: Gateway;
  readonly traces: TraceRecord[];
  /** Every finished request as the gateway's last sink (where the observer sits in serve) got it. */
  readonly finished: Finished[];
  /** The chat request the upstream received last. */
  lastChat(): UpstreamChat;
  close(): Promise<void>;
}

const upstreamChat = z.looseObject({
  model: z.string(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })),
});
export type UpstreamChat = z.output<typeof upstreamChat>;

export async function startClientGateway(
  o: { mode?: 'required' | 'optional'; forwardClientAuth?: boolean } = {},
): Promise<ClientGateway> {
  const system = 'You are the Sluice test assistant.';
  const steps = [{ op: 'collapse_whitespace' as const }];
  const m = manifest('assistant', 'chat-model', 'up', {
    embeddings: { provider: 'up', name: 'embed-model' },
    preprocessing: { library: PREPROCESS_LIBRARY, steps, digest: preprocessDigest(steps) },
  });
  const release: ServingRelease = { id: jsonDigest(m), manifest: m, systemTemplate: system };
  const frontend = newGatewayKey();
  const limited = newGatewayKey();
  const upstream = await startChatUpstream();
  const providers: ProviderRegistry = registry(`${upstream.url}/v1`);
  const traces: TraceRecord[] = [];
  const finished: Finished[] = [];
  const keeping: TraceKeeping = { redactor: new Redactor(), stickySecret: Buffer.alloc(32, 7) };
  const gateway = createGateway({
    keeping,
    routes: new MemoryRouteTable([
      { route: 'assistant', rolloutId: null, stable: release, candidate: null, weight: 0 },
    ]),
    providers,
    traceWriter: (_events, keeping) => ({
      write: async (batch) => {
        traces.push(...batch.map((t) => toTraceRecord(t, keeping)));
      },
      flush: async () => {},
      close: async () => {},
    }),
    sticky: 'key',
    sinks: [{ offer: (f) => finished.push(f), close: async () => {} }],
    auth: {
      mode: o.mode ?? 'required',
      forwardClientAuth: o.forwardClientAuth ?? false,
      keys: memoryKeyTable([
        { hash: frontend.hash, name: 'app-frontend', routes: null, rpm: null, createdAt: '' },
        { hash: limited.hash, name: 'tiny', routes: ['other'], rpm: 1, createdAt: '' },
      ]),
    },
  });
  const base = `${(await gateway.listen(0)).url}/v1`;
  return {
    base,
    release,
    system,
    frontend: frontend.key,
    limited: limited.key,
    upstream,
    gateway,
    traces,
    finished,
    lastChat() {
      const r = upstream.received.filter((x) => x.url.endsWith('/chat/completions')).at(-1);
      return upstreamChat.parse(r?.body);
    },
    async close() {
      await gateway.close();
      await providers.close();
      await upstream.close();
    },
  };
}
