import { createRequire } from 'node:module';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';
import { jsonDigest } from '../kernel/canonical-json.js';
import type { Digest } from '../kernel/digest.js';
import { err, ok, type Problem, type Result } from '../kernel/result.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { binaryResult, JUDGE_LIBRARY, judgeError } from './judge-library.js';
import { parseJsonReply } from './json-reply.js';

type AjvConstructor = new (opts: Options) => AjvClass;

/** Ajv is loaded when the first schema is compiled: projects without a json-schema judge never load it. */
const requireAjv = createRequire(import.meta.url);
let drafts: { ajv: AjvConstructor; ajv2019: AjvConstructor; ajv2020: AjvConstructor } | undefined;
function ajvDrafts(): NonNullable<typeof drafts> {
  drafts ??= {
    ajv: (requireAjv('ajv') as { Ajv: AjvConstructor }).Ajv,
    ajv2019: (requireAjv('ajv/dist/2019.js') as { Ajv2019: AjvConstructor }).Ajv2019,
    ajv2020: (requireAjv('ajv/dist/2020.js') as { Ajv2020: AjvConstructor }).Ajv2020,
  };
  return drafts;
}

export type SchemaCompileResult = Result<ValidateFunction, Problem<'bad_schema'>>;

/**
 * Compiles a JSON Schema with the draft its `$schema` names (2020-12, 2019-09,
 * else draft-07). Unknown keywords and formats are ignored, not errors:
 * `format` is not checked.
 */
export function compileJsonSchema(schema: unknown): SchemaCompileResult {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return err('bad_schema', 'a JSON Schema must be an object or a boolean');
  }
  const dialect = typeof schema === 'object' ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  const opts = { allErrors: true, strict: false, logger: false as const };
  const d = ajvDrafts();
  const ajv = dialect.includes('2020-12')
    ? new d.ajv2020(opts)
    : dialect.includes('2019-09')
      ? new d.ajv2019(opts)
      : new d.ajv(opts);
  try {
    return ok(ajv.compile(schema));
  } catch (e) {
    return err('bad_schema', e instanceof Error ? e.message : String(e));
  }
}

export interface JsonSchemaJudgeOptions {
  readonly name: string;
  /** compileJsonSchema's validator for the schema file; without one, the request's own schema is used. */
  readonly validate?: ValidateFunction;
  /** Digest of the schema file's bytes. */
  readonly schemaDigest?: Digest;
}

/** Validators of the schemas requests name (response_format json_schema), compiled once each. */
const requestValidators = new Map<string, ValidateFunction | string>();

function requestValidator(schema: Readonly<Record<string, unknown>>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  let v = requestValidators.get(key);
  if (v === undefined) {
    const compiled = compileJsonSchema(schema);
    v = compiled.ok ? compiled.value : `the request's schema is not a JSON Schema: ${compiled.error.message}`;
    if (requestValidators.size >= 256) requestValidators.clear();
    requestValidators.set(key, v);
  }
  return v;
}

/** The first problems a validator found, for a reason. */
export function schemaProblems(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

/**
 * 1 when the output is JSON (a code fence around it is accepted) that
 * validates against the schema, else 0 with the first problems as the reason.
 * The schema is the judge's file or, without one, the schema the request
 * asked for (response_format json_schema); with neither it is a judge error.
 */
export function jsonSchemaJudge(o: JsonSchemaJudgeOptions): Judge {
  return {
    name: o.name,
    kind: 'json-schema',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'json-schema', schema: o.schemaDigest ?? 'request' }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      const validate = o.validate ?? (item.responseSchema ? requestValidator(item.responseSchema) : undefined);
      if (validate === undefined)
        return judgeError('no schema: the judge names no file and the request asked for none');
      if (typeof validate === 'string') return judgeError(validate);
      const parsed = parseJsonReply(item.output);
      if (!parsed.ok)
        return binaryResult(false, `output is ${parsed.error.code === 'empty' ? 'empty' : parsed.error.message}`);
      if (validate(parsed.value)) return binaryResult(true);
      return binaryResult(false, `schema violations: ${schemaProblems(validate)}`);
    },
  };
}
