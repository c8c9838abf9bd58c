import type { Feature } from "../model/schema.js";
import { neutralise } from "../util/typed-text.js";
import { featureLabel } from "./summary.js";

/**
 * How features are named, normalised once: finding a feature compares what was typed with every
 * feature's label, title and aliases, and a release can have ten thousand features.
 */

/**
 * Normalised names, by the text they come from. Finding one feature compares the name typed with
 * every feature's title, label and aliases, so each command would normalise the whole release again
 * (Unicode NFKC and four regular expressions per name: most of a `!status`'s own CPU time). The
 * result depends on the text alone, so it is remembered; the map is emptied when it grows past a few
 * releases' worth of names, which keeps names people typed once from piling up.
 */
const normalized = new Map<string, string>();
const NORMALIZED_KEEP = 50_000;

/** Lower case, one space, no surrounding punctuation: how names are compared. */
export function normalizeName(text: string): string {
  let found = normalized.get(text);
  if (found === undefined) {
    // Names stored before input was cleaned compare as they are shown.
    found = neutralise(text)
      .toLowerCase()
      .normalize("NFKC")
      .replace(/[\u2018\u2019\u201c\u201d"`]/g, "")
      .replace(/\s+/g, " ")
      .trim();
    if (normalized.size >= NORMALIZED_KEEP) normalized.clear();
    normalized.set(text, found);
  }
  return found;
}

export interface Names {
  title: string;
  qualifier: string | null;
  external: boolean;
  aliases: readonly string[];
  /** Normalised: label, title, aliases. */
  label: string;
  plainTitle: string;
  aliasNames: readonly string[];
}

/**
 * Each feature's normalised names, kept while its title, qualifier, flag and aliases stay the ones
 * they were made from: finding a feature by id still asks whether any other feature is called that,
 * which would otherwise rebuild every feature's label on every lookup.
 */
const featureNames = new WeakMap<Feature, Names>();

export function namesFor(feature: Feature): Names {
  const known = featureNames.get(feature);
  if (known && known.title === feature.title && known.qualifier === feature.qualifier && known.external === feature.external && sameList(known.aliases, feature.aliases)) return known;
  const made: Names = {
    title: feature.title,
    qualifier: feature.qualifier,
    external: feature.external,
    aliases: [...feature.aliases],
    label: normalizeName(featureLabel(feature)),
    plainTitle: normalizeName(feature.title),
    aliasNames: feature.aliases.map(normalizeName),
  };
  featureNames.set(feature, made);
  return made;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The features of one release by each normalised name, one map per kind of name. */
export interface NameIndex {
  label: Map<string, Feature[]>;
  title: Map<string, Feature[]>;
  alias: Map<string, Feature[]>;
}

/**
 * Per release (keyed by its features record), built on first use and dropped by the reducer when a
 * feature appears, goes or is renamed (`namesChanged`), as the sub-item index is: a `!status`
 * by id asks "is any other feature called that?" without reading ten thousand features.
 */
const indexes = new WeakMap<object, NameIndex>();

/** The fields whose change renames a feature. */
export const NAME_FIELDS: ReadonlySet<string> = new Set(["title", "qualifier", "external", "aliases"]);

export function nameIndex(features: Readonly<Record<string, Feature>>): NameIndex {
  let index = indexes.get(features);
  if (!index) {
    index = { label: new Map(), title: new Map(), alias: new Map() };
    for (const feature of Object.values(features)) {
      const names = namesFor(feature);
      add(index.label, names.label, feature);
      add(index.title, names.plainTitle, feature);
      for (const alias of new Set(names.aliasNames)) add(index.alias, alias, feature);
    }
    indexes.set(features, index);
  }
  return index;
}

function add(map: Map<string, Feature[]>, name: string, feature: Feature): void {
  const list = map.get(name);
  if (list) list.push(feature);
  else map.set(name, [feature]);
}

/** The features called `wanted` (normalised) by label, title or alias, in the release's order. */
export function namedIn(features: Readonly<Record<string, Feature>>, wanted: string): Feature[] {
  const index = nameIndex(features);
  const found = new Set([...(index.label.get(wanted) ?? []), ...(index.title.get(wanted) ?? []), ...(index.alias.get(wanted) ?? [])]);
  return found.size <= 1 ? [...found] : Object.values(features).filter((feature) => found.has(feature));
}

/** Called by the reducer whenever a feature appears, goes, or changes a name. */
export function namesChanged(features: object): void {
  indexes.delete(features);
}
