import { z } from "zod";
import { staleEntries } from "../plan/stale.js";
import { ownerNames, personFor } from "../plan/people.js";
import { featureLabel, ownerLine } from "../plan/summary.js";
import { failureReply, type ListItem, type Reply, t } from "../reply/reply.js";
import { formatLongDate } from "../util/dates.js";
import { defineCommand } from "./spec.js";

export const staleCommand = defineCommand({
  path: ["stale"],
  summary: "Features with no change or note for a while (staleDays in the config, 14 by default), the longest untouched first.",
  args: z.object({}),
  permission: "read",
  run: (ctx): Reply => {
    if (!ctx.scope.ok) return failureReply(ctx.scope.error);
    const { project, release } = ctx.scope.value;
    const now = ctx.clock.now();
    const days = ctx.config.staleDays;
    const stale = staleEntries(release, now, days);
    if (stale.length === 0) {
      return { tone: "info", blocks: [{ type: "text", text: `Nothing in ${project.name} ${release.id} is stale: every feature in play had an update in the last ${days} days.` }] };
    }
    // Thousands of stale features share a few hundred days: each day is written once.
    const dayNames = new Map<string, string>();
    const dayName = (day: string) => {
      let name = dayNames.get(day);
      if (name === undefined) dayNames.set(day, (name = formatLongDate(day)));
      return name;
    };
    const names = ownerNames(ctx.config.people);
    const items: ListItem[] = stale.map(({ feature, days: untouched }) => ({
      text: featureLabel(feature),
      badge: feature.bucket,
      details: [
        ...(feature.owners.length > 0 ? [ownerLine(feature.owners, names)] : []),
        t`no update for ${untouched} days (last: ${dayName(feature.updatedAt.slice(0, 10))}, ${personFor(ctx.config.people, feature.updatedBy)})`,
      ],
    }));
    return {
      tone: "info",
      blocks: [{ type: "heading", text: `${project.name} ${release.id}: ${stale.length} stale (no update for ${days} days or more)` }, { type: "list", items }],
    };
  },
});
