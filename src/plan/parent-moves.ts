import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { ChangeRequest } from "../model/change.js";
import type { Feature, PlanState, Release } from "../model/schema.js";
import { own } from "../util/own.js";
import { childIds } from "./children-index.js";
import { bucketsShown, featureLabel, shownBuckets } from "./summary.js";

/**
 * What a change does to where parents are shown (`shownBuckets`): a feature with sub-items is
 * shown where they are, so adding, moving, removing or re-bucketing a sub-item can move its parent
 * without the person naming it. Worked out from the state before and the changes asked for, so the
 * reply can say it ("PVH mode is now shown under at risk (was on track)"). One line per parent moved.
 */
export function parentMoves(state: Readonly<PlanState>, changes: readonly ChangeRequest[]): string[] {
  // Changes to features that are no sub-items, and stay none, move no parent: most changes.
  if (changes.every((change) => change.entity !== "feature" || (change.op === "update" && !("parent" in change.fields) && !own(own(own(state.projects, change.project)?.releases, change.release)?.features, change.feature)?.parent))) return [];
  // The features each change touches, as they will be after it: null when deleted.
  const touched = new Map<string, { release: Release; after: Map<string, Feature | null> }>();
  for (const change of changes) {
    if (change.entity !== "feature") continue;
    const release = own(own(state.projects, change.project)?.releases, change.release);
    if (!release) continue; // a release made by the same change: nothing was shown before
    const key = JSON.stringify([change.project, change.release]);
    let entry = touched.get(key);
    if (!entry) touched.set(key, (entry = { release, after: new Map() }));
    const current = entry.after.has(change.feature) ? entry.after.get(change.feature) : own(release.features, change.feature);
    if (change.op === "delete") entry.after.set(change.feature, null);
    else if (change.op === "create") entry.after.set(change.feature, change.value as Feature);
    else if (current) entry.after.set(change.feature, { ...current, ...change.fields } as Feature);
  }
  const lines: string[] = [];
  for (const { release, after } of touched.values()) {
    const parents = new Set<string>();
    for (const [id, feature] of after) {
      const before = own(release.features, id);
      if (before?.parent) parents.add(before.parent);
      if (feature?.parent) parents.add(feature.parent);
    }
    for (const id of [...parents].sort((a, b) => (own(release.features, a)?.order ?? 0) - (own(release.features, b)?.order ?? 0))) {
      const before = own(release.features, id);
      const now = after.has(id) ? after.get(id) : before;
      if (!before || !now) continue; // made or removed by this change: the reply says so already
      const kids = new Map<string, Feature>();
      for (const child of childIds(release.features, id)) {
        const feature = own(release.features, child);
        if (feature) kids.set(child, feature);
      }
      for (const [child, feature] of after) {
        if (feature && feature.parent === id) kids.set(child, feature);
        else kids.delete(child);
      }
      const was = shownBuckets(release, before);
      const is: Bucket[] = bucketsShown(now.bucket, [...kids.values()]);
      if (was.join() === is.join()) continue;
      // The change set the parent's own status and it is shown just there: the reply says so already.
      if (after.has(id) && is.length === 1 && is[0] === now.bucket && before.bucket !== now.bucket) continue;
      const words = (buckets: readonly Bucket[]) => buckets.map((bucket) => BUCKET_INFO[bucket].label).join(", ");
      const why = kids.size === 0 ? ", its own status now that it has no sub-items" : ", where its sub-items are";
      lines.push(`${featureLabel(now)} is now shown under ${words(is)}${why} (was ${words(was)}).`);
    }
  }
  return lines;
}
