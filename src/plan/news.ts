import type { PlanEvent } from "../model/schema.js";

/**
 * What is news about a plan: a feature's status (its bucket or odds, its freeze exception), features added or removed,
 * new releases, the schedule, and which release is current. Owners, notes, aliases and links are
 * the planners' business; bookkeeping (quiet events) is nobody's. The announcer posts news, and
 * `!stock --since` lists it.
 */
export function isNews(event: PlanEvent): boolean {
  if (event.quiet) return false;
  const created = event.before === null;
  const deleted = event.after === null;
  switch (event.entity) {
    case "feature":
      // A freeze exception asked for or decided is news as much as a move between buckets.
      return created || deleted || touched(event, "bucket") || touched(event, "probability") || touched(event, "exception");
    case "release":
      return created || deleted || touched(event, "milestones");
    case "project":
      return !created && touched(event, "currentRelease");
    case "conversation":
      return false;
  }
}

function touched(event: PlanEvent, field: string): boolean {
  return event.after !== null && Object.hasOwn(event.after, field);
}
