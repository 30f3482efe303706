import type { JudgeConfig } from '../config/sluice-schema.js';
import { sha256Digest } from '../kernel/digest.js';
import { badInput } from '../kernel/errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { containsJudge } from './contains-judge.js';
import { dateValidityJudge } from './date-validity-judge.js';
import { exactJudge } from './exact-judge.js';
import type { Judge } from './judge.js';
import { compileJsonSchema, jsonSchemaJudge } from './json-schema-judge.js';
import { parseJsonFile, readProjectFile } from './project-file.js';
import { referenceJudge } from './reference-judge.js';
import { refusalJudge } from './refusal-judge.js';
import { compileRegex, regexJudge } from './regex-judge.js';
import { rubricJudge } from './rubric-judge.js';
import { similarityJudge } from './similarity-judge.js';
import { toolCallJudge } from './tool-call-judge.js';

export interface JudgeDeps {
  /** The folder holding sluice.yaml; rubric and schema paths are relative to it. */
  readonly projectDir: string;
  /** The provider of that name in sluice.yaml; expected to throw bad_input for an unknown name. */
  readonly providers: (name: string) => ModelProvider;
}

/**
 * Builds the judge a sluice.yaml `judges.<name>` entry describes. Files are
 * read now: a missing rubric or schema, an invalid schema, a bad pattern or a
 * scale that is not [low, high] is bad input naming the file or key.
 * Anchors are not read here (see loadAnchors): they calibrate, not score.
 */
export function createJudge(name: string, cfg: JudgeConfig, deps: JudgeDeps): Judge {
  const key = (field: string): string => `judges.${name}.${field}`;
  switch (cfg.kind) {
    case 'rubric': {
      const [low, high] = cfg.scale;
      if (!(low < high))
        throw badInput(`${key('scale')}: expected [low, high] with low < high, got [${low}, ${high}]`, {
          key: key('scale'),
        });
      const file = readProjectFile(deps.projectDir, cfg.rubric, key('rubric'));
      return rubricJudge({
        name,
        provider: deps.providers(cfg.provider),
        providerName: cfg.provider,
        model: cfg.model,
        rubric: file.bytes.toString('utf8'),
        rubricDigest: sha256Digest(file.bytes),
        scale: [low, high],
      });
    }
    case 'reference':
      return referenceJudge(name);
    case 'refusal':
      return refusalJudge(name);
    case 'date-validity':
      return dateValidityJudge(name);
    case 'exact':
      return exactJudge(name);
    case 'regex': {
      const compiled = compileRegex(cfg.pattern, cfg.flags);
      if (!compiled.ok)
        throw badInput(`${key('pattern')}: invalid regular expression: ${compiled.error.message}`, {
          key: key('pattern'),
        });
      return regexJudge(name, compiled.value);
    }
    case 'contains':
      return containsJudge(name, cfg.values, cfg.all);
    case 'json-schema': {
      if (cfg.schema === undefined) return jsonSchemaJudge({ name });
      const file = readProjectFile(deps.projectDir, cfg.schema, key('schema'));
      const schema = parseJsonFile(file.path, file.bytes.toString('utf8'));
      const compiled = compileJsonSchema(schema);
      if (!compiled.ok)
        throw badInput(`${file.path}: invalid JSON Schema: ${compiled.error.message}`, {
          file: file.path,
          key: key('schema'),
        });
      return jsonSchemaJudge({ name, validate: compiled.value, schemaDigest: sha256Digest(file.bytes) });
    }
    case 'tool-call': {
      if (cfg.schema === undefined) return toolCallJudge({ name, ...(cfg.name ? { function: cfg.name } : {}) });
      const file = readProjectFile(deps.projectDir, cfg.schema, key('schema'));
      const compiled = compileJsonSchema(parseJsonFile(file.path, file.bytes.toString('utf8')));
      if (!compiled.ok)
        throw badInput(`${file.path}: invalid JSON Schema: ${compiled.error.message}`, {
          file: file.path,
          key: key('schema'),
        });
      return toolCallJudge({
        name,
        ...(cfg.name ? { function: cfg.name } : {}),
        validate: compiled.value,
        schemaDigest: sha256Digest(file.bytes),
      });
    }
    case 'similarity': {
      const provider = deps.providers(cfg.provider);
      if (typeof provider.embed !== 'function') {
        throw badInput(`${key('provider')}: provider "${cfg.provider}" (${provider.kind}) has no embeddings`, {
          key: key('provider'),
        });
      }
      return similarityJudge({ name, provider, providerName: cfg.provider, model: cfg.model });
    }
  }
}
