import { FLAGGER_HOOKS } from '../../rollout/core/index.js';
import { VERSION } from '../version.js';
import type { ApiRoute } from './api-routes.js';
import { requiredRole } from './tokens.js';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { message: { type: 'string' }, type: { type: 'string' }, code: { type: 'string' } },
      required: ['message', 'type', 'code'],
    },
  },
  required: ['error'],
};

/**
 * The OpenAPI 3.1 document of the control API, made from the same table the
 * dispatcher routes by: every endpoint the server answers is in it, with the
 * role its action needs.
 */
export function openApiDocument(routes: readonly ApiRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {
    '/api/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'the OpenAPI document', content: { 'application/json': {} } } },
      },
    },
  };
  // Answered by integrations-api.ts beside this table: Argo Rollouts' web metric and Flagger's webhooks.
  paths['/api/v1/analysis/{route}'] = {
    get: {
      operationId: 'getAnalysisRoute',
      summary:
        "Argo Rollouts' web metric: the route's verdict (pass, fail or inconclusive) from its monitors and the observer",
      'x-sluice-action': 'read',
      'x-sluice-role': 'viewer',
      parameters: [
        { name: 'route', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'release', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'the verdict', content: { 'application/json': {} } },
        default: { description: 'an error', content: { 'application/json': { schema: errorSchema } } },
      },
    },
  };
  paths['/api/v1/flagger/{hook}'] = {
    post: {
      operationId: 'postFlaggerHook',
      summary:
        "Flagger's webhooks: proceed or not, from the same verdict (a viewer token in the header or metadata.token)",
      'x-sluice-action': 'read',
      'x-sluice-role': 'viewer',
      parameters: [{ name: 'hook', in: 'path', required: true, schema: { type: 'string', enum: [...FLAGGER_HOOKS] } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                namespace: { type: 'string' },
                phase: { type: 'string' },
                metadata: { type: 'object', additionalProperties: { type: 'string' } },
              },
              required: ['name', 'namespace', 'phase'],
            },
          },
        },
      },
      responses: {
        '200': { description: 'proceed', content: { 'application/json': {} } },
        default: {
          description: 'do not proceed, or an error',
          content: { 'application/json': { schema: errorSchema } },
        },
      },
    },
  };
  for (const r of routes) {
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const operation = {
      operationId: `${r.method.toLowerCase()}${r.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      summary: r.summary,
      description: `Needs the ${requiredRole(r.action)} role (action \`${r.action}\`) once any token exists.`,
      'x-sluice-action': r.action,
      'x-sluice-role': requiredRole(r.action),
      parameters: [
        ...names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.entries(r.query ?? {}).map(([name, description]) => ({
          name,
          in: 'query',
          required: false,
          description,
          schema: { type: 'string' },
        })),
      ],
      ...(r.method === 'POST'
        ? {
            requestBody: {
              required: (r.body?.required?.length ?? 0) > 0,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: Object.fromEntries(
                      Object.entries(r.body?.fields ?? {}).map(([k, description]) => [k, { description }]),
                    ),
                    ...(r.body?.required ? { required: [...r.body.required] } : {}),
                  },
                },
              },
            },
          }
        : {}),
      responses: {
        '200': { description: 'OK', content: { 'application/json': {} } },
        default: { description: 'an error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    const path = `/api/v1${r.path}`;
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice control API',
      version: VERSION,
      description:
        'Release control: releases, gate results and overrides, rollouts, the observer, shadows and the audit log. ' +
        'Send `Authorization: Bearer <token>` (sluice token create --role viewer|operator|approver) and ' +
        '`Content-Type: application/json` on every POST.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
