/** The root of the slice tree: every item, whatever its slice. */
export const ROOT_SLICE = '*';

/** The slice and its ancestors, most specific first, ending at the root: fr/fr-BE → fr → *. */
export function sliceChain(slice: string): string[] {
  if (slice === ROOT_SLICE || slice === '') return [ROOT_SLICE];
  const parts = slice.split('/');
  const chain: string[] = [];
  for (let i = parts.length; i > 0; i--) chain.push(parts.slice(0, i).join('/'));
  chain.push(ROOT_SLICE);
  return chain;
}

/** Whether `slice` is `ancestor` or lies beneath it (everything lies beneath the root). */
export function inSubtree(slice: string, ancestor: string): boolean {
  return ancestor === ROOT_SLICE || slice === ancestor || slice.startsWith(`${ancestor}/`);
}
