import type { ValidateFunction } from 'ajv';
import { canonicalize, jsonDigest } from '../kernel/canonical-json.js';
import type { Digest } from '../kernel/digest.js';
import { isRecord, tryParse } from '../providers/http/json-access.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { binaryResult, JUDGE_LIBRARY, judgeError } from './judge-library.js';
import { schemaProblems } from './json-schema-judge.js';

export interface ToolCallJudgeOptions {
  readonly name: string;
  /** The function the answer must call; else the reference's `name`, else any call. */
  readonly function?: string;
  /** compileJsonSchema's validator for the arguments' schema file. */
  readonly validate?: ValidateFunction;
  readonly schemaDigest?: Digest;
}

/** A reference for a tool call: `{"name": "...", "arguments": {...}}` (either part may be left out). */
interface Expected {
  readonly name?: string;
  readonly arguments?: unknown;
}

function expected(reference: string | undefined): Expected | string | undefined {
  if (reference === undefined) return undefined;
  const v = tryParse(reference);
  if (!isRecord(v)) return 'the reference is not a JSON object {"name", "arguments"}';
  return {
    ...(typeof v.name === 'string' ? { name: v.name } : {}),
    ...('arguments' in v ? { arguments: typeof v.arguments === 'string' ? tryParse(v.arguments) : v.arguments } : {}),
  };
}

/**
 * 1 when the answer calls the expected function with JSON-object arguments
 * that follow the schema (when the judge has one) and equal the reference's
 * (when the item has one, compared as canonical JSON); else 0 with the reason.
 */
export function toolCallJudge(o: ToolCallJudgeOptions): Judge {
  return {
    name: o.name,
    kind: 'tool-call',
    digest: jsonDigest({
      library: JUDGE_LIBRARY,
      kind: 'tool-call',
      function: o.function ?? null,
      schema: o.schemaDigest ?? null,
    }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      const want = expected(item.reference);
      if (typeof want === 'string') return judgeError(want);
      const calls = item.toolCalls ?? [];
      if (calls.length === 0) return binaryResult(false, 'the answer made no tool call');
      const name = o.function ?? want?.name;
      const call = name === undefined ? calls[0]! : calls.find((c) => c.function.name === name);
      if (!call)
        return binaryResult(false, `called ${calls.map((c) => c.function.name).join(', ')}, not ${name ?? ''}`);
      const args = tryParse(call.function.arguments);
      if (!isRecord(args))
        return binaryResult(
          false,
          `the arguments of ${call.function.name} are not a JSON object: ${call.function.arguments.slice(0, 120)}`,
        );
      if (o.validate && !o.validate(args))
        return binaryResult(false, `argument schema violations: ${schemaProblems(o.validate)}`);
      if (want?.arguments !== undefined && canonicalize(args) !== canonicalize(want.arguments))
        return binaryResult(
          false,
          `arguments ${canonicalize(args)} differ from the reference's ${canonicalize(want.arguments)}`,
        );
      return binaryResult(true);
    },
  };
}
