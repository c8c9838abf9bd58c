import { z } from "zod";
import { peopleFor, ownedBy } from "../plan/people.js";
import { isStale, staleMark } from "../plan/stale.js";
import { featureLabel } from "../plan/summary.js";
import { code, failureReply, type ListItem, type Reply, t } from "../reply/reply.js";
import { defineCommand } from "./spec.js";

export const mineCommand = defineCommand({
  path: ["mine"],
  summary: "The features you own: owners naming your chat id, or a person of the config who is you.",
  args: z.object({}),
  permission: "read",
  run: (ctx): Reply => {
    if (!ctx.scope.ok) return failureReply(ctx.scope.error);
    const { project, release } = ctx.scope.value;
    const now = ctx.clock.now();
    const people = ctx.config.people;
    const me = peopleFor(people, ctx.invoker.id)[0];
    const who = me ? (me[1].name ?? me[0]) : ctx.invoker.displayName;
    const owned = ownedBy(release, people, ctx.invoker.id);
    if (owned.length === 0) {
      const hint = me ? "" : t` Owners find you by your chat id (${ctx.invoker.id}), or by a person in ${code("people")} in the Stocktake config with that id.`;
      return { tone: "info", blocks: [{ type: "text", text: t`${who} owns nothing in ${project.name} ${release.id}.${hint}` }] };
    }
    const items: ListItem[] = owned.map((feature) => {
      const details: string[] = [];
      if (feature.note) details.push(`status: ${feature.note}`);
      if (isStale(release, feature, now, ctx.config.staleDays)) details.push(staleMark(feature, now));
      return { text: featureLabel(feature), badge: feature.bucket, ...(details.length > 0 ? { details } : {}) };
    });
    return { tone: "info", blocks: [{ type: "heading", text: `${project.name} ${release.id}: what ${who} owns (${owned.length})` }, { type: "list", items }] };
  },
});
