import type { Feature, Release } from "../model/schema.js";
import { fail, ok, type Result } from "../util/result.js";
import { featureLabel } from "./summary.js";
import { cmd, t } from "../reply/reply.js";
import { own } from "../util/own.js";
import { neutralise } from "../util/typed-text.js";

/**
 * Names are normalised once each (NFKC and three regexes, on every command's typed name and on the
 * names of features met anew, after a change or a restart). A bound keeps typed names from growing
 * it forever; past it, it starts afresh.
 */
const normalized = new Map<string, string>();
const NORMALIZED_MAX = 50_000;

/** Lower case, one space, no surrounding punctuation: how names are compared. */
export function normalizeName(text: string): string {
  const known = normalized.get(text);
  if (known !== undefined) return known;
  // Names stored before input was cleaned compare as they are shown.
  const name = neutralise(text)
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201c\u201d"`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (normalized.size >= NORMALIZED_MAX) normalized.clear();
  normalized.set(text, name);
  return name;
}

/** A feature's names as they are compared: its label, its title and its aliases, normalised. */
interface NormalNames {
  label: string;
  title: string;
  aliases: readonly string[];
}

/**
 * Each feature's normalised names, kept with what they were made from and made again when any of
 * it changed (the reducer changes features in place). A lookup reads every feature's names, and
 * building each label again for every feature on every command was most of what a lookup cost.
 */
const normalNames = new WeakMap<Feature, { title: string; qualifier: string | null; external: boolean; aliases: readonly string[]; names: NormalNames }>();

function namesFor(feature: Feature): NormalNames {
  const known = normalNames.get(feature);
  if (known && known.title === feature.title && known.qualifier === feature.qualifier && known.external === feature.external && sameList(known.aliases, feature.aliases)) return known.names;
  const names = { label: normalizeName(featureLabel(feature)), title: normalizeName(feature.title), aliases: feature.aliases.map(normalizeName) };
  normalNames.set(feature, { title: feature.title, qualifier: feature.qualifier, external: feature.external, aliases: [...feature.aliases], names });
  return names;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Letter pairs of a name, for typo-tolerant matching. */
function bigrams(text: string): Map<string, number> {
  const squashed = ` ${text.replace(/[^a-z0-9]+/g, " ").trim()} `;
  const pairs = new Map<string, number>();
  for (let i = 0; i < squashed.length - 1; i++) {
    const pair = squashed.slice(i, i + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  return pairs;
}

/** Sørensen–Dice similarity of the two names' letter pairs: 1 is identical, 0 shares nothing. */
export function similarity(a: string, b: string): number {
  const left = bigrams(a);
  const right = bigrams(b);
  let shared = 0;
  let total = 0;
  for (const [pair, count] of left) {
    shared += Math.min(count, right.get(pair) ?? 0);
    total += count;
  }
  for (const count of right.values()) total += count;
  return total === 0 ? 0 : (2 * shared) / total;
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
  const wanted = normalizeName(name);
  if (!wanted) return fail("usage", "Which feature? Give its name or id.");
  const features = Object.values(release.features);
  const byId = own(release.features, wanted);
  if (byId) {
    // One feature's id can be another's title ("blktap3" renamed, then a new "blktap3" added):
    // that name is not one feature's, so ask rather than pick.
    const others = features.filter((feature) => feature !== byId && isNamed(feature, wanted));
    return others.length === 0 ? named(byId) : ambiguous(name, [byId, ...others]);
  }

  const stages: ((feature: Feature) => boolean)[] = [
    (feature) => namesFor(feature).aliases.includes(wanted),
    (feature) => namesFor(feature).label === wanted,
    (feature) => namesFor(feature).title === wanted,
  ];
  for (const stage of stages) {
    const found = features.filter(stage);
    if (found.length === 1) return named(found[0]!);
    if (found.length > 1) return ambiguous(name, found);
  }

  const containing = features.filter((feature) => namesFor(feature).label.includes(wanted) || feature.id.includes(wanted));
  if (containing.length > 1) return ambiguous(name, containing);
  // "xl" or "pv" is part of too many words to be taken as the one title that has it.
  if (containing.length === 1) return wanted.length >= 3 ? named(containing[0]!) : didYouMean(name, release, containing);

  const scored = features
    .map((feature) => ({
      feature,
      score: Math.max(
        similarity(wanted, namesFor(feature).label),
        similarity(wanted, feature.id),
        ...namesFor(feature).aliases.map((alias) => similarity(wanted, alias)),
      ),
    }))
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  const second = scored[1];
  if (best && best.score >= ACCEPT && (!second || best.score - second.score >= MARGIN)) return guessed(best.feature);
  // Letter pairs miss swapped letters ("blktpa3"); one slip in a longer name is still that name.
  if (wanted.length >= 5) {
    const near = features.filter((feature) => namesOf(feature).some((known) => editDistance(wanted, known) <= 1));
    if (near.length === 1) return guessed(near[0]!);
  }
  const suggestions = scored.filter((entry) => entry.score >= SUGGEST).slice(0, MAX_CANDIDATES);
  if (suggestions.length > 0) return didYouMean(name, release, suggestions.map((entry) => entry.feature));
  return fail("not-found", t`No feature called “${name}” in release ${release.id}. ${cmd("stock")} lists them all.`);
}

// Module functions, not closures made in matchFeature: under tsx (esbuild's keepNames) every named
// closure is renamed with Object.defineProperty each time it is made, and lookups run on most commands.
function named(feature: Feature): Result<FeatureMatch> {
  return ok({ feature, guessed: false });
}

function guessed(feature: Feature): Result<FeatureMatch> {
  return ok({ feature, guessed: true });
}

function namesOf(feature: Feature): string[] {
  const names = namesFor(feature);
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
  const all = Object.values(release.features);
  const byId = own(release.features, wanted);
  if (byId) return all.some((feature) => feature !== byId && isNamed(feature, wanted)) ? undefined : byId;
  // The whole label is the most exact name: "ARM: 64-bit guests (Linux)" is the feature labelled so,
  // even when another feature's title alone reads the same.
  const labelled = all.filter((feature) => namesFor(feature).label === wanted);
  if (labelled.length === 1) return labelled[0];
  const matches = all.filter((feature) => isNamed(feature, wanted));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The feature has this (normalised) name as its label, title or an alias. */
function isNamed(feature: Feature, wanted: string): boolean {
  const names = namesFor(feature);
  return names.label === wanted || names.title === wanted || names.aliases.includes(wanted);
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
  const scored: { feature: Feature; score: number }[] = [];
  for (const feature of features) {
    const names = namesOf(feature);
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
