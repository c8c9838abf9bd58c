import type { ReleaseMeta } from "../model/schema.js";

/** A new release with no schedule yet. */
export function emptyRelease(id: string, by: string, now: Date): ReleaseMeta {
  return { id, cycleMonths: null, cycleStart: null, milestones: [], createdAt: now.toISOString(), createdBy: by };
}
