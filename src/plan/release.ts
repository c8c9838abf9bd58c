import { isUnfinished } from "../model/buckets.js";
import type { Feature, PlanState, Release, ReleaseMeta } from "../model/schema.js";
import type { ChangeRequest } from "../model/change.js";
import { cmd, t, type Text } from "../reply/reply.js";
import { formatLongDate } from "../util/dates.js";
import { own } from "../util/own.js";

/** A new release with no schedule yet. */
export function emptyRelease(id: string, by: string, now: Date): ReleaseMeta {
  return { id, cycleMonths: null, cycleStart: null, milestones: [], createdAt: now.toISOString(), createdBy: by };
}

/** Shipped with `!release close`: its plan is read-only. */
export function isClosed(release: Pick<ReleaseMeta, "closedAt">): boolean {
  return typeof release.closedAt === "string";
}

/** The fields of a release that closing (and undoing a close) changes: the only ones a closed release lets change. */
const CLOSING_FIELDS = new Set(["closedAt", "closedBy"]);

/**
 * Why these changes may not be made, if they touch a shipped release: its features, its schedule,
 * anything but reopening it (what undoing `!release close` does). Checked on the latest state, in
 * the same step as the change, so no command can write into a closed plan.
 */
export function closedRefusal(state: Readonly<PlanState>, requests: readonly ChangeRequest[]): Text | undefined {
  for (const request of requests) {
    if (request.entity !== "feature" && request.entity !== "release") continue;
    const project = own(state.projects, request.project);
    const release = own(project?.releases, request.release);
    if (!project || !release || !isClosed(release)) continue;
    if (request.entity === "release" && request.op === "update" && Object.keys(request.fields).every((field) => CLOSING_FIELDS.has(field))) continue;
    const current = project.currentRelease !== null && project.currentRelease !== release.id ? own(project.releases, project.currentRelease) : undefined;
    const next = current && !isClosed(current) ? t` The current release is ${current.id}.` : t` Start the next one with ${cmd("release new", "VERSION --carry")}.`;
    return t`${project.name} ${release.id} shipped on ${formatLongDate(release.closedAt!.slice(0, 10))}: its plan is read-only, so nothing was changed.${next}`;
  }
  return undefined;
}

/** Features a rollover takes along: everything not finished or dropped. */
export function unfinished(release: Pick<Release, "features">): Feature[] {
  return Object.values(release.features).filter((feature) => isUnfinished(feature.bucket));
}

/**
 * The feature as it starts in the next release: same id, title, owners, notes, links, aliases and
 * order; a deferred feature is planned again (fair); its parent only if the parent came along.
 */
export function carriedCopy(feature: Feature, from: string, carriedIds: ReadonlySet<string>, stamp: { updatedAt: string; updatedBy: string }): Feature {
  return {
    ...structuredClone(feature),
    bucket: feature.bucket === "deferred" ? "fair" : feature.bucket,
    parent: feature.parent !== null && carriedIds.has(feature.parent) ? feature.parent : null,
    carriedFrom: from,
    ...stamp,
  };
}

/** The changes that carry every unfinished feature of `from` into the release `to`. */
export function carryRequests(projectId: string, from: Release, to: string, stamp: { updatedAt: string; updatedBy: string }): ChangeRequest[] {
  const features = unfinished(from).sort((a, b) => a.order - b.order);
  const ids = new Set(features.map((feature) => feature.id));
  return features.map((feature) => ({
    entity: "feature",
    project: projectId,
    release: to,
    feature: feature.id,
    op: "create",
    value: carriedCopy(feature, from.id, ids, stamp),
  }));
}
