import type { Feature } from "../model/schema.js";
import { own } from "../util/own.js";
import { neutralise } from "../util/typed-text.js";
import { featureLabel } from "./summary.js";

/** Printable ASCII: nothing in it for `neutralise` to remove or for NFKC to change, and no space but " ". */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Lower case, one space, no surrounding punctuation: how names are compared. */
export function normalizeName(text: string): string {
  // Nearly every name typed or stored; the same result as below without the Unicode passes.
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/["`]/g, "").replace(/ +/g, " ").trim();
  // Names stored before input was cleaned compare as they are shown.
  return neutralise(text)
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201c\u201d"`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A feature's names as they are compared (`normalizeName`): its label, its title alone, its aliases. */
export interface FeatureNames {
  readonly feature: Feature;
  readonly label: string;
  readonly title: string;
  readonly aliases: readonly string[];
}

function namesOfFeature(feature: Feature): FeatureNames {
  return { feature, label: normalizeName(featureLabel(feature)), title: normalizeName(feature.title), aliases: feature.aliases.map(normalizeName) };
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Which features have which names, by the keys of the release's features (names people type are
 * keys of Maps, never of plain objects). Normalising every title of a release of 10 000 features
 * costs ~6 ms, and every `!status` resolves its feature at least twice.
 */
export class NameIndex {
  private readonly entries = new Map<string, FeatureNames>();
  private readonly byLabel = new Map<string, Set<string>>();
  private readonly byTitle = new Map<string, Set<string>>();
  private readonly byAlias = new Map<string, Set<string>>();
  /** Features changed since the index last looked: read again before the next lookup. */
  private readonly changed = new Set<string>();
  /** Counts the features' names changing: what was found by name before is found again until it moves. */
  private version = 0;
  private last: { name: string; release: string; version: number; found: unknown } | undefined;

  constructor(private readonly features: Readonly<Record<string, Feature>>) {
    for (const key of Object.keys(features)) this.add(key, features[key]!);
  }

  /** Called by the reducer whenever a feature appears, changes or goes. */
  featureChanged(key: string): void {
    this.changed.add(key);
    this.version++;
  }

  /**
   * What `find` gives for `name`, remembered for the last name looked up while no feature's names
   * changed: a change command resolves its feature twice (asking whether it was only guessed, then
   * on the state it changes), and the same name again on the next command.
   */
  remembered<T>(name: string, release: string, find: () => T): T {
    const last = this.last;
    if (last !== undefined && last.name === name && last.release === release && last.version === this.version) return last.found as T;
    const found = find();
    this.last = { name, release, version: this.version, found };
    return found;
  }

  /**
   * Reads the features changed since the last lookup. Not in the reducer itself: a change is
   * checked only after it is applied, and one refused (a feature without a title) is rolled back.
   */
  freshen(): this {
    if (this.changed.size === 0) return this;
    for (const key of this.changed) {
      this.remove(key);
      const feature = own(this.features, key);
      if (feature) this.add(key, feature);
    }
    this.changed.clear();
    return this;
  }

  /** The feature's names, normalised once rather than on every lookup. */
  names(feature: Feature): FeatureNames {
    const entry = this.entries.get(feature.id);
    return entry?.feature === feature ? entry : namesOfFeature(feature);
  }

  withAlias(name: string): ReadonlySet<string> {
    return this.byAlias.get(name) ?? NONE;
  }

  withLabel(name: string): ReadonlySet<string> {
    return this.byLabel.get(name) ?? NONE;
  }

  withTitle(name: string): ReadonlySet<string> {
    return this.byTitle.get(name) ?? NONE;
  }

  /** Features with this name as their label, title or an alias. */
  named(name: string): ReadonlySet<string> {
    const label = this.withLabel(name);
    const title = this.withTitle(name);
    const alias = this.withAlias(name);
    if (title.size === 0 && alias.size === 0) return label;
    return new Set([...label, ...title, ...alias]);
  }

  private add(key: string, feature: Feature): void {
    const entry = namesOfFeature(feature);
    this.entries.set(key, entry);
    put(this.byLabel, entry.label, key);
    put(this.byTitle, entry.title, key);
    for (const alias of entry.aliases) put(this.byAlias, alias, key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    take(this.byLabel, entry.label, key);
    take(this.byTitle, entry.title, key);
    for (const alias of entry.aliases) take(this.byAlias, alias, key);
  }
}

function put(map: Map<string, Set<string>>, name: string, key: string): void {
  const keys = map.get(name);
  if (keys) keys.add(key);
  else map.set(name, new Set([key]));
}

function take(map: Map<string, Set<string>>, name: string, key: string): void {
  const keys = map.get(name);
  keys?.delete(key);
  if (keys?.size === 0) map.delete(name);
}

/**
 * One index per release's features object, kept beside the state rather than in it (like the
 * sub-item index): built on first use, kept current by the reducer. A new features object (a
 * snapshot loaded, a plan built by hand) gets its own.
 */
const indexes = new WeakMap<object, NameIndex>();

export function nameIndex(features: Readonly<Record<string, Feature>>): NameIndex {
  let index = indexes.get(features);
  if (!index) {
    index = new NameIndex(features);
    indexes.set(features, index);
  }
  return index.freshen();
}

/** Called by the reducer whenever a feature appears, changes or goes. */
export function featureNamesChanged(features: object, key: string): void {
  indexes.get(features)?.featureChanged(key);
}

/** The features with these keys, in the order the plan lists them (`Object.values`), as a scan would find them. */
export function inPlanOrder(features: Readonly<Record<string, Feature>>, keys: ReadonlySet<string>): Feature[] {
  if (keys.size <= 1) return [...keys].map((key) => own(features, key)!);
  return Object.keys(features)
    .filter((key) => keys.has(key))
    .map((key) => features[key]!);
}
