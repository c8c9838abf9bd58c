import type { Feature } from "../model/schema.js";

/**
 * Which features have which sub-items, per release, kept beside the state rather than in it. Built
 * on first use and then kept up to date by the reducer, so asking for a feature's sub-items does not
 * scan a release of ten thousand features on every `!status`.
 */
const indexes = new WeakMap<object, Map<string, Set<string>>>();
const NONE: ReadonlySet<string> = new Set();

function build(features: Record<string, Feature>): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  for (const feature of Object.values(features)) {
    if (feature.parent !== null) add(index, feature.parent, feature.id);
  }
  return index;
}

function add(index: Map<string, Set<string>>, parent: string, child: string): void {
  const set = index.get(parent);
  if (set) set.add(child);
  else index.set(parent, new Set([child]));
}

/** Every parent's sub-items: for a pass over all features, which would otherwise look the index up once per feature. */
export function childIndex(features: Record<string, Feature>): ReadonlyMap<string, ReadonlySet<string>> {
  let index = indexes.get(features);
  if (!index) {
    index = build(features);
    indexes.set(features, index);
  }
  return index;
}

export function childIds(features: Record<string, Feature>, parent: string): ReadonlySet<string> {
  return childIndex(features).get(parent) ?? NONE;
}

/** Called by the reducer whenever a feature appears, goes, or changes parent. */
export function parentChanged(features: object, child: string, before: string | null, after: string | null): void {
  const index = indexes.get(features);
  if (!index || before === after) return;
  if (before !== null) {
    const set = index.get(before);
    set?.delete(child);
    if (set?.size === 0) index.delete(before);
  }
  if (after !== null) add(index, after, child);
}
