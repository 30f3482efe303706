import { slicePathSchema } from '../config/common-schema.js';
import { badInput } from '../kernel/errors.js';
import { readProjectFile } from './project-file.js';

/** A human's rating of an output, used to calibrate a judge per slice. */
export interface Anchor {
  readonly slice: string;
  readonly input: string;
  readonly output: string;
  readonly humanScore: number;
  readonly reference?: string;
  /** The 1-based line of the anchors file it came from. */
  readonly line: number;
}

export interface AnchorOptions {
  /** The human rating scale [low, high]; a human_score outside it is an error. */
  readonly scale?: readonly [number, number];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseLine(file: string, line: number, text: string, opts: AnchorOptions): Anchor {
  function fail(message: string): never {
    throw badInput(`${file}:${line}: ${message}`, { file, line });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    fail(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(value)) fail('expected a JSON object');
  for (const k of ['slice', 'input', 'output', 'human_score']) if (!(k in value)) fail(`missing "${k}"`);
  const { slice, input, output, human_score: score, reference } = value;
  if (typeof slice !== 'string' || !slicePathSchema.safeParse(slice).success) {
    fail(`"slice" must be a slice path of non-empty segments separated by "/", got ${JSON.stringify(slice)}`);
  }
  if (typeof input !== 'string') fail('"input" must be a string');
  if (typeof output !== 'string') fail('"output" must be a string');
  if (reference !== undefined && typeof reference !== 'string') fail('"reference" must be a string');
  if (typeof score !== 'number' || !Number.isFinite(score))
    fail(`"human_score" must be a finite number, got ${JSON.stringify(score)}`);
  if (opts.scale && (score < opts.scale[0] || score > opts.scale[1])) {
    fail(`"human_score" ${score} is off the scale [${opts.scale[0]}, ${opts.scale[1]}]`);
  }
  const anchor = { slice, input, output, humanScore: score, line };
  return reference === undefined ? anchor : { ...anchor, reference };
}

/**
 * Parses anchors JSONL: one `{"slice", "input", "output", "human_score"}`
 * object a line, optionally with "reference"; other keys are ignored and blank
 * lines skipped. The first problem is bad input naming file:line.
 */
export function parseAnchors(file: string, text: string, opts: AnchorOptions = {}): Anchor[] {
  const anchors: Anchor[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() !== '') anchors.push(parseLine(file, i + 1, raw, opts));
  });
  return anchors;
}

/** Reads and parses an anchors file named relative to the project. */
export function loadAnchors(
  projectDir: string,
  written: string,
  opts: AnchorOptions & { key?: string } = {},
): Anchor[] {
  const file = readProjectFile(projectDir, written, opts.key ?? 'anchors');
  return parseAnchors(file.path, file.bytes.toString('utf8'), opts);
}
