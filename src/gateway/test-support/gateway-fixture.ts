import { sluiceConfigSchema } from '../../config/sluice-schema.js';
import { jsonDigest } from '../../kernel/canonical-json.js';
import type { ResolvedManifest } from '../../release/resolved-manifest.js';
import { PREPROCESS_LIBRARY, preprocessDigest } from '../../release/preprocess.js';
import { Knowledge } from '../../providers/sim/knowledge.js';
import { SimEngine } from '../../providers/sim/sim-engine.js';
import { simFileSchema } from '../../providers/sim/sim-schema.js';
import { startSimServer, type SimServer } from '../../providers/sim/sim-server.js';
import { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ServingRelease } from '../../serving/serving-release.js';
import type { ReleaseRecord } from '../../store/store.js';
import type { RouteEntry } from '../routing/route-table.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

/** The simulated models behind the gateway tests. */
export const SIM_MODELS = simFileSchema.parse({
  models: {
    'legal-v1': { quality: 0.9, latency_ms: { median: 20, p95: 40 }, answer_tokens: { median: 30, p95: 60 } },
    'legal-v2': { quality: 0.8, latency_ms: { median: 20, p95: 40 }, answer_tokens: { median: 30, p95: 60 } },
    flaky: { error_rate: 1 },
    rambling: { answer_tokens: { median: 3000, p95: 3100 }, fail_after_tokens: 40 },
  },
});

export function simEngine(): SimEngine {
  return new SimEngine({ seed: 7, file: SIM_MODELS, knowledge: new Knowledge([]) });
}

/** A real OpenAI-compatible upstream on 127.0.0.1 that answers at once (a stalled answer waits `stallMs`). */
export function startUpstream(stallMs = 30_000): Promise<SimServer> {
  return startSimServer({ engine: simEngine(), timeScale: 0, stallMs });
}

/** Providers as a sluice.yaml would declare them: `up` is the upstream at `baseUrl`, plus any `extra`. */
export function registry(
  baseUrl: string,
  extra: Record<string, { base_url: string; timeout_ms?: number; [setting: string]: unknown }> = {},
  timeoutMs = 2_000,
): ProviderRegistry {
  const providers: Record<string, unknown> = {
    up: { kind: 'openai-compatible', base_url: baseUrl, retries: 0, timeout_ms: timeoutMs },
  };
  for (const [name, p] of Object.entries(extra))
    providers[name] = { kind: 'openai-compatible', retries: 0, timeout_ms: timeoutMs, ...p };
  const config = sluiceConfigSchema.parse({ project: 'gateway-test', providers });
  return new ProviderRegistry(config, { projectDir: tempDir('sluice-gw-'), env: {} });
}

export function manifest(
  route: string,
  model: string,
  provider = 'up',
  extra: Partial<ResolvedManifest> = {},
): ResolvedManifest {
  return {
    name: route,
    model: { provider, name: model },
    routing: [],
    prompt: {},
    preprocessing: { library: PREPROCESS_LIBRARY, steps: [], digest: preprocessDigest([]) },
    params: {},
    acknowledge: [],
    metadata: {},
    ...extra,
  };
}

export function servingRelease(route: string, model: string, provider = 'up'): ServingRelease {
  const m = manifest(route, model, provider);
  return { id: jsonDigest(m), manifest: m };
}

export function releaseRecord(m: ResolvedManifest): ReleaseRecord {
  return {
    id: jsonDigest(m),
    name: m.name,
    manifest: m,
    baseline: null,
    changes: [],
    actor: 'test',
    createdAt: new Date().toISOString(),
  };
}

/** A route entry: stable legal-v1, candidate legal-v2 at `weight` in rollout `rolloutId`. */
export function entry(
  route: string,
  weight: number,
  rolloutId: string | null = 'rollout-1',
  models: [string, string] = ['legal-v1', 'legal-v2'],
): RouteEntry {
  return {
    route,
    rolloutId,
    stable: servingRelease(route, models[0]),
    candidate: rolloutId === null ? null : servingRelease(route, models[1]),
    weight,
  };
}
