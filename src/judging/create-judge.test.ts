import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeSchema, type JudgeConfig } from '../config/sluice-schema.js';
import { badInput, SluiceError } from '../kernel/errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { createJudge, type JudgeDeps } from './create-judge.js';
import { ScriptedProvider } from './test-support/scripted-provider.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

function project(files: Record<string, string>): string {
  const dir = tempDir('sluice-judges-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function deps(
  projectDir: string,
  provider: ModelProvider = new ScriptedProvider(['{"score": 5, "reason": "good"}']),
): JudgeDeps {
  return {
    projectDir,
    providers: (name) => {
      if (name !== 'up') throw badInput(`unknown provider "${name}"`);
      return provider;
    },
  };
}

const cfg = (raw: unknown): JudgeConfig => judgeSchema.parse(raw);

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const dir = project({
  'judges/quality.md': 'Reward citations.',
  'judges/other.md': 'Reward brevity.',
  'schemas/answer.json': '{"type": "object", "required": ["answer"]}',
  'schemas/broken.json': '{\n  "type": "object",\n  "required": [\n}',
  'schemas/invalid.json': '{"type": 12}',
});

describe('createJudge', () => {
  it('builds every kind', () => {
    const kinds: [string, unknown][] = [
      ['rubric', { kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/quality.md' }],
      ['reference', { kind: 'reference' }],
      ['refusal', { kind: 'refusal', anchors: 'anchors/r.jsonl' }],
      ['date-validity', { kind: 'date-validity' }],
      ['exact', { kind: 'exact' }],
      ['regex', { kind: 'regex', pattern: '^ok', flags: 'i' }],
      ['contains', { kind: 'contains', values: ['a'] }],
      ['json-schema', { kind: 'json-schema', schema: 'schemas/answer.json' }],
      ['similarity', { kind: 'similarity', provider: 'up', model: 'e' }],
    ];
    const digests = new Set<string>();
    for (const [kind, raw] of kinds) {
      const j = createJudge('j', cfg(raw), deps(dir));
      expect(j.kind).toBe(kind);
      expect(j.name).toBe('j');
      digests.add(j.digest);
    }
    expect(digests.size).toBe(kinds.length);
  });

  it('reads the rubric relative to the project and scores with it', async () => {
    const provider = new ScriptedProvider(['{"score": 5, "reason": "good"}']);
    const j = createJudge(
      'quality',
      cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/quality.md', scale: [1, 5] }),
      deps(dir, provider),
    );
    expect(j.scale).toEqual([1, 5]);
    expect(await j.score({ input: 'q', output: 'a', slice: 's' })).toEqual({
      ok: true,
      score: 1,
      raw: 5,
      reason: 'good',
    });
    expect(provider.requests[0]!.messages[0]!.content).toContain('Reward citations.');
  });

  it('puts the rubric bytes in the digest', () => {
    const a = createJudge(
      'q',
      cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/quality.md' }),
      deps(dir),
    );
    const b = createJudge(
      'q',
      cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/other.md' }),
      deps(dir),
    );
    const a2 = createJudge(
      'renamed',
      cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/quality.md' }),
      deps(dir),
    );
    expect(a.digest).not.toBe(b.digest);
    expect(a.digest).toBe(a2.digest);
  });

  it('names a missing rubric or schema file', () => {
    const e = errorOf(() =>
      createJudge(
        'quality',
        cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/missing.md' }),
        deps(dir),
      ),
    );
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('judges/missing.md');
    expect(e.message).toContain('judges.quality.rubric');
    expect(e.location?.file).toBe('judges/missing.md');
    const s = errorOf(() => createJudge('shape', cfg({ kind: 'json-schema', schema: 'schemas/nope.json' }), deps(dir)));
    expect(s.message).toContain('schemas/nope.json');
  });

  it('refuses a path outside the project: in the config, and through a symlink', () => {
    expect(judgeSchema.safeParse({ kind: 'json-schema', schema: '../x.json' }).success).toBe(false);
    expect(judgeSchema.safeParse({ kind: 'json-schema', schema: '/etc/passwd' }).success).toBe(false);
    const outside = project({ 'x.json': '{}' });
    symlinkSync(join(outside, 'x.json'), join(dir, 'out.json'));
    const e = errorOf(() => createJudge('q', cfg({ kind: 'json-schema', schema: 'out.json' }), deps(dir)));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('is a link to a file outside the project');
  });

  it('names file and line of a schema that is not JSON, and an invalid schema', () => {
    const e = errorOf(() =>
      createJudge('shape', cfg({ kind: 'json-schema', schema: 'schemas/broken.json' }), deps(dir)),
    );
    expect(e.message).toMatch(/^schemas\/broken\.json:4: invalid JSON/);
    expect(e.location).toMatchObject({ file: 'schemas/broken.json', line: 4 });
    const i = errorOf(() =>
      createJudge('shape', cfg({ kind: 'json-schema', schema: 'schemas/invalid.json' }), deps(dir)),
    );
    expect(i.message).toContain('schemas/invalid.json: invalid JSON Schema');
  });

  it('refuses a bad pattern, a reversed scale and a provider without embeddings', () => {
    expect(errorOf(() => createJudge('re', cfg({ kind: 'regex', pattern: '(' }), deps(dir))).message).toContain(
      'judges.re.pattern',
    );
    const scale = cfg({ kind: 'rubric', provider: 'up', model: 'm', rubric: 'judges/quality.md', scale: [5, 1] });
    expect(errorOf(() => createJudge('q', scale, deps(dir))).message).toContain('judges.q.scale');
    const p = new ScriptedProvider();
    const noEmbed: ModelProvider = {
      name: 'up',
      kind: 'sim',
      chat: (r) => p.chat(r),
      chatStream: (r) => p.chatStream(r),
      close: () => p.close(),
    };
    expect(
      errorOf(() => createJudge('sim', cfg({ kind: 'similarity', provider: 'up', model: 'e' }), deps(dir, noEmbed)))
        .message,
    ).toContain('no embeddings');
  });

  it('lets an unknown provider fail as the provider lookup says', () => {
    expect(
      errorOf(() => createJudge('q', cfg({ kind: 'similarity', provider: 'nope', model: 'e' }), deps(dir))).message,
    ).toContain('unknown provider');
  });
});
