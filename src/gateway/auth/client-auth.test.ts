import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../kernel/digest.js';
import { authenticate, type ClientAuth, routeAllowed } from './client-auth.js';
import { memoryKeyTable, newGatewayKey } from './gateway-keys.js';
import { KeyRateLimit } from './key-rate-limit.js';

const front = newGatewayKey();
const scoped = newGatewayKey();

function auth(mode: 'required' | 'optional', now = () => 0, forwardClientAuth = false): ClientAuth {
  return {
    mode,
    forwardClientAuth,
    limits: new KeyRateLimit(now),
    keys: memoryKeyTable([
      { hash: front.hash, name: 'app-frontend', routes: null, rpm: 2, createdAt: '' },
      { hash: scoped.hash, name: 'legal-only', routes: ['legal'], rpm: null, createdAt: '' },
    ]),
  };
}

describe('client authentication', () => {
  it('makes keys that are stored only as their hash', () => {
    expect(front.key).toMatch(/^sk-sluice-[A-Za-z0-9_-]{32}$/);
    expect(front.hash).toBe(sha256Hex(front.key));
    expect(front.key).not.toBe(scoped.key);
  });

  it('required: refuses a call without a key or with an unknown one; names the key it accepts', () => {
    const a = auth('required');
    for (const headers of [{}, { authorization: 'Bearer sk-openai-123' }, { authorization: `Bearer ${front.key}x` }]) {
      const r = authenticate(a, headers);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.body().error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
    }
    const r = authenticate(a, { authorization: `Bearer ${scoped.key}` });
    expect(r.ok && r.caller.client?.name).toBe('legal-only');
    expect(r.ok && routeAllowed(r.caller, 'legal')).toBe(true);
    expect(r.ok && routeAllowed(r.caller, 'medical')).toBe(false);
    const viaHeader = authenticate(a, { 'x-sluice-key': scoped.key });
    expect(viaHeader.ok && viaHeader.caller.client?.name).toBe('legal-only');
  });

  it('optional: serves anonymous calls and foreign keys, but never an unknown gateway key', () => {
    const a = auth('optional');
    const anon = authenticate(a, {});
    expect(anon.ok && anon.caller.client).toBeUndefined();
    const foreign = authenticate(a, { authorization: 'Bearer sk-openai-123' });
    expect(foreign.ok && foreign.caller).toEqual({ client: undefined, upstreamAuthorization: undefined });
    expect(authenticate(a, { authorization: 'Bearer sk-sluice-revoked' }).ok).toBe(false);
    expect(authenticate(a, { 'x-sluice-key': 'nope' }).ok).toBe(false);
  });

  it("passes the client's own credential upstream only with forward_client_auth, never the gateway key", () => {
    const on = auth('required', () => 0, true);
    const both = authenticate(on, { authorization: 'Bearer sk-provider', 'x-sluice-key': scoped.key });
    expect(both.ok && both.caller).toMatchObject({ upstreamAuthorization: 'Bearer sk-provider' });
    const keyOnly = authenticate(on, { authorization: `Bearer ${scoped.key}` });
    expect(keyOnly.ok && keyOnly.caller.upstreamAuthorization).toBeUndefined();
    const off = authenticate(auth('required'), { authorization: 'Bearer sk-provider', 'x-sluice-key': scoped.key });
    expect(off.ok && off.caller.upstreamAuthorization).toBeUndefined();
    const optional = authenticate(
      auth('optional', () => 0, true),
      { authorization: 'Bearer sk-provider' },
    );
    expect(optional.ok && optional.caller).toEqual({ client: undefined, upstreamAuthorization: 'Bearer sk-provider' });
  });

  it('limits a key to its requests per minute, with the seconds to wait', () => {
    let now = 0;
    const a = auth('required', () => now);
    const call = () => authenticate(a, { authorization: `Bearer ${front.key}` });
    expect(call().ok).toBe(true);
    expect(call().ok).toBe(true);
    const over = call();
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.error.status).toBe(429);
      expect(over.retryAfter).toBe(30);
    }
    now = 30_000;
    expect(call().ok).toBe(true);
    // Another key is not held back by this one's limit.
    expect(authenticate(a, { authorization: `Bearer ${scoped.key}` }).ok).toBe(true);
  });
});
