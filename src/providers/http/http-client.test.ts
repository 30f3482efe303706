import { Pool as PublicPool } from 'undici';
import { describe, expect, it } from 'vitest';
import { Pool } from './http-client.js';

describe('HttpClient', () => {
  it("loads undici's Pool on its own, the same class the package exports", () => {
    expect(Pool).toBe(PublicPool);
  });
});
