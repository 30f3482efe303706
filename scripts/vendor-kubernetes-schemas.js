// Vendors the published JSON schemas the deploy/kubernetes manifests are validated against
// (test/kubernetes-manifests.test.ts). Usage:
//   node scripts/vendor-kubernetes-schemas.js SOURCE_DIR
// SOURCE_DIR holds the upstream files named below, taken at the versions listed in
// deploy/kubernetes/schemas/SOURCES.md. For a CRD the stored schema is its served version's
// openAPIV3Schema; for a Kubernetes kind, the standalone-strict JSON schema. Descriptions
// (documentation only: they do not change what validates) and the draft-04 `$schema` line are
// dropped to keep the files small; nothing else is changed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const [source] = process.argv.slice(2);
if (!source) {
  console.error('usage: node scripts/vendor-kubernetes-schemas.js SOURCE_DIR');
  process.exit(2);
}
const out = join(import.meta.dirname, '..', 'deploy', 'kubernetes', 'schemas');

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const copy = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && typeof v === 'string') continue;
    if (k === '$schema') continue;
    copy[k] = strip(v);
  }
  return copy;
}

function crd(file, plural, version) {
  for (const doc of parseAllDocuments(readFileSync(join(source, file), 'utf8'))) {
    const c = doc.toJS();
    if (c?.kind !== 'CustomResourceDefinition' || c.spec.names.plural !== plural) continue;
    const v = c.spec.versions.find((x) => x.name === version);
    if (!v) throw new Error(`${file}: no version ${version} of ${plural}`);
    return v.schema.openAPIV3Schema;
  }
  throw new Error(`${file}: no CRD ${plural}`);
}

const write = (name, schema) => {
  writeFileSync(join(out, name), `${JSON.stringify(strip(schema))}\n`);
  console.log(`wrote deploy/kubernetes/schemas/${name}`);
};

for (const k of [
  'deployment-apps-v1',
  'service-v1',
  'configmap-v1',
  'poddisruptionbudget-policy-v1',
  'serviceaccount-v1',
]) {
  write(`kubernetes/${k}.json`, JSON.parse(readFileSync(join(source, `${k}.json`), 'utf8')));
}
write('gateway-api/httproute-v1.json', crd('httproutes.yaml', 'httproutes', 'v1'));
write('argo-rollouts/rollout-v1alpha1.json', crd('rollout-crd.yaml', 'rollouts', 'v1alpha1'));
write(
  'argo-rollouts/analysistemplate-v1alpha1.json',
  crd('analysis-template-crd.yaml', 'analysistemplates', 'v1alpha1'),
);
write('flagger/canary-v1beta1.json', crd('flagger-crd.yaml', 'canaries', 'v1beta1'));
