import { isUnfinished } from "../model/buckets.js";
import type { Feature, Release } from "../model/schema.js";
import { childIndex } from "./children-index.js";
import { isClosed } from "./release.js";
import { featureList, isCounted } from "./summary.js";

const DAY_MS = 86_400_000;

/** Still in play: work that can go stale. Finished, dropped and deferred features wait for nobody. */
function inPlay(feature: Pick<Feature, "bucket">): boolean {
  return isUnfinished(feature.bucket) && feature.bucket !== "deferred";
}

/** Whole days since the feature's last change or note (both stamp `updatedAt`). */
export function daysSinceUpdate(feature: Pick<Feature, "updatedAt">, now: Date): number {
  return daysSince(Date.parse(feature.updatedAt), now);
}

function daysSince(at: number, now: Date): number {
  return Math.floor((now.getTime() - at) / DAY_MS);
}

/** A feature that goes stale once nobody touches it: counted (a parent with sub-items is only their heading), still in play, in a release that has not shipped. */
export function canGoStale(release: Pick<Release, "features" | "closedAt">, feature: Feature): boolean {
  return !isClosed(release) && inPlay(feature) && isCounted(release, feature);
}

/** A feature nobody has touched for `staleDays` days (see canGoStale). */
export function isStale(release: Pick<Release, "features" | "closedAt">, feature: Feature, now: Date, staleDays: number): boolean {
  return canGoStale(release, feature) && daysSinceUpdate(feature, now) >= staleDays;
}

/** The instant the feature goes stale if nobody touches it: `staleDays` whole days after its last update. */
export function staleAt(feature: Pick<Feature, "updatedAt">, staleDays: number): number {
  return Date.parse(feature.updatedAt) + staleDays * DAY_MS;
}

export interface StaleEntry {
  feature: Feature;
  /** Its `updatedAt` as milliseconds since the epoch. */
  at: number;
  /** Whole days since its last update. */
  days: number;
}

/**
 * The release's stale features with their days untouched, the longest untouched first: one pass,
 * each timestamp read once (`features`, when given, is the release's `featureList`).
 */
export function staleEntries(release: Pick<Release, "features" | "closedAt">, now: Date, staleDays: number, features: readonly Feature[] = featureList(release)): StaleEntry[] {
  if (isClosed(release)) return [];
  const index = childIndex(release.features);
  const found: StaleEntry[] = [];
  for (const feature of features) {
    if (!inPlay(feature) || (index.get(feature.id)?.size ?? 0) > 0) continue;
    const at = Date.parse(feature.updatedAt);
    const days = daysSince(at, now);
    if (days >= staleDays) found.push({ feature, at, days });
  }
  // Timestamps compared as numbers: localeCompare over 10 000 features costs tens of ms.
  return found.sort((a, b) => a.at - b.at || a.feature.order - b.feature.order);
}

/** The release's stale features, the longest untouched first. */
export function staleFeatures(release: Pick<Release, "features" | "closedAt">, now: Date, staleDays: number, features?: readonly Feature[]): Feature[] {
  return staleEntries(release, now, staleDays, features).map((entry) => entry.feature);
}

/** "stale: no update for 20 days" */
export function staleMark(feature: Pick<Feature, "updatedAt">, now: Date): string {
  return staleMarkFor(daysSinceUpdate(feature, now));
}

/** `staleMark` for a feature untouched for `days` days. */
export function staleMarkFor(days: number): string {
  return `stale: no update for ${days} days`;
}
