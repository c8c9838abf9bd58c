import type { Feature, Release } from "../model/schema.js";
import { fail, ok, type Result } from "../util/result.js";
import { featureLabel } from "./summary.js";
import { cmd, t } from "../reply/reply.js";
import { own } from "../util/own.js";
import { inPlanOrder, nameIndex, normalizeName, type NameIndex } from "./name-index.js";

export { normalizeName };

/**
 * Letter pairs of a name, for typo-tolerant matching: each pair as one number (its two UTF-16 code
 * units), sorted, repeats kept. Worked out once for a name that is compared many times.
 */
export function letterPairs(text: string): Float64Array {
  const squashed = ` ${text.replace(/[^a-z0-9]+/g, " ").trim()} `;
  const pairs = new Float64Array(squashed.length - 1);
  for (let i = 0; i < pairs.length; i++) pairs[i] = squashed.charCodeAt(i) * 65_536 + squashed.charCodeAt(i + 1);
  return pairs.sort();
}

/** Sørensen–Dice similarity of two names' letter pairs (`letterPairs`): 1 is identical, 0 shares nothing. */
export function pairSimilarity(left: Float64Array, right: Float64Array): number {
  const total = left.length + right.length;
  if (total === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < left.length && j < right.length; ) {
    if (left[i] === right[j]) {
      shared++;
      i++;
      j++;
    } else if (left[i]! < right[j]!) i++;
    else j++;
  }
  return (2 * shared) / total;
}

/** Sørensen–Dice similarity of the two names' letter pairs: 1 is identical, 0 shares nothing. */
export function similarity(a: string, b: string): number {
  return pairSimilarity(letterPairs(a), letterPairs(b));
}

const MAX_CANDIDATES = 5;
const ACCEPT = 0.72;
const MARGIN = 0.1;
const SUGGEST = 0.4;

function candidateLine(feature: Feature): string {
  return `${featureLabel(feature)} (${feature.id})`;
}

/**
 * Finds a feature by id, alias, exact title, a unique part of its title, then by a close spelling.
 * Several equally good matches, or none, give a reply that lists the candidates.
 */
export function resolveFeature(release: Pick<Release, "id" | "features">, name: string): Result<Feature> {
  const match = matchFeature(release, name);
  return match.ok ? ok(match.value.feature) : match;
}

export interface FeatureMatch {
  feature: Feature;
  /** Found by a close spelling, not by a name it has: a change asks before it applies. */
  guessed: boolean;
}

/** `resolveFeature`, saying whether the feature was named or guessed. */
export function matchFeature(release: Pick<Release, "id" | "features">, name: string): Result<FeatureMatch> {
  return nameIndex(release.features).remembered(name, release.id, () => findFeature(release, name));
}

function findFeature(release: Pick<Release, "id" | "features">, name: string): Result<FeatureMatch> {
  const named = (feature: Feature): Result<FeatureMatch> => ok({ feature, guessed: false });
  const guessed = (feature: Feature): Result<FeatureMatch> => ok({ feature, guessed: true });
  const wanted = normalizeName(name);
  if (!wanted) return fail("usage", "Which feature? Give its name or id.");
  // Exact names are looked up in the index; only a name no feature has scans the release.
  const index = nameIndex(release.features);
  const byId = own(release.features, wanted);
  if (byId) {
    // One feature's id can be another's title ("blktap3" renamed, then a new "blktap3" added):
    // that name is not one feature's, so ask rather than pick.
    const others = othersNamed(index, wanted, wanted);
    return others.size === 0 ? named(byId) : ambiguous(name, [byId, ...inPlanOrder(release.features, others)]);
  }

  for (const found of [index.withAlias(wanted), index.withLabel(wanted), index.withTitle(wanted)]) {
    if (found.size === 1) return named(inPlanOrder(release.features, found)[0]!);
    if (found.size > 1) return ambiguous(name, inPlanOrder(release.features, found));
  }

  const features = Object.values(release.features);
  const names = (feature: Feature) => index.names(feature);
  const containing = features.filter((feature) => names(feature).label.includes(wanted) || feature.id.includes(wanted));
  if (containing.length > 1) return ambiguous(name, containing);
  // "xl" or "pv" is part of too many words to be taken as the one title that has it.
  if (containing.length === 1) return wanted.length >= 3 ? named(containing[0]!) : didYouMean(name, release, containing);

  const scored = features
    .map((feature) => ({
      feature,
      score: Math.max(similarity(wanted, names(feature).label), similarity(wanted, feature.id), ...names(feature).aliases.map((alias) => similarity(wanted, alias))),
    }))
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  const second = scored[1];
  if (best && best.score >= ACCEPT && (!second || best.score - second.score >= MARGIN)) return guessed(best.feature);
  // Letter pairs miss swapped letters ("blktpa3"); one slip in a longer name is still that name.
  if (wanted.length >= 5) {
    const near = features.filter((feature) => namesOf(index, feature).some((known) => editDistance(wanted, known) <= 1));
    if (near.length === 1) return guessed(near[0]!);
  }
  const suggestions = scored.filter((entry) => entry.score >= SUGGEST).slice(0, MAX_CANDIDATES);
  if (suggestions.length > 0) return didYouMean(name, release, suggestions.map((entry) => entry.feature));
  return fail("not-found", t`No feature called “${name}” in release ${release.id}. ${cmd("stock")} lists them all.`);
}

/** The features other than the one keyed `self` with this (normalised) name as their label, title or an alias. */
function othersNamed(index: NameIndex, wanted: string, self: string): ReadonlySet<string> {
  // The usual answer, "none", without building the union of the three sets.
  if (onlySelf(index.withLabel(wanted), self) && onlySelf(index.withTitle(wanted), self) && onlySelf(index.withAlias(wanted), self)) return NO_KEYS;
  const found = index.named(wanted);
  if (!found.has(self)) return found;
  const others = new Set(found);
  others.delete(self);
  return others;
}

const NO_KEYS: ReadonlySet<string> = new Set();

function onlySelf(keys: ReadonlySet<string>, self: string): boolean {
  return keys.size === 0 || (keys.size === 1 && keys.has(self));
}

function namesOf(index: NameIndex, feature: Feature): string[] {
  const names = index.names(feature);
  return [feature.id, names.label, names.title, ...names.aliases];
}

/** Edits (insert, delete, replace, swap two neighbours) between two names; 3 stands for "more than 2". */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return Math.min(3, rows[a.length]![b.length]!);
}

function didYouMean(name: string, release: Pick<Release, "id">, candidates: readonly Feature[]): Result<never> {
  return fail("not-found", `No feature called “${name}” in release ${release.id}. Did you mean:`, candidates.map(candidateLine));
}

function ambiguous(name: string, found: Feature[]): Result<never> {
  const shown = found.slice(0, MAX_CANDIDATES).map(candidateLine);
  if (found.length > MAX_CANDIDATES) shown.push(`… and ${found.length - MAX_CANDIDATES} more`);
  return fail("ambiguous", `“${name}” matches ${found.length} features; say which one (by id or full name):`, shown);
}

/** Tries a name without producing a reply: for splitting "FEATURE rest" when quotes are missing. */
export function findExact(release: Pick<Release, "features">, name: string): Feature | undefined {
  const wanted = normalizeName(name);
  const index = nameIndex(release.features);
  const byId = own(release.features, wanted);
  if (byId) return othersNamed(index, wanted, wanted).size > 0 ? undefined : byId;
  // The whole label is the most exact name: "ARM: 64-bit guests (Linux)" is the feature labelled so,
  // even when another feature's title alone reads the same.
  const labelled = index.withLabel(wanted);
  if (labelled.size === 1) return inPlanOrder(release.features, labelled)[0];
  const matches = index.named(wanted);
  return matches.size === 1 ? inPlanOrder(release.features, matches)[0] : undefined;
}

/** A stable id for a new feature: "Persistent grants for blk (Linux)" → persistent-grants-for-blk-linux. */
export function slugFor(text: string, taken: (id: string) => boolean): string {
  const base =
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/, "") || "feature";
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken(id)) return id;
  }
}

/**
 * Features whose name fits what someone has typed so far, best first: for autocomplete. A name
 * that starts with it beats one that contains it, which beats a close spelling; ties keep plan
 * order. Nothing typed yet lists the plan from the top.
 */
export function suggestFeatures(release: Pick<Release, "features">, partial: string, limit: number): Feature[] {
  const wanted = normalizeName(partial);
  const features = Object.values(release.features).sort((a, b) => a.order - b.order);
  if (!wanted) return features.slice(0, limit);
  const index = nameIndex(release.features);
  const scored: { feature: Feature; score: number }[] = [];
  for (const feature of features) {
    const names = namesOf(index, feature);
    let score = 0;
    if (names.some((name) => name.startsWith(wanted))) score = 3;
    else if (names.some((name) => name.split(/[\s-]+/).some((word) => word.startsWith(wanted)))) score = 2.5;
    else if (names.some((name) => name.includes(wanted))) score = 2;
    else {
      const close = Math.max(...names.map((name) => similarity(wanted, name)));
      if (close >= SUGGEST) score = close;
    }
    if (score > 0) scored.push({ feature, score });
  }
  // A stable sort keeps plan order among equals.
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((entry) => entry.feature);
}
