import { z } from 'zod';
import type { PrometheusConfig } from '../../config/prometheus-schema.js';
import { err, ok, type Result } from '../../kernel/result.js';

/**
 * A client for Prometheus' instant-query HTTP API (`GET /api/v1/query`),
 * reduced to what a monitor needs: one number for one PromQL expression at
 * one time. Every failure is a Result (code `unavailable`), never a throw:
 * the server is down or slow, it answers an error, the credentials named in
 * the config are missing from the environment, or the answer is not one
 * number (no series, several series, NaN).
 */

const sample = z.tuple([z.number(), z.string()]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: sample }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

export type PrometheusProblem = { readonly code: 'unavailable'; readonly message: string };

/** The Authorization header the config asks for, from the environment; an error when a named variable is unset. */
export function authorizationHeader(
  config: Pick<PrometheusConfig, 'bearer_token_env' | 'basic_auth'>,
  env: NodeJS.ProcessEnv,
): Result<string | undefined, PrometheusProblem> {
  const read = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  if (config.bearer_token_env) {
    const token = read(config.bearer_token_env);
    if (token === undefined)
      return err(
        'unavailable',
        `environment variable ${config.bearer_token_env} (prometheus.bearer_token_env) is not set`,
      );
    return ok(`Bearer ${token}`);
  }
  if (config.basic_auth) {
    const { username_env, password_env } = config.basic_auth;
    const user = read(username_env);
    const password = read(password_env);
    if (user === undefined)
      return err('unavailable', `environment variable ${username_env} (prometheus.basic_auth.username_env) is not set`);
    if (password === undefined)
      return err('unavailable', `environment variable ${password_env} (prometheus.basic_auth.password_env) is not set`);
    return ok(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
  }
  return ok(undefined);
}

export class PrometheusClient {
  private readonly base: string;

  constructor(
    private readonly config: PrometheusConfig,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.base = config.url.replace(/\/+$/, '');
  }

  /** The one number `query` evaluates to at `timeMs` (epoch ms). */
  async number(query: string, timeMs: number): Promise<Result<number, PrometheusProblem>> {
    const auth = authorizationHeader(this.config, this.env);
    if (!auth.ok) return auth;
    const body = new URLSearchParams({ query, time: (timeMs / 1000).toFixed(3) });
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.base}/api/v1/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(auth.value ? { authorization: auth.value } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.config.timeout_ms),
      });
      text = await res.text();
    } catch (e) {
      const why =
        e instanceof Error && e.name === 'TimeoutError'
          ? `no answer within ${this.config.timeout_ms} ms`
          : String((e as Error).cause ?? e);
      return err('unavailable', `${this.base} cannot be reached: ${why}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return err('unavailable', `${this.base} answered HTTP ${res.status} without JSON`);
    }
    const parsed = answerSchema.safeParse(json);
    if (!parsed.success) return err('unavailable', `${this.base} answered HTTP ${res.status} in an unknown shape`);
    const a = parsed.data;
    if (a.status === 'error') {
      return err(
        'unavailable',
        `Prometheus answered HTTP ${res.status}, ${a.errorType ?? 'error'}: ${a.error ?? 'no message'}`,
      );
    }
    const d = a.data;
    let value: string;
    if (d.resultType === 'scalar') value = d.result[1];
    else if (d.resultType === 'vector') {
      if (d.result.length === 0) return err('unavailable', `no series for ${query}`);
      if (d.result.length > 1)
        return err('unavailable', `${d.result.length} series for ${query}: aggregate it to one (sum, max, …)`);
      value = d.result[0]!.value[1];
    } else return err('unavailable', `${query} gives a ${d.resultType}, not one number`);
    const n = Number(value);
    if (!Number.isFinite(n)) return err('unavailable', `${query} is ${value}`);
    return ok(n);
  }
}
