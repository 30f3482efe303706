import { describe, expect, it } from 'vitest';
import { entry } from '../../../gateway/test-support/gateway-fixture.js';
import type { Plain } from './attribute-values.js';
import { type IngestMapping, spanArm, spanPlace } from './span-route.js';

const attrs = (o: Record<string, Plain>) => new Map(Object.entries(o));
const mapping: IngestMapping = {
  route_attribute: 'sluice.route',
  release_attribute: 'sluice.release',
  slice_attribute: 'sluice.slice',
  services: { 'bot-canary': { route: 'legal', arm: 'canary' }, bot: { route: 'legal', arm: 'stable' } },
};

describe('spanPlace and spanArm', () => {
  it('takes the route from the span, then the resource, then the service mapping', () => {
    expect(spanPlace(attrs({ 'sluice.route': 'a' }), attrs({ 'sluice.route': 'b' }), mapping)).toEqual({
      route: 'a',
      arm: 'stable',
    });
    expect(spanPlace(attrs({}), attrs({ 'sluice.route': 'b', 'sluice.slice': 'fr/fr-BE' }), mapping)).toEqual({
      route: 'b',
      arm: 'stable',
      slice: 'fr/fr-BE',
    });
    expect(spanPlace(attrs({}), attrs({ 'service.name': 'bot-canary' }), mapping)).toEqual({
      route: 'legal',
      arm: 'canary',
    });
    const none = spanPlace(attrs({}), attrs({ 'service.name': 'other' }), mapping);
    expect(none).toEqual({
      reason: expect.stringContaining('service.name (other) is not in telemetry.ingest.services'),
    });
  });

  it("resolves a named release to the route's stable or candidate, and refuses any other", () => {
    const e = entry('legal', 10);
    expect(spanArm(e, { arm: 'stable', release: e.candidate!.id })).toEqual({ arm: 'canary', release: e.candidate });
    expect(spanArm(e, { arm: 'canary', release: e.stable.id.slice(7, 19) })).toEqual({
      arm: 'stable',
      release: e.stable,
    });
    expect(spanArm(e, { arm: 'canary' })).toEqual({ arm: 'canary', release: e.candidate });
    expect(spanArm(e, { arm: 'stable', release: 'sha256:00000000' })).toEqual({
      reason: expect.stringContaining('neither the stable nor the candidate'),
    });
    expect(spanArm(entry('legal', 0, null), { arm: 'canary' })).toEqual({
      reason: 'route "legal" has no candidate for a canary span',
    });
  });
});
