import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attestWeights } from '../src/release/weights/attest.js';
import { freshSqliteUrl } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

describe('register with open weights', () => {
  it('verifies the weights digest, records it in the receipt, and refuses a changed file by name', async () => {
    const dir = starterProject();
    const weights = join(dir, 'weights');
    mkdirSync(join(weights, 'shards'), { recursive: true });
    writeFileSync(join(weights, 'config.json'), '{"layers": 2}');
    writeFileSync(join(weights, 'shards/model-00001.safetensors'), Buffer.alloc(4096, 7));
    const attestation = await attestWeights(weights);
    writeFileSync(join(dir, 'weights.json'), JSON.stringify(attestation.manifest));
    const env = { SLUICE_DB: freshSqliteUrl() };
    const manifest = (extra: string) =>
      writeFileSync(
        join(dir, 'release.yaml'),
        `name: support-assistant\nmodel:\n  provider: local\n  name: helpful-v1\n  weights: { path: weights, digest: "${attestation.rootDigest}", manifest: weights.json }\n${extra}`,
      );
    manifest('');
    const ok = await runCli(['register', 'release.yaml', '--json'], { cwd: dir, env });
    expect(ok.code, ok.stderr).toBe(0);
    const log = (await runCli(['audit', 'log', '--json'], { cwd: dir, env })).json<
      { predicate: { weights: { digest: string } } }[]
    >();
    expect(log[0]!.predicate.weights.digest).toBe(attestation.rootDigest);

    writeFileSync(join(weights, 'shards/model-00001.safetensors'), Buffer.alloc(4096, 8));
    manifest('params: { temperature: 0.5 }\n');
    const refused = await runCli(['register', 'release.yaml'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('first differing file shards/model-00001.safetensors');
  });
});
