import { LIMITS, type Feature, type Release } from "../model/schema.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { slugFor } from "../plan/resolve.js";
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
}

/**
 * The changes that put an imported mail's items into a release: features in mail order, sub-items
 * under their parent, and the timeline's milestones. Items already on the list are left alone, so
 * importing the same mail twice adds nothing.
 */
export function planImport(mail: ImportedMail, project: string, release: Release, by: string, now: Date): ImportPlan {
  const at = now.toISOString();
  const changes: ChangeRequest[] = [];
  const skipped: string[] = [];
  const taken = new Set(Object.keys(release.features));
  const existing = new Map(Object.values(release.features).map((feature) => [featureLabel(feature).toLowerCase(), feature]));
  let order = Object.values(release.features).reduce((max, feature) => Math.max(max, feature.order), 0);
  const created: { id: string; area: boolean }[] = [];
  const areaParents = new Set<ImportedItem>();

  const add = (item: ImportedItem, parent: string | null): string => {
    const key = featureLabel({ ...item.label, external: item.label.external }).toLowerCase();
    const note = noteWithTags(item, parent === null && item.area !== null && item.children.length > 0);
    const already = existing.get(key);
    if (already) {
      skipped.push(featureLabel(already));
      return already.id;
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
    existing.set(key, feature);
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
  const ids = new Map<ImportedItem, string>();
  for (const { item, parent } of lines.sort((a, b) => a.item.line - b.item.line)) {
    ids.set(item, add(item, parent ? (ids.get(parent) ?? null) : null));
  }

  const fields: Record<string, unknown> = {};
  if (mail.milestones.length > 0) {
    const keys = new Set(mail.milestones.map((milestone) => milestone.key));
    fields["milestones"] = [...release.milestones.filter((milestone) => !keys.has(milestone.key)), ...mail.milestones];
  }
  if (mail.cycleMonths !== null && mail.cycleMonths >= 1 && mail.cycleMonths <= 60) fields["cycleMonths"] = mail.cycleMonths;
  if (Object.keys(fields).length > 0) changes.push({ entity: "release", project, release: release.id, op: "update", fields });
  // Counted once every item has its place: whether an item is a parent is known only then.
  const parentIds = new Set(changes.flatMap((change) => (change.op === "create" && change.entity === "feature" && typeof change.value["parent"] === "string" ? [change.value["parent"]] : [])));
  const groupings = created.filter((item) => item.area).length;
  const parents = created.filter((item) => !item.area && parentIds.has(item.id)).length;
  const added = created.filter((item) => !item.area && !parentIds.has(item.id)).length;
  return { changes, added, parents, groupings, skipped };
}

/** `[CHECK]`, `[BUG]` and "blocker" lead the note, so the plan keeps what the mail flagged. */
function noteWithTags(item: ImportedItem, withArea: boolean): string | null {
  const tags = item.tags.filter((tag) => tag !== "+");
  const lead = [...(withArea && item.area ? [`area ${item.area}`] : []), ...tags].join(" ");
  const note = lead ? (item.note ? `${lead}: ${item.note}` : lead) : item.note;
  return note && note.length > LIMITS.note ? `${note.slice(0, LIMITS.note - 1)}…` : note;
}
