import { ACTIVE_BUCKETS, BUCKETS, BUCKET_INFO, isUnfinished, type Bucket, type Health } from "../model/buckets.js";
import type { Feature, Release } from "../model/schema.js";
import type { ListItem, Section, Text } from "../reply/reply.js";
import { childIds, childIndex } from "./children-index.js";
import { ownersText, plainOwners, type OwnerNames } from "./people.js";
import { own } from "../util/own.js";
import { runAtOnce, type Steps } from "../util/steps.js";

/** "Persistent grants for blk (Linux)", "Multi-page net protocol (external)". */
export function featureLabel(feature: Pick<Feature, "title" | "qualifier" | "external">): string {
  let text = feature.title;
  if (feature.qualifier) text += ` (${feature.qualifier})`;
  if (feature.external) text += " (external)";
  return text;
}

/**
 * The release's features as the plan holds them. `Object.values` over a release of 10 000 features
 * costs 1.5–2 ms (V8 keeps so many keys as a dictionary, which it sorts to list), so a summary
 * takes the list once and hands it to each part below instead of each part taking its own.
 */
export function featureList(release: Pick<Release, "features">): Feature[] {
  return Object.values(release.features);
}

export function sortedFeatures(release: Pick<Release, "features">, features: readonly Feature[] = featureList(release)): Feature[] {
  return features.slice().sort((a, b) => a.order - b.order);
}

/** Sub-items of each feature, in plan order. */
export function childrenByParent(features: readonly Feature[], release: Pick<Release, "features">): Map<string, Feature[]> {
  const children = new Map<string, Feature[]>();
  for (const feature of features) {
    if (feature.parent === null || !own(release.features, feature.parent)) continue;
    const list = children.get(feature.parent);
    if (list) list.push(feature);
    else children.set(feature.parent, [feature]);
  }
  return children;
}

/** One feature's sub-items, in plan order: a single pass, no sorting of the whole release. */
export function childrenOf(release: Pick<Release, "features">, id: string): Feature[] {
  return [...childIds(release.features, id)]
    .map((child) => own(release.features, child))
    .filter((feature): feature is Feature => feature !== undefined)
    .sort((a, b) => a.order - b.order);
}

/** Lines to add under a feature in the summary, such as "stale: no update for 20 days". */
export type FeatureMark = (feature: Feature) => string | readonly string[] | undefined;

/** "owner: George Dunlap, Thanos", its people as pieces (see `ownerNames`). */
export function ownerLine(owners: readonly string[], names: OwnerNames): Text {
  return ownersText(owners, names, "owner: ");
}

function itemFor(feature: Feature, names: OwnerNames, text = featureLabel(feature), mark?: FeatureMark): ListItem {
  const details: Text[] = [];
  if (feature.owners.length > 0) details.push(ownerLine(feature.owners, names));
  if (feature.note) details.push(`status: ${feature.note}`);
  if (feature.needed === true) details.push("needed for the release");
  if (feature.intervention) details.push(`intervene: ${feature.intervention.kind}: ${feature.intervention.text}`);
  const extra = mark?.(feature);
  if (typeof extra === "string") details.push(extra);
  else if (extra) details.push(...extra);
  return details.length > 0 ? { text, details } : { text };
}

/**
 * The one rule for where a feature is shown, used by the summary, `!show`, the exports and the web
 * page: a feature without sub-items is shown in its own bucket; a feature with sub-items has none
 * of its own and is shown in each bucket one of its sub-items is in, in summary order.
 */
export function shownBuckets(release: Pick<Release, "features">, feature: Feature): Bucket[] {
  return bucketsShown(feature.bucket, childrenOf(release, feature.id));
}

/** The rule of `shownBuckets`, given the feature's own bucket and its sub-items (as they are, or will be after a change). */
export function bucketsShown(own: Bucket, kids: readonly Pick<Feature, "bucket">[]): Bucket[] {
  if (kids.length === 0) return [own];
  return BUCKETS.filter((bucket) => kids.some((kid) => kid.bucket === bucket));
}

/** Finished but with sub-items still to do: "(partial)" among the finished ones. */
export function isPartial(children: readonly Pick<Feature, "bucket">[]): boolean {
  return children.some((kid) => isUnfinished(kid.bucket));
}

/** "finished (partial), at risk": the buckets a feature is shown in, as words. */
export function describeShown(release: Pick<Release, "features">, feature: Feature): string {
  const kids = childrenOf(release, feature.id);
  return shownBuckets(release, feature)
    .map((bucket) => BUCKET_INFO[bucket].label + (bucket === "done" && isPartial(kids) ? " (partial)" : ""))
    .join(", ");
}

/**
 * The summary's sections (the rule of `shownBuckets`). A parent appears in every bucket its sub-items are in, with those
 * sub-items, and is marked "(partial)" among the finished ones while some sub-items are not.
 * Empty buckets are left out.
 */
export function summarize(release: Pick<Release, "features">, only?: readonly Bucket[], mark?: FeatureMark, names: OwnerNames = plainOwners, sorted: readonly Feature[] = sortedFeatures(release)): Section[] {
  return runAtOnce(summarizeSteps(release, only, mark, names, sorted));
}

/** Features placed between steps: a few hundred microseconds of work. */
const STEP_FEATURES = 256;

/** `summarize` as steps, to run in slices (see `runInSlices`). */
export function* summarizeSteps(release: Pick<Release, "features">, only?: readonly Bucket[], mark?: FeatureMark, names: OwnerNames = plainOwners, sorted: readonly Feature[] = sortedFeatures(release)): Steps<Section[]> {
  const children = childrenByParent(sorted, release);
  const buckets = only ?? BUCKETS;
  // One pass over the features, each item going to the bucket (or buckets) it is shown in, in
  // plan order, as a pass per bucket would list them. A parent is placed by its first sub-item
  // there, which may come before features listed already: only then is the bucket sorted.
  const lists = buckets.map((): { items: ListItem[]; orders: number[]; sorted: boolean } => ({ items: [], orders: [], sorted: true }));
  const place = (index: number, order: number, item: ListItem) => {
    const list = lists[index]!;
    if (list.orders.length > 0 && order < list.orders[list.orders.length - 1]!) list.sorted = false;
    list.items.push(item);
    list.orders.push(order);
  };
  let seen = 0;
  for (const feature of sorted) {
    if (++seen % STEP_FEATURES === 0) yield;
    if (feature.parent !== null && own(release.features, feature.parent)) continue;
    const kids = children.get(feature.id);
    if (!kids) {
      for (let index = 0; index < buckets.length; index++) if (buckets[index] === feature.bucket) place(index, feature.order, itemFor(feature, names, undefined, mark));
      continue;
    }
    buckets.forEach((bucket, index) => {
      const here = kids.filter((kid) => kid.bucket === bucket);
      if (here.length === 0) return;
      const partial = bucket === "done" && isPartial(kids);
      const item = itemFor(feature, names, featureLabel(feature) + (partial ? " (partial)" : ""));
      item.children = here.map((kid) => itemFor(kid, names, undefined, mark));
      place(index, Math.min(...here.map((kid) => kid.order)), item);
    });
  }
  const sections: Section[] = [];
  buckets.forEach((bucket, index) => {
    const list = lists[index]!;
    if (list.items.length === 0) return;
    // Stable, as the sort of every bucket's entries was: equal orders keep plan order.
    const items = list.sorted
      ? list.items
      : list.items
          .map((item, at) => ({ item, order: list.orders[at]! }))
          .sort((a, b) => a.order - b.order)
          .map((entry) => entry.item);
    sections.push({ bucket, heading: BUCKET_INFO[bucket].heading, items });
  });
  return sections;
}

/**
 * What every count of "features" counts (the summary, release list, import, exports, web page):
 * the items that have a status of their own, that is features without sub-items and sub-items.
 * A feature with sub-items is a heading for them and is not counted itself.
 */
export function isCounted(release: Pick<Release, "features">, feature: Pick<Feature, "id">): boolean {
  return childIds(release.features, feature.id).size === 0;
}

/** How many features have sub-items (and so are not counted themselves). */
export function parentCount(release: Pick<Release, "features">, features?: readonly Feature[]): number {
  return featureCounts(release, features).parents;
}

/** "40 features (sub-items counted, not the 1 feature they are under)": the words say what was counted. */
export function describeTotal(total: number, parents: number): string {
  const noun = total === 1 ? "feature" : "features";
  const what = parents > 0 ? ` (sub-items counted, not the ${parents === 1 ? "1 feature they are" : `${parents.toLocaleString("en")} features they are`} under)` : "";
  return `${total.toLocaleString("en")} ${noun}${what}`;
}

/** `describeTotal` of a release. */
export function releaseTotal(release: Pick<Release, "features">, features?: readonly Feature[]): string {
  const { counts, parents } = featureCounts(release, features);
  return describeTotal(Object.values(counts).reduce((sum, n) => sum + n, 0), parents);
}

/** How many features (sub-items, not their parents: see `isCounted`) sit in each bucket. */
export function bucketCounts(release: Pick<Release, "features">, features?: readonly Feature[]): Record<Bucket, number> {
  return featureCounts(release, features).counts;
}

/** The counts of `bucketCounts` and `parentCount`, in one pass. */
export function featureCounts(release: Pick<Release, "features">, features: readonly Feature[] = featureList(release)): { counts: Record<Bucket, number>; parents: number } {
  const counts = Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<Bucket, number>;
  const index = childIndex(release.features);
  let parents = 0;
  for (const feature of features) {
    if ((index.get(feature.id)?.size ?? 0) > 0) parents++;
    else counts[feature.bucket]++;
  }
  return { counts, parents };
}

/** "7 finished, 13 on track, 5 fair, 16 at risk" (deferred and dropped only when there are some). */
export function describeCounts(counts: Record<Bucket, number>): string {
  return BUCKETS.filter((bucket) => ACTIVE_BUCKETS.includes(bucket) || counts[bucket] > 0)
    .map((bucket) => `${counts[bucket]} ${BUCKET_INFO[bucket].label}`)
    .join(", ");
}

/**
 * How a release is doing as a whole: finished when everything planned is, at risk when a quarter
 * of the planned features are, fair when at-risk and fair together reach 40%, else on track.
 * Undefined while nothing is planned (deferred and dropped features left the release).
 */
export function releaseHealth(counts: Record<Bucket, number>): Health | undefined {
  const planned = ACTIVE_BUCKETS.reduce((sum, bucket) => sum + counts[bucket], 0);
  if (planned === 0) return undefined;
  if (counts.done === planned) return "done";
  if (counts["at-risk"] / planned >= 0.25) return "at-risk";
  if ((counts["at-risk"] + counts.fair) / planned >= 0.4) return "fair";
  return "on-track";
}
