import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SluiceError } from '../../kernel/errors.js';
import type { AnalysisService } from '../../rollout/analysis-service.js';
import { FLAGGER_HOOKS, type FlaggerHook, flaggerAnswer } from '../../rollout/core/index.js';
import { authorize, type TokenDirectory } from './authorize.js';
import { httpStatusFor } from './http-status.js';
import { checkOrigin } from './request-guard.js';

/**
 * Sluice as the analysis provider of engines that shift Kubernetes traffic
 * themselves:
 *
 * - `GET /api/v1/analysis/{route}[?release=ID]`: Argo Rollouts' web metric
 *   (`successCondition: result.verdict == "pass"`, `failureCondition:
 *   result.verdict == "fail"`); always 200 with the verdict when the route
 *   exists, so an inconclusive verdict is a measurement, not an error.
 * - `POST /api/v1/flagger/{hook}` for pre-rollout, rollout, confirm-promotion,
 *   rollback and event, with Flagger's payload (`name`, `namespace`,
 *   `phase`, `metadata`); `metadata.route` names the route (else `name`),
 *   `metadata.release` the release (else the route's candidate, else its
 *   stable). The status follows Flagger's contract (see flaggerAnswer) and
 *   the body carries the reason Flagger logs.
 *
 * Both only read, and need a viewer token once any token exists: a bearer
 * header, or, since Flagger's webhooks cannot set headers, `metadata.token`.
 */

const MAX_BODY = 64 * 1024;

const flaggerPayload = z.object({
  name: z.string().min(1, 'name is empty'),
  namespace: z.string(),
  phase: z.string(),
  checksum: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

type Fail = Parameters<typeof httpStatusFor>[0];

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, code: Fail, message: string): void {
  send(res, httpStatusFor(code), { error: { message, type: 'sluice_error', code } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new SluiceError('bad_input', `request body over ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseFlagger(text: string): z.output<typeof flaggerPayload> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SluiceError('bad_input', "the body must be Flagger's webhook payload, a JSON object");
  }
  const parsed = flaggerPayload.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new SluiceError(
      'bad_input',
      `not a Flagger webhook payload: ${i.path.join('.') || '(body)'}: ${i.message} (expected name, namespace, phase and string metadata)`,
    );
  }
  return parsed.data;
}

/** A viewer (or higher) token, from the bearer header or Flagger's metadata.token; null when allowed. */
async function refusal(
  tokens: TokenDirectory,
  req: IncomingMessage,
  metadataToken?: string,
): Promise<{ code: Fail; message: string } | null> {
  const header = req.headers.authorization ?? (metadataToken ? `Bearer ${metadataToken}` : undefined);
  const r = await authorize(tokens, header, 'read');
  if (r.ok) return null;
  return {
    code: r.error.code,
    message: `${r.error.message}; a viewer token goes in Authorization: Bearer …, or in metadata.token of a Flagger webhook`,
  };
}

export function integrationsApi(analysis: AnalysisService, tokens: TokenDirectory, opts: { loopbackOnly: boolean }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? '';
    const isAnalysis = url.startsWith('/api/v1/analysis/');
    if (!isAnalysis && !url.startsWith('/api/v1/flagger/')) return false;
    try {
      const guard = checkOrigin(req.headers, opts.loopbackOnly);
      if (guard) {
        fail(res, guard.code, guard.message);
        return true;
      }
      const parsed = new URL(url, 'http://local');
      const rest = parsed.pathname.split('/').slice(4);
      let name: string;
      try {
        name = rest.length === 1 ? decodeURIComponent(rest[0]!) : '';
      } catch {
        fail(res, 'bad_input', `malformed path: ${parsed.pathname} (a bad %-escape)`);
        return true;
      }
      if (name === '') {
        fail(res, 'not_found', `no such endpoint: ${req.method} ${parsed.pathname}`);
        return true;
      }
      if (isAnalysis) {
        if (req.method !== 'GET') {
          fail(res, 'not_found', `no such endpoint: ${req.method} ${parsed.pathname} (the analysis is GET)`);
          return true;
        }
        const denied = await refusal(tokens, req);
        if (denied) {
          fail(res, denied.code, denied.message);
          return true;
        }
        const release = parsed.searchParams.get('release')?.trim() || undefined;
        send(res, 200, await analysis.analysis(name, release));
        return true;
      }
      if (req.method !== 'POST' || !(FLAGGER_HOOKS as readonly string[]).includes(name)) {
        fail(
          res,
          'not_found',
          `no such endpoint: ${req.method} ${parsed.pathname} (Flagger hooks: POST ${FLAGGER_HOOKS.join(', ')})`,
        );
        return true;
      }
      const hook = name as FlaggerHook;
      const payload = parseFlagger(await readBody(req));
      const meta = payload.metadata ?? {};
      const denied = await refusal(tokens, req, meta.token);
      if (denied) {
        fail(res, denied.code, denied.message);
        return true;
      }
      const route = meta.route?.trim() || payload.name;
      const base = { hook, route, canary: `${payload.namespace}/${payload.name}`, phase: payload.phase };
      if (hook === 'event') {
        send(res, 200, { ...base, accepted: true, message: meta.eventMessage ?? null });
        return true;
      }
      const verdict = await analysis.analysis(route, meta.release);
      const preflight = hook === 'pre-rollout' ? await analysis.preflight(route, meta.release) : null;
      const answer = flaggerAnswer(hook, verdict, preflight);
      send(res, answer.status, {
        ...base,
        release: verdict.release,
        proceed: answer.proceed,
        reason: answer.reason,
        verdict: verdict.verdict,
      });
    } catch (e) {
      if (e instanceof SluiceError) fail(res, e.code, e.message);
      else fail(res, 'internal', e instanceof Error ? e.message : String(e));
    }
    return true;
  };
}
