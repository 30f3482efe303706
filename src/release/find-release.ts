import { SluiceError } from '../kernel/errors.js';
import type { ReleaseLookup, ReleaseRecord } from './release-store.js';
import { parseIdText, shortId } from './release-id.js';

/** Looks a release up by full id or unique hex prefix; not found and ambiguous are coded errors. */
export async function findRelease(store: ReleaseLookup, text: string): Promise<ReleaseRecord> {
  const hex = parseIdText(text);
  const ids = await store.findReleaseIds(hex, 5);
  if (ids.length === 0) throw new SluiceError('not_found', `no release ${text} in the store`);
  if (ids.length > 1) {
    throw new SluiceError(
      'ambiguous',
      `"${text}" matches several releases (${ids.map(shortId).join(', ')}${ids.length === 5 ? ', …' : ''}); give more digits`,
    );
  }
  const record = await store.getRelease(ids[0]!);
  if (!record) throw new SluiceError('not_found', `no release ${text} in the store`);
  return record;
}
