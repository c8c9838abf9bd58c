import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import { FreezeExceptionSchema, type Milestone, type PlanEvent, type PlanState } from "../model/schema.js";
import { describeException } from "./exceptions.js";
import { formatLongDate } from "../util/dates.js";
import { featureLabel } from "./summary.js";
import { own } from "../util/own.js";

const QUIET_FIELDS = new Set(["updatedAt", "updatedBy", "order", "closedBy"]);

/** How a description names a feature's owners: as typed, or as the config's people (`ownersLine`). */
export type OwnersLine = (owners: readonly string[]) => string;
const asTyped: OwnersLine = (owners) => owners.join(", ");

function show(field: string, value: unknown, owners: OwnersLine): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return "—";
  if (field === "bucket" && typeof value === "string" && value in BUCKET_INFO) return BUCKET_INFO[value as Bucket].label;
  if (field === "parent") return String(value);
  if (field === "closedAt" && typeof value === "string") return formatLongDate(value.slice(0, 10));
  if (field === "intervention" && value !== null && typeof value === "object" && "kind" in value && "text" in value) return `${String(value.kind)}: ${String(value.text)}`;
  if (field === "exception") {
    const exception = FreezeExceptionSchema.safeParse(value);
    if (exception.success) return describeException(exception.data);
  }
  if (Array.isArray(value)) {
    if (field === "milestones") return `${value.length} milestone${value.length === 1 ? "" : "s"}`;
    if (field === "owners") return owners(value.map(String));
    return value.join(", ");
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const FIELD_NAMES: Record<string, string> = {
  bucket: "status",
  owners: "owner",
  note: "note",
  currentRelease: "current release",
  cycleMonths: "cycle",
  cycleStart: "cycle start",
  parent: "part of",
  closedAt: "shipped",
  closedBy: "shipped by",
  exception: "freeze exception",
};

/** "Feature freeze moved from 25 March 2013 to 1 April 2013": milestone lists compared by key. */
export function milestoneLines(before: unknown, after: unknown): string[] {
  const list = (value: unknown) => new Map((Array.isArray(value) ? (value as Milestone[]) : []).map((milestone) => [milestone.key, milestone]));
  const was = list(before);
  const now = list(after);
  const lines: string[] = [];
  for (const [key, milestone] of now) {
    const old = was.get(key);
    if (!old) lines.push(`${milestone.label} set for ${formatLongDate(milestone.date)}`);
    else if (old.date !== milestone.date) lines.push(`${milestone.label} moved from ${formatLongDate(old.date)} to ${formatLongDate(milestone.date)}`);
  }
  for (const [key, milestone] of was) if (!now.has(key)) lines.push(`${milestone.label} (${formatLongDate(milestone.date)}) removed from the schedule`);
  return lines;
}

/** "bucket fair → at risk; owner — → Alice" for the fields a change touched; milestones by what moved. */
export function describeFields(before: Record<string, unknown>, after: Record<string, unknown>, owners: OwnersLine = asTyped): string {
  return Object.keys(after)
    .filter((field) => !QUIET_FIELDS.has(field))
    .flatMap((field) => {
      if (field === "milestones") return milestoneLines(before[field], after[field]);
      const was = show(field, before[field], owners);
      const now = show(field, after[field], owners);
      return was === now ? [] : [`${FIELD_NAMES[field] ?? field} ${was} → ${now}`];
    })
    .join("; ");
}

/** What a feature event is about, named as people know it. */
export function eventSubject(event: PlanEvent, state?: Readonly<PlanState>): string {
  if (event.entity !== "feature") return event.entity === "conversation" ? "this room" : event.entity === "release" ? `release ${event.release}` : `project ${event.project}`;
  const whole = (event.after ?? event.before) as Record<string, unknown> | null;
  if (whole && typeof whole["title"] === "string" && (event.before === null || event.after === null)) {
    return featureLabel({
      title: whole["title"],
      qualifier: typeof whole["qualifier"] === "string" ? whole["qualifier"] : null,
      external: whole["external"] === true,
    });
  }
  const current = own(own(own(state?.projects, event.project)?.releases, event.release)?.features, event.feature);
  return current ? featureLabel(current) : event.feature;
}

/** One line for a change: "blktap3: status fair → at risk", "added PVH mode (on track)". */
export function describeEvent(event: PlanEvent, state?: Readonly<PlanState>, owners: OwnersLine = asTyped): string {
  const subject = eventSubject(event, state);
  const undo = event.undoes === undefined ? "" : "undo: ";
  if (event.before === null) {
    if (event.entity === "feature") {
      const bucket = event.after?.["bucket"];
      const from = event.after?.["carriedFrom"];
      return `${undo}${typeof from === "string" ? "carried from " + from + ": " : "added "}${subject}${typeof bucket === "string" ? ` (${show("bucket", bucket, owners)})` : ""}`;
    }
    if (event.entity === "conversation") return `${undo}room bound to ${show("project", event.after?.["project"], owners)}`;
    return `${undo}created ${subject}`;
  }
  if (event.after === null) return `${undo}removed ${subject}`;
  const fields = describeFields(event.before, event.after, owners);
  return `${undo}${subject}: ${fields || "updated"}`;
}
