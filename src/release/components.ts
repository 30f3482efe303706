import { COMPONENTS, type Component } from '../config/release-schema.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import type { ResolvedManifest } from './resolved-manifest.js';

/** The part of a manifest each component covers. */
export function componentValue(m: ResolvedManifest, c: Component): unknown {
  switch (c) {
    case 'model':
      return m.embeddings ? { ...m.model, embeddings: m.embeddings } : m.model;
    case 'prompt':
      return m.prompt;
    case 'routing':
      return m.routing;
    case 'preprocessing':
      return m.preprocessing.digest;
    case 'params':
      return m.params_overridable ? { ...m.params, overridable: m.params_overridable } : m.params;
    case 'dataset':
      return m.dataset ?? null;
  }
}

/** The components that differ between two manifests, in the canonical order. */
export function changedComponents(from: ResolvedManifest, to: ResolvedManifest): Component[] {
  return COMPONENTS.filter((c) => jsonDigest(componentValue(from, c)) !== jsonDigest(componentValue(to, c)));
}

export interface ComponentChange {
  readonly component: Component;
  readonly from: unknown;
  readonly to: unknown;
}

/** Each changed component with its value before and after. */
export function diffManifests(from: ResolvedManifest, to: ResolvedManifest): ComponentChange[] {
  return changedComponents(from, to).map((component) => ({
    component,
    from: component === 'preprocessing' ? from.preprocessing : componentValue(from, component),
    to: component === 'preprocessing' ? to.preprocessing : componentValue(to, component),
  }));
}
