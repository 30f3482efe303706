import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { Digest } from '../kernel/digest.js';
import { shortId } from './release-id.js';
import type { BlobStore } from './release-store.js';
import type { FileRef, ResolvedManifest } from './resolved-manifest.js';
import type { ComponentChange } from './components.js';

/** A component's change as people read it: a unified diff, of a prompt file's text or of the component's settings as YAML. */
export interface ComponentPatch {
  readonly component: string;
  /** The prompt file (`prompt.system`, `prompt.user`) or the component's settings (`params`, …). */
  readonly what: string;
  readonly patch: string;
}

const NO_FILE = '';

async function text(store: Pick<BlobStore, 'getBlob'>, ref: FileRef | undefined): Promise<string> {
  if (!ref) return NO_FILE;
  const bytes = await store.getBlob(ref.digest as Digest);
  return bytes ? bytes.toString('utf8') : `(${ref.path}: ${ref.digest} is missing from the store)\n`;
}

/** A unified diff without the "Index"/"===" preamble, with the releases' short ids as the file labels. */
function unified(label: string, fromText: string, toText: string, fromId: string, toId: string): string {
  return createTwoFilesPatch(`${label}@${shortId(fromId)}`, `${label}@${shortId(toId)}`, fromText, toText, '', '', {
    context: 3,
  })
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .join('\n')
    .trimEnd();
}

/** The settings a component holds, as YAML (the preprocessing by its steps, not only its digest). */
function settings(m: ResolvedManifest, c: ComponentChange['component'], value: unknown): string {
  if (c === 'preprocessing') return stringify(m.preprocessing.steps);
  return value === null || value === undefined ? '' : stringify(value);
}

/**
 * Unified diffs of what changed between two releases: each changed prompt file's text, and
 * the settings of every other changed component (model, routing, preprocessing, params,
 * dataset) as YAML, so a reviewer reads the change itself rather than paths and digests.
 */
export async function manifestPatches(
  store: Pick<BlobStore, 'getBlob'>,
  from: { id: string; manifest: ResolvedManifest },
  to: { id: string; manifest: ResolvedManifest },
  changes: readonly ComponentChange[],
): Promise<ComponentPatch[]> {
  const out: ComponentPatch[] = [];
  for (const change of changes) {
    if (change.component === 'prompt') {
      for (const key of ['system', 'user'] as const) {
        const a = from.manifest.prompt[key];
        const b = to.manifest.prompt[key];
        if (a?.digest === b?.digest) continue;
        const label = b?.path ?? a?.path ?? key;
        out.push({
          component: 'prompt',
          what: `prompt.${key}`,
          patch: unified(label, await text(store, a), await text(store, b), from.id, to.id),
        });
      }
      const va = stringify(from.manifest.prompt.vars ?? {});
      const vb = stringify(to.manifest.prompt.vars ?? {});
      if (va !== vb)
        out.push({ component: 'prompt', what: 'prompt.vars', patch: unified('prompt.vars', va, vb, from.id, to.id) });
      continue;
    }
    const a = settings(from.manifest, change.component, change.from);
    const b = settings(to.manifest, change.component, change.to);
    out.push({
      component: change.component,
      what: change.component,
      patch: unified(change.component, a, b, from.id, to.id),
    });
  }
  return out;
}
