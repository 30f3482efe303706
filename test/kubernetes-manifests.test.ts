import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { sluiceConfigSchema } from '../src/config/sluice-schema.js';

/**
 * deploy/kubernetes/ is checked against the published schemas vendored beside it
 * (deploy/kubernetes/schemas/, with their sources and licences): no cluster runs here.
 */

const root = join(import.meta.dirname, '..', 'deploy', 'kubernetes');
const SCHEMAS: Record<string, string> = {
  'apps/v1 Deployment': 'kubernetes/deployment-apps-v1.json',
  'v1 Service': 'kubernetes/service-v1.json',
  'v1 ConfigMap': 'kubernetes/configmap-v1.json',
  'v1 ServiceAccount': 'kubernetes/serviceaccount-v1.json',
  'policy/v1 PodDisruptionBudget': 'kubernetes/poddisruptionbudget-policy-v1.json',
  'gateway.networking.k8s.io/v1 HTTPRoute': 'gateway-api/httproute-v1.json',
  'argoproj.io/v1alpha1 Rollout': 'argo-rollouts/rollout-v1alpha1.json',
  'argoproj.io/v1alpha1 AnalysisTemplate': 'argo-rollouts/analysistemplate-v1alpha1.json',
  'flagger.app/v1beta1 Canary': 'flagger/canary-v1beta1.json',
};

// OpenAPI v3 (nullable, x-kubernetes-*) and Kubernetes' formats (int32, int-or-string) are not JSON Schema keywords Ajv knows.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string): ValidateFunction {
  const file = SCHEMAS[key];
  if (!file) throw new Error(`no vendored schema for ${key}`);
  let v = validators.get(key);
  if (!v) {
    const schema: unknown = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    v = ajv.compile(z.record(z.string(), z.unknown()).parse(schema));
    validators.set(key, v);
  }
  return v;
}

const manifestSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string() }),
});
type Manifest = z.output<typeof manifestSchema>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'schemas'
      ? []
      : e.isDirectory()
        ? yamlFiles(join(dir, e.name))
        : e.name.endsWith('.yaml')
          ? [join(dir, e.name)]
          : [],
  );
}

const manifests: { file: string; doc: Manifest }[] = yamlFiles(root).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({
    file: relative(root, file),
    doc: manifestSchema.parse(d.toJS()),
  })),
);

function errors(doc: unknown, key: string): string[] {
  const v = validatorFor(key);
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
const keyOf = (m: Manifest) => `${m.apiVersion} ${m.kind}`;
const find = (kind: string, name?: string) => {
  const m = manifests.find((x) => x.doc.kind === kind && (name === undefined || x.doc.metadata.name === name));
  if (!m) throw new Error(`no ${kind} ${name ?? ''}`);
  return structuredClone(m.doc);
};

describe('deploy/kubernetes', () => {
  it('has every kind the issue asks for', () => {
    expect(new Set(manifests.map((m) => keyOf(m.doc)))).toEqual(new Set(Object.keys(SCHEMAS)));
  });

  it.each(manifests.map((m) => [`${m.file}: ${m.doc.kind} ${m.doc.metadata.name}`, m.doc] as const))(
    '%s validates against its published schema',
    (_name, doc) => {
      expect(errors(doc, keyOf(doc))).toEqual([]);
    },
  );

  it('would catch a broken manifest (the schemas are strict, not decorative)', () => {
    const deployment = z.looseObject({ spec: z.looseObject({}) }).parse(find('Deployment'));
    deployment.spec.replicas = 'three';
    expect(errors(deployment, 'apps/v1 Deployment').join()).toMatch(/replicas must be integer/);
    const route = z.looseObject({ spec: z.looseObject({}) }).parse(find('HTTPRoute', 'support-assistant'));
    route.spec.rules = [{ backendRefs: [{ name: 'x', port: 80, weight: -1 }] }];
    expect(errors(route, 'gateway.networking.k8s.io/v1 HTTPRoute').join()).toMatch(/weight must be >= 0/);
    const canary = z.looseObject({ spec: z.looseObject({}) }).parse(find('Canary'));
    canary.spec.analysis = { webhooks: [{ name: 'x', type: 'pre-deploy', url: 'http://x' }] };
    expect(errors(canary, 'flagger.app/v1beta1 Canary').join()).toMatch(/must be equal to one of the allowed values/);
    const template = z.looseObject({ spec: z.looseObject({}) }).parse(find('AnalysisTemplate'));
    template.spec.metrics = [{ name: 'x', provider: { web: { url: 'http://x', timeoutSeconds: 'ten' } } }];
    expect(errors(template, 'argoproj.io/v1alpha1 AnalysisTemplate').join()).toMatch(/timeoutSeconds must be integer/);
  });

  it('runs several replicas on PostgreSQL from a Secret, probed on /healthz and /readyz, with a valid sluice.yaml', () => {
    const d = z
      .object({
        spec: z
          .object({
            replicas: z.number(),
            template: z
              .object({
                spec: z
                  .object({
                    containers: z.array(
                      z
                        .object({
                          env: z.array(z.object({ name: z.string(), valueFrom: z.looseObject({}).optional() })),
                          readinessProbe: z.object({ httpGet: z.object({ path: z.string() }) }),
                          livenessProbe: z.object({ httpGet: z.object({ path: z.string() }) }),
                        })
                        .loose(),
                    ),
                  })
                  .loose(),
              })
              .loose(),
          })
          .loose(),
      })
      .loose()
      .parse(find('Deployment', 'sluice'));
    expect(d.spec.replicas).toBeGreaterThan(1);
    const c = d.spec.template.spec.containers[0]!;
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.env.find((e) => e.name === 'SLUICE_DB')?.valueFrom).toHaveProperty('secretKeyRef');
    const data = z
      .object({ data: z.object({ 'sluice.yaml': z.string() }) })
      .loose()
      .parse(find('ConfigMap'));
    const parsed = sluiceConfigSchema.safeParse(parseAllDocuments(data.data['sluice.yaml'])[0]!.toJS());
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('points Argo at the analysis endpoint and Flagger at its webhooks', () => {
    const text = (kind: string) => JSON.stringify(find(kind));
    expect(text('AnalysisTemplate')).toContain('/api/v1/analysis/{{args.route}}?release={{args.release}}');
    expect(text('AnalysisTemplate')).toContain('result.verdict == \\"pass\\"');
    for (const hook of ['pre-rollout', 'rollout', 'confirm-promotion', 'rollback', 'event'])
      expect(text('Canary')).toContain(`/api/v1/flagger/${hook}"`);
    const weights = JSON.stringify(find('HTTPRoute', 'support-assistant')).match(/"weight":\d+/g);
    expect(weights).toEqual(['"weight":95', '"weight":5']);
  });
});
