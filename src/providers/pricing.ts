import type { ProviderConfig } from '../config/sluice-schema.js';
import type { Usage } from './model-provider.js';

export type PriceTable = NonNullable<ProviderConfig['prices']>;

export interface CallCost {
  /** US dollars; 0 when no price is known. */
  readonly usd: number;
  /** False when the table has no price for the model, so `usd` is not a real cost. */
  readonly priced: boolean;
  /** The table entry used, when one was. */
  readonly priceKey?: string;
}

/**
 * The price entry for a model: its exact name, else the longest entry that
 * is a prefix of it ending at a separator ("gpt-4o" prices "gpt-4o-2024-08-06",
 * upstreams often report dated snapshots of the name they were asked for).
 */
export function findPrice(prices: PriceTable | undefined, model: string): [string, PriceTable[string]] | undefined {
  if (!prices) return undefined;
  const exact = prices[model];
  if (exact) return [model, exact];
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (model.startsWith(key) && /^[-_.:@/]/.test(model.slice(key.length)) && key.length > (best?.length ?? 0))
      best = key;
  }
  return best === undefined ? undefined : [best, prices[best]!];
}

/** What a call cost, from the provider's price table (USD per million input / output tokens). */
export function callCost(prices: PriceTable | undefined, model: string, usage: Usage): CallCost {
  const found = findPrice(prices, model);
  if (!found) return { usd: 0, priced: false };
  const [key, price] = found;
  const usd =
    (usage.prompt_tokens * price.input_per_mtok + usage.completion_tokens * price.output_per_mtok) / 1_000_000;
  return { usd, priced: true, priceKey: key };
}
