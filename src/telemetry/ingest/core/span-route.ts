import type { TelemetryConfig } from '../../../config/sluice-schema.js';
import type { RouteEntry } from '../../../gateway/routing/route-table.js';
import { parseSlice } from '../../../kernel/request-slice.js';
import type { ServingRelease } from '../../../serving/serving-release.js';
import { type Plain, text } from './attribute-values.js';

export type IngestMapping = Pick<
  TelemetryConfig['ingest'],
  'route_attribute' | 'release_attribute' | 'slice_attribute' | 'services'
>;

/** Where a span belongs before the route table is asked: the route, the release it names (if any), the arm its service maps to. */
export interface SpanPlace {
  readonly route: string;
  readonly release?: string;
  readonly arm: 'stable' | 'canary';
  readonly slice?: string;
}

/** A span's attribute, else its resource's. */
function lookup(
  key: string,
  span: ReadonlyMap<string, Plain>,
  resource: ReadonlyMap<string, Plain>,
): string | undefined {
  return text(span.get(key)) ?? text(resource.get(key));
}

/**
 * Where an ingested span belongs: its route from the route attribute (span,
 * then resource), else from `services` by its service.name; the release it
 * names by the release attribute; its slice by the slice attribute.
 */
export function spanPlace(
  span: ReadonlyMap<string, Plain>,
  resource: ReadonlyMap<string, Plain>,
  mapping: IngestMapping,
): SpanPlace | { reason: string } {
  const service = text(resource.get('service.name'));
  const mapped = service !== undefined ? mapping.services[service] : undefined;
  const route = lookup(mapping.route_attribute, span, resource)?.trim() ?? mapped?.route;
  if (route === undefined)
    return {
      reason: `no route: the span has no ${mapping.route_attribute} attribute and its service.name (${service ?? 'none'}) is not in telemetry.ingest.services`,
    };
  const release = lookup(mapping.release_attribute, span, resource)?.trim();
  const slice = parseSlice(lookup(mapping.slice_attribute, span, resource));
  return {
    route,
    arm: mapped?.route === route ? mapped.arm : 'stable',
    ...(release !== undefined ? { release } : {}),
    ...(slice !== undefined ? { slice } : {}),
  };
}

/** Whether a release id matches what a span named: the full id, or a unique-enough prefix of its hex. */
function names(id: string, named: string): boolean {
  const hex = named.startsWith('sha256:') ? named.slice(7) : named;
  return named === id || (hex.length >= 8 && id.startsWith(`sha256:${hex.toLowerCase()}`));
}

/**
 * The arm and release of a placed span on its route: the release it names
 * (which must be the route's stable or candidate), else its service's arm.
 */
export function spanArm(
  entry: Pick<RouteEntry, 'route' | 'stable' | 'candidate'>,
  place: Pick<SpanPlace, 'release' | 'arm'>,
): { arm: 'stable' | 'canary'; release: ServingRelease } | { reason: string } {
  if (place.release !== undefined) {
    if (names(entry.stable.id, place.release)) return { arm: 'stable', release: entry.stable };
    if (entry.candidate && names(entry.candidate.id, place.release)) return { arm: 'canary', release: entry.candidate };
    return { reason: `release ${place.release} is neither the stable nor the candidate of route "${entry.route}"` };
  }
  if (place.arm === 'canary') {
    if (!entry.candidate) return { reason: `route "${entry.route}" has no candidate for a canary span` };
    return { arm: 'canary', release: entry.candidate };
  }
  return { arm: 'stable', release: entry.stable };
}
