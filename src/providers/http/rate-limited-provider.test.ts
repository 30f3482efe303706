import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../model-provider.js';
import { RateLimitedProvider } from './rate-limited-provider.js';
import { estimateRequestTokens, RateLimiter } from './rate-limiter.js';
import { SimEngine } from '../sim/sim-engine.js';
import { SimProvider } from '../sim/sim-provider.js';
import { FakeClock } from '../test-support/fake-clock.js';
import { collect } from '../test-support/recording-clock.js';

const req: ChatRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'How do I reset my password?' }],
  params: { max_tokens: 500 },
};

function setup() {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ tokensPerMinute: 10_000 }, clock);
  const provider = new RateLimitedProvider(
    new SimProvider({ name: 's', engine: new SimEngine({ seed: 1 }), timeScale: 0 }),
    limiter,
  );
  return { limiter, provider };
}

describe('RateLimitedProvider', () => {
  it('reserves the estimate, then charges what the call really used', async () => {
    const { limiter, provider } = setup();
    expect(estimateRequestTokens(req)).toBe(507);
    const out = await provider.chat(req);
    expect(limiter.availableTokens()).toBe(10_000 - out.usage.total_tokens);
  });

  it('charges a stream its reported usage', async () => {
    const { limiter, provider } = setup();
    const chunks = await collect(provider.chatStream(req));
    expect(limiter.availableTokens()).toBe(10_000 - chunks.at(-1)!.usage!.total_tokens);
  });

  it('passes embeddings through under the limit', async () => {
    const { limiter, provider } = setup();
    expect(await provider.embed!('e', ['abcd'.repeat(10)])).toHaveLength(1);
    expect(limiter.availableTokens()).toBe(10_000 - 10);
  });
});
