import { describe, expect, it } from 'vitest';
import { callCost, findPrice } from './pricing.js';

const prices = {
  'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 },
  'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
};
const usage = { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 };

describe('callCost', () => {
  it('prices input and output tokens per million', () => {
    expect(callCost(prices, 'gpt-4o', usage)).toEqual({ usd: 0.0075, priced: true, priceKey: 'gpt-4o' });
  });

  it('prices a dated snapshot by the longest matching name', () => {
    expect(callCost(prices, 'gpt-4o-mini-2024-07-18', usage).priceKey).toBe('gpt-4o-mini');
    expect(callCost(prices, 'gpt-4o-2024-08-06', usage).priceKey).toBe('gpt-4o');
    expect(findPrice(prices, 'gpt-4omni')).toBeUndefined();
  });

  it('says when no price is known', () => {
    expect(callCost(prices, 'claude-x', usage)).toEqual({ usd: 0, priced: false });
    expect(callCost(undefined, 'gpt-4o', usage)).toEqual({ usd: 0, priced: false });
  });
});
