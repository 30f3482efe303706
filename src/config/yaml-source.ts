import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ZodType } from 'zod';
import { badInput, type ErrorLocation } from '../kernel/errors.js';

export type KeyPath = readonly PropertyKey[];

/** A parsed YAML document that still knows where each value came from. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Parses YAML text; a syntax error names file, line and column. */
export function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lines.linePos(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    throw badInput(`${file}:${pos.line}:${pos.col}: invalid YAML: ${message}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  return { file, doc, lines, value: expand(file, doc, lines) };
}

/** How many nodes aliases may expand to in one document: far above any real config, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

/** The document as plain values; aliases that expand past the limit (an alias bomb) are bad input naming the first alias. */
function expand(file: string, doc: Document, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lines.linePos(offset);
    throw badInput(
      `${file}:${pos.line}:${pos.col}: aliases expand too far (more than ${MAX_ALIAS_COUNT} nodes per alias; an alias bomb?): ${e.message}`,
      { file, line: pos.line, column: pos.col },
    );
  }
}

function nodeAt(doc: Document, path: KeyPath): { node: Node | null; keyNode: Node | null } {
  let current: unknown = doc.contents;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return { node: current, keyNode };
      keyNode = pair.key as Node;
      current = pair.value;
    } else if (isSeq(current) && typeof part === 'number') {
      const item = current.items[part];
      if (item === undefined) return { node: current, keyNode };
      current = item;
      keyNode = null;
    } else {
      break;
    }
  }
  return { node: (current as Node | null) ?? null, keyNode };
}

/** The file position of the value at `path`, or of its nearest existing ancestor. */
export function locate(src: YamlSource, path: KeyPath, preferKey = false): ErrorLocation {
  const { node, keyNode } = nodeAt(src.doc, path);
  const target = preferKey && keyNode ? keyNode : (node ?? keyNode);
  const offset = target?.range?.[0] ?? 0;
  const pos = src.lines.linePos(offset);
  return { file: src.file, line: pos.line, column: pos.col, key: formatKeyPath(path) || undefined };
}

/** Throws a bad_input error pointing at `path` in the source. */
export function failAt(src: YamlSource, path: KeyPath, message: string, preferKey = false): never {
  const loc = locate(src, path, preferKey);
  const key = loc.key ? ` ${loc.key}:` : '';
  throw badInput(`${src.file}:${loc.line}:${loc.column}:${key} ${message}`, loc);
}

/** Validates the document against a schema; the first problem names file:line:column and key path. */
export function validateYaml<T>(src: YamlSource, schema: ZodType<T>): T {
  const result = schema.safeParse(src.value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    failAt(src, [...issue.path, key], `unknown key "${key}"`, true);
  }
  failAt(src, issue.path, issue.message);
}
