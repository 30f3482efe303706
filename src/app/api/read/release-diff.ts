import { diffLines } from 'diff';
import { COMPONENTS } from '../../../config/release-schema.js';
import { componentValue } from '../../../release/components.js';
import type { BlobStore } from '../../../release/release-store.js';
import type { FileRef, ResolvedManifest } from '../../../release/resolved-manifest.js';

/** One line of a diff: added, removed or kept. */
export interface DiffLine {
  readonly op: '+' | '-' | ' ';
  readonly text: string;
}

/** A component compared with the baseline: whether it changed, and the lines of each text that make it up. */
export interface ComponentDiff {
  readonly component: string;
  readonly changed: boolean;
  /** One entry per text compared (the system and user prompt files; the JSON of the other components). */
  readonly texts: readonly {
    readonly label: string;
    readonly lines: readonly DiffLine[];
    readonly truncated: boolean;
  }[];
}

/** Longer diffs are cut: a page shows this many lines of one text at most. */
const MAX_LINES = 2000;

export function lineDiff(before: string, after: string): { lines: DiffLine[]; truncated: boolean } {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const op = part.added ? '+' : part.removed ? '-' : ' ';
    const body = part.value.endsWith('\n') ? part.value.slice(0, -1) : part.value;
    for (const text of body.split('\n')) {
      if (lines.length >= MAX_LINES) return { lines, truncated: true };
      lines.push({ op, text });
    }
  }
  return { lines, truncated: false };
}

const json = (v: unknown): string => `${JSON.stringify(v ?? null, null, 2)}\n`;

async function fileText(store: Pick<BlobStore, 'getBlob'>, ref: FileRef | undefined): Promise<string> {
  if (!ref) return '';
  const bytes = await store.getBlob(ref.digest);
  return bytes ? bytes.toString('utf8') : `(${ref.path}: ${ref.digest} is not in the store)\n`;
}

/**
 * A release against its baseline, component by component: the prompt files
 * line by line, and the params, routing, preprocessing steps, model and
 * dataset as their JSON, line by line. With no baseline, every component is
 * shown as added.
 */
export async function releaseDiff(
  store: Pick<BlobStore, 'getBlob'>,
  baseline: ResolvedManifest | null,
  release: ResolvedManifest,
): Promise<ComponentDiff[]> {
  const out: ComponentDiff[] = [];
  for (const component of COMPONENTS) {
    const before = baseline ? componentValue(baseline, component) : undefined;
    const after = componentValue(release, component);
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    if (component === 'prompt') {
      const texts = [];
      for (const part of ['system', 'user'] as const) {
        const from = baseline?.prompt[part];
        const to = release.prompt[part];
        if (!from && !to) continue;
        const d = lineDiff(await fileText(store, from), await fileText(store, to));
        texts.push({ label: `prompt.${part} (${to?.path ?? from?.path})`, ...d });
      }
      const vars = lineDiff(baseline ? json(baseline.prompt.vars ?? {}) : '', json(release.prompt.vars ?? {}));
      if (vars.lines.some((l) => l.op !== ' ') || release.prompt.vars) texts.push({ label: 'prompt.vars', ...vars });
      out.push({ component, changed, texts });
      continue;
    }
    const shown = (m: ResolvedManifest | null) =>
      m === null ? '' : json(component === 'preprocessing' ? m.preprocessing.steps : componentValue(m, component));
    out.push({ component, changed, texts: [{ label: component, ...lineDiff(shown(baseline), shown(release)) }] });
  }
  return out;
}
