import type { Person } from "../config/core-config.js";
import type { Bucket } from "../model/buckets.js";
import { own } from "../util/own.js";
import { LIMITS, type Feature, type Release } from "../model/schema.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { inPlanOrder, nameIndex, type NameIndex } from "../plan/name-index.js";
import { letterPairs, normalizeName, pairSimilarity, slugFor } from "../plan/resolve.js";
import { peopleIndex } from "../plan/people.js";
import { featureLabel } from "../plan/summary.js";
import type { ImportedItem, ImportedMail } from "./import.js";

export interface ImportPlan {
  changes: ChangeRequest[];
  /** Features added, counted as everywhere (`isCounted`): sub-items, not the features they are under. */
  added: number;
  /** Features added that have sub-items, so are not counted in `added` (nor are area groupings). */
  parents: number;
  /** Parents made for the mail's area headings ("x86", "Toolstack"); not counted in `added`. */
  groupings: number;
  /** Items already on the list, left as they are. */
  skipped: string[];
  /** Features already on the list that the mail puts in another bucket. */
  moved: { feature: string; label: string; from: Bucket; to: Bucket; line: number }[];
  /** Features already on the list whose owners, note, probability or links the mail changes. */
  updated: { feature: string; label: string; fields: string[]; line: number }[];
  /** Items taken for a feature by a close spelling, not by its id, alias or title: said, so a wrong match is seen. */
  similar: { line: number; typed: string; feature: string; label: string }[];
  /** Items that fit several features equally: left out, with the candidates, for the person to decide. */
  ambiguous: { line: number; typed: string; candidates: { id: string; label: string }[] }[];
  /** Features of the release the mail no longer lists: reported, never deleted. */
  unlisted: { feature: string; label: string }[];
}

/** How close a re-worded title must be to be taken for a feature, and by how much it must beat the next. */
const SIMILAR = 0.72;
const MARGIN = 0.1;

type Match = { kind: "found"; feature: Feature; similar: boolean } | { kind: "ambiguous"; candidates: Feature[] } | { kind: "new" };

/**
 * The release's features as a mail's items are matched against them: names through the release's
 * name index, letter pairs worked out once per feature, so matching a mail costs its items, not its
 * items times the plan's features (a re-import of 5 000 features took 5 s when every item normalised
 * every feature's names).
 */
class FeatureLookup {
  private readonly index: NameIndex;
  private readonly pairs = new Map<Feature, Float64Array[]>();

  constructor(readonly features: Readonly<Record<string, Feature>>) {
    this.index = nameIndex(features);
  }

  /** Features whose whole label ("xl: vNUMA support (Linux)") is `label`. */
  labelled(label: string): ReadonlySet<string> {
    return this.index.withLabel(label);
  }

  /** Features with `name` as their id, or with an alias that is `name` or `title`. */
  called(name: string, title: string): ReadonlySet<string> {
    const keys = new Set([...this.index.withAlias(name), ...this.index.withAlias(title)]);
    if (own(this.features, name)?.id === name) keys.add(name);
    return keys;
  }

  titled(title: string): ReadonlySet<string> {
    return this.index.withTitle(title);
  }

  /** How close `wanted` (letter pairs) comes to the feature's label or one of its aliases. */
  closeness(wanted: Float64Array, feature: Feature): number {
    let pairs = this.pairs.get(feature);
    if (!pairs) {
      const names = this.index.names(feature);
      pairs = [names.label, ...names.aliases].map(letterPairs);
      this.pairs.set(feature, pairs);
    }
    let best = 0;
    for (const known of pairs) best = Math.max(best, pairSimilarity(wanted, known));
    return best;
  }
}

/**
 * The feature of the release an imported item stands for: by id, alias, full label or title (one
 * only), else by a close spelling that clearly beats every other. Two equally good candidates are
 * not guessed between. `used` are features already matched by another item of the mail.
 */
function matchItem(lookup: FeatureLookup, item: ImportedItem, used: ReadonlySet<string>): Match {
  const label = normalizeName(featureLabel(item.label));
  const title = normalizeName(item.label.title);
  const stages: (() => ReadonlySet<string>)[] = [
    () => lookup.labelled(label),
    () => lookup.called(label, title),
    // A bare title matches a feature with a qualifier only when the mail gives none.
    () => (item.label.qualifier === null ? lookup.titled(title) : new Set()),
  ];
  for (const stage of stages) {
    const named = inPlanOrder(lookup.features, stage());
    const found = named.filter((feature) => !used.has(feature.id));
    if (found.length === 1) return { kind: "found", feature: found[0]!, similar: false };
    if (found.length > 1) return { kind: "ambiguous", candidates: found };
    // Already matched by another line of the mail: the same feature, listed again.
    const again = named.find((feature) => used.has(feature.id));
    if (again) return { kind: "found", feature: again, similar: false };
  }
  const wanted = letterPairs(label);
  const scored = Object.values(lookup.features)
    .filter((feature) => !used.has(feature.id))
    .map((feature) => ({ feature, score: lookup.closeness(wanted, feature) }))
    .filter((entry) => entry.score >= SIMILAR)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) return { kind: "new" };
  if (second && best.score - second.score < MARGIN) return { kind: "ambiguous", candidates: scored.filter((entry) => best.score - entry.score < MARGIN).map((entry) => entry.feature) };
  return { kind: "found", feature: best.feature, similar: true };
}

/**
 * The changes that put an imported mail's items into a release: features in mail order, sub-items
 * under their parent, and the timeline's milestones. Items already on the list are left alone, so
 * importing the same mail twice adds nothing.
 */
export function planImport(mail: ImportedMail, project: string, release: Release, by: string, now: Date, people: Readonly<Record<string, Person>> = {}): ImportPlan {
  const at = now.toISOString();
  const sameOwners = ownersMatch(people);
  const changes: ChangeRequest[] = [];
  const skipped: string[] = [];
  const taken = new Set(Object.keys(release.features));
  /** Features this import adds, by label: an item listed again (a parent in two buckets) is the one made. */
  const made = new Map<string, Feature>();
  let order = Object.values(release.features).reduce((max, feature) => Math.max(max, feature.order), 0);
  const created: { id: string; area: boolean }[] = [];
  const areaParents = new Set<ImportedItem>();

  const before = Object.values(release.features);
  const lookup = new FeatureLookup(release.features);
  const used = new Set<string>();
  const moved: ImportPlan["moved"] = [];
  const updated: ImportPlan["updated"] = [];
  const similar: ImportPlan["similar"] = [];
  const ambiguous: ImportPlan["ambiguous"] = [];
  /** Features this import changes already, so an item listed twice (a parent in two buckets) moves it once. */
  const touched = new Set<string>();

  const add = (item: ImportedItem, parent: string | null): string | null => {
    const key = featureLabel({ ...item.label, external: item.label.external }).toLowerCase();
    const note = noteWithTags(item, parent === null && item.area !== null && item.children.length > 0);
    const again = made.get(key);
    if (again) return again.id;
    const match = matchItem(lookup, item, used);
    if (match.kind === "ambiguous") {
      ambiguous.push({ line: item.line, typed: featureLabel(item.label), candidates: match.candidates.map((feature) => ({ id: feature.id, label: featureLabel(feature) })) });
      return null;
    }
    if (match.kind === "found") {
      const feature = match.feature;
      if (touched.has(feature.id)) return feature.id;
      used.add(feature.id);
      if (match.similar) similar.push({ line: item.line, typed: featureLabel(item.label), feature: feature.id, label: featureLabel(feature) });
      touched.add(feature.id);
      if (areaParents.has(item)) return feature.id;
      const fields = updateFields(feature, item, note, sameOwners);
      if (Object.keys(fields).length === 0) {
        skipped.push(featureLabel(feature));
        return feature.id;
      }
      if (fields["bucket"] !== undefined) moved.push({ feature: feature.id, label: featureLabel(feature), from: feature.bucket, to: item.bucket, line: item.line });
      const others = Object.keys(fields).filter((field) => field !== "bucket");
      if (others.length > 0) updated.push({ feature: feature.id, label: featureLabel(feature), fields: others, line: item.line });
      changes.push({ entity: "feature", project, release: release.id, feature: feature.id, op: "update", fields: { ...fields, updatedAt: at, updatedBy: by } });
      return feature.id;
    }
    const id = slugFor(item.label.qualifier ? `${item.label.title} ${item.label.qualifier}` : item.label.title, (candidate) => taken.has(candidate));
    taken.add(id);
    const feature: Feature = {
      id,
      title: item.label.title,
      qualifier: item.label.qualifier,
      external: item.label.external,
      bucket: item.bucket,
      owners: item.owners,
      note,
      probability: item.probability,
      links: item.links,
      aliases: [],
      parent,
      order: ++order,
      createdAt: at,
      createdBy: by,
      updatedAt: at,
      updatedBy: by,
    };
    made.set(key, feature);
    changes.push({ entity: "feature", project, release: release.id, feature: id, op: "create", value: feature });
    created.push({ id, area: areaParents.has(item) });
    return id;
  };

  // Sub-items are listed by line, so a parent's second appearance keeps its place in each bucket.
  // An item listed under an area heading ("x86", "Toolstack") goes under a parent named for the
  // area, as sub-items go under their item: the summary then shows the grouping in each bucket.
  // An item that has sub-items of its own keeps the area in its note (the plan nests one level).
  const lines: { item: ImportedItem; parent: ImportedItem | null }[] = [];
  const areas = new Map<string, ImportedItem>();
  for (const item of mail.items) {
    let parent: ImportedItem | null = null;
    if (item.area !== null && item.children.length === 0) {
      const areaKey = item.area.toLowerCase();
      parent = areas.get(areaKey) ?? null;
      if (!parent) {
        parent = { ...item, label: { title: item.area, qualifier: null, external: false, partial: false }, area: null, owners: [], note: null, probability: null, links: [], tags: [], children: [], line: item.line - 0.5 };
        areas.set(areaKey, parent);
        areaParents.add(parent);
        lines.push({ item: parent, parent: null });
      }
    }
    lines.push({ item, parent });
    for (const child of item.children) lines.push({ item: child, parent: item });
  }
  const ids = new Map<ImportedItem, string | null>();
  for (const { item, parent } of lines.sort((a, b) => a.item.line - b.item.line)) {
    const parentId = parent ? ids.get(parent) : null;
    // Under an item that fits several features: which one it belongs to is the person's to say.
    if (parentId === null && parent) {
      ambiguous.push({ line: item.line, typed: featureLabel(item.label), candidates: [] });
      ids.set(item, null);
      continue;
    }
    ids.set(item, add(item, parentId ?? null));
  }
  const asked = new Set(ambiguous.flatMap((entry) => entry.candidates.map((candidate) => candidate.id)));
  const unlisted = before.filter((feature) => !used.has(feature.id) && !asked.has(feature.id)).map((feature) => ({ feature: feature.id, label: featureLabel(feature) }));

  const fields: Record<string, unknown> = {};
  if (mail.milestones.length > 0) {
    const keys = new Set(mail.milestones.map((milestone) => milestone.key));
    fields["milestones"] = [...release.milestones.filter((milestone) => !keys.has(milestone.key)), ...mail.milestones];
  }
  if (mail.cycleMonths !== null && mail.cycleMonths >= 1 && mail.cycleMonths <= 60) fields["cycleMonths"] = mail.cycleMonths;
  // A start already recorded (`--start`, an earlier mail) stays: each later mail's "N months into" would move it by days.
  if (mail.cycleStart !== null && release.cycleStart === null) fields["cycleStart"] = mail.cycleStart;
  if (Object.keys(fields).length > 0) changes.push({ entity: "release", project, release: release.id, op: "update", fields });
  // Counted once every item has its place: whether an item is a parent is known only then.
  const parentIds = new Set(changes.flatMap((change) => (change.op === "create" && change.entity === "feature" && typeof change.value["parent"] === "string" ? [change.value["parent"]] : [])));
  const groupings = created.filter((item) => item.area).length;
  const parents = created.filter((item) => !item.area && parentIds.has(item.id)).length;
  const added = created.filter((item) => !item.area && !parentIds.has(item.id)).length;
  return { changes, added, parents, groupings, skipped, moved, updated, similar, ambiguous, unlisted: before.length > 0 ? unlisted : [] };
}

/**
 * What a later mail changes on a feature already on the list: the bucket (only when the mail says
 * it, by heading or the item's own status), and owners, probability, note and links when it gives them.
 */
function updateFields(feature: Feature, item: ImportedItem, note: string | null, sameOwners: OwnersMatch): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (item.bucketSource !== "default" && item.bucket !== feature.bucket) fields["bucket"] = item.bucket;
  if (item.owners.length > 0 && !sameOwners(item.owners, feature.owners)) fields["owners"] = item.owners;
  if (item.probability !== null && item.probability !== feature.probability) fields["probability"] = item.probability;
  if (note !== null && note !== feature.note) fields["note"] = note;
  const links = [...feature.links, ...item.links.filter((link) => !feature.links.includes(link))].slice(0, LIMITS.listEntries);
  if (links.length !== feature.links.length) fields["links"] = links;
  return fields;
}

type OwnersMatch = (mail: readonly string[], plan: readonly string[]) => boolean;

/**
 * Whether a mail's owners are the plan's, in order: as typed, or naming the same person of the
 * config. An export names `@george:xenproject.org` George Dunlap, so importing it back changes nothing.
 */
function ownersMatch(people: Readonly<Record<string, Person>>): OwnersMatch {
  const index = peopleIndex(people);
  const who = (owner: string) => {
    const key = index.get(owner.trim().toLowerCase());
    return key === undefined ? `owner:${owner}` : `person:${key}`;
  };
  return (mail, plan) => mail.length === plan.length && mail.every((owner, i) => owner === plan[i] || who(owner) === who(plan[i]!));
}

/** `[CHECK]`, `[BUG]` and "blocker" lead the note, so the plan keeps what the mail flagged. */
function noteWithTags(item: ImportedItem, withArea: boolean): string | null {
  const tags = item.tags.filter((tag) => tag !== "+");
  const lead = [...(withArea && item.area ? [`area ${item.area}`] : []), ...tags].join(" ");
  const note = lead ? (item.note ? `${lead}: ${item.note}` : lead) : item.note;
  return note && note.length > LIMITS.note ? `${note.slice(0, LIMITS.note - 1)}…` : note;
}
