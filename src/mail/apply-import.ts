import type { Feature, Release } from "../model/schema.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { slugFor } from "../plan/resolve.js";
import { featureLabel } from "../plan/summary.js";
import type { ImportedItem, ImportedMail } from "./import.js";

export interface ImportPlan {
  changes: ChangeRequest[];
  added: number;
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
  let added = 0;

  const add = (item: ImportedItem, parent: string | null): string => {
    const key = featureLabel({ ...item.label, external: item.label.external }).toLowerCase();
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
      note: item.note,
      probability: item.probability,
      links: [],
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
    added++;
    return id;
  };

  // Sub-items are listed by line, so a parent's second appearance keeps its place in each bucket.
  const lines: { item: ImportedItem; parent: ImportedItem | null }[] = [];
  for (const item of mail.items) {
    lines.push({ item, parent: null });
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
  return { changes, added, skipped };
}
