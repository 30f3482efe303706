import type { ProviderConfig } from '../config/sluice-schema.js';
import { AnthropicProvider } from './anthropic/anthropic-provider.js';
import type { Clock } from '../kernel/clock.js';
import { GeminiProvider } from './gemini/gemini-provider.js';
import type { HttpProviderOptions } from './http/http-provider-options.js';
import { ProviderError, type ModelProvider } from './model-provider.js';
import { OpenAiCompatibleProvider } from './openai/openai-compatible-provider.js';
import { openAiProvider } from './openai/openai-provider.js';
import { RateLimitedProvider } from './http/rate-limited-provider.js';
import { RateLimiter } from './http/rate-limiter.js';
import { simEngineFor } from './sim/create-sim-engine.js';
import { SimProvider } from './sim/sim-provider.js';

export interface CreateProviderOptions {
  /** The project folder: a sim's models file and knowledge are relative to it. */
  readonly projectDir: string;
  /** Where API keys are read (api_key_env names a variable here). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Sim only: multiplies simulated latencies (1 real time, 0 none). Default 1. */
  readonly simTimeScale?: number;
  /** Time for rate limits and retry waits (tests inject a virtual one). */
  readonly clock?: Clock;
}

/** The variable each hosted API's key is read from when api_key_env is not set. */
export const DEFAULT_KEY_ENV: Readonly<Record<string, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
};

function apiKey(name: string, config: ProviderConfig, env: CreateProviderOptions['env']): string | undefined {
  const variable = config.api_key_env ?? DEFAULT_KEY_ENV[config.kind];
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (value) return value;
  if (config.api_key_env !== undefined || config.kind !== 'openai-compatible') {
    throw new ProviderError('config', `provider "${name}": the API key variable ${variable} is not set`);
  }
  return undefined;
}

function baseProvider(name: string, config: ProviderConfig, opts: CreateProviderOptions): ModelProvider {
  if (config.kind === 'sim') {
    const engine = simEngineFor(config, opts.projectDir);
    return new SimProvider({ name, engine, timeScale: opts.simTimeScale ?? 1, timeoutMs: config.timeout_ms });
  }
  const key = apiKey(name, config, opts.env);
  const common: Omit<HttpProviderOptions, 'baseUrl'> = {
    name,
    timeoutMs: config.timeout_ms,
    maxConcurrency: config.max_concurrency,
    retries: config.retries,
    maxResponseBytes: config.max_response_bytes,
    maxSseLineBytes: config.max_sse_line_bytes,
    streamDeadlineMs: config.stream_deadline_ms,
    maxOutputChars: config.max_output_chars,
    ...(key ? { apiKey: key } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  };
  const base = config.base_url ? { baseUrl: config.base_url } : {};
  switch (config.kind) {
    case 'openai-compatible':
      if (!config.base_url)
        throw new ProviderError(
          'config',
          `provider "${name}": kind openai-compatible needs base_url (e.g. http://127.0.0.1:8000/v1)`,
        );
      return new OpenAiCompatibleProvider({ ...common, baseUrl: config.base_url });
    case 'openai':
      return openAiProvider({ ...common, ...base });
    case 'anthropic':
      return new AnthropicProvider({ ...common, ...base });
    case 'gemini':
      return new GeminiProvider({ ...common, ...base });
  }
}

/**
 * The provider a sluice.yaml entry describes, chosen by `kind`, wrapped in
 * its requests/tokens-per-minute limits when it has them. A missing API key
 * or base URL is a 'config' ProviderError (a bad_input SluiceError) here,
 * before any call is made.
 */
export function createProvider(name: string, config: ProviderConfig, opts: CreateProviderOptions): ModelProvider {
  const provider = baseProvider(name, config, opts);
  if (config.requests_per_minute === undefined && config.tokens_per_minute === undefined) return provider;
  const limiter = new RateLimiter(
    {
      ...(config.requests_per_minute !== undefined ? { requestsPerMinute: config.requests_per_minute } : {}),
      ...(config.tokens_per_minute !== undefined ? { tokensPerMinute: config.tokens_per_minute } : {}),
    },
    opts.clock,
  );
  return new RateLimitedProvider(provider, limiter);
}
