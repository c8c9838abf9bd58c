import { z } from "zod";
import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { PlanEvent, Project, Release } from "../model/schema.js";
import { describeEvent } from "../plan/describe-event.js";
import { describeSchedule, nextMilestone } from "../plan/schedule.js";
import { bucketCounts, describeCounts, releaseHealth, summarize } from "../plan/summary.js";
import { failureReply, type Block, type Reply } from "../reply/reply.js";
import { formatLongDate, parseSince, plural } from "../util/dates.js";
import { ok } from "../util/result.js";
import { valueFlag } from "./args.js";
import { param } from "./params.js";
import { scopeFor } from "./scope.js";
import { defineCommand, type CommandContext } from "./spec.js";

const MAX_CHANGE_LINES = 15;

export interface StockOptions {
  only?: Bucket;
  since?: { at: Date; events: readonly PlanEvent[] };
}

/** The "taking stock" summary as a reply: where the release stands, then the buckets. */
export function stockReply(project: Project, release: Release, now: Date, options: StockOptions = {}): Reply {
  const blocks: Block[] = [{ type: "heading", text: `${project.name} ${release.id}: taking stock` }];
  const counts = bucketCounts(release);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const where = describeSchedule(release, now);
  const tally = total === 0 ? "No features on the list yet: add one with `!add TITLE`." : `${plural(total, "feature")}: ${describeCounts(counts)}.`;
  blocks.push({ type: "text", text: where ? `${where}. ${tally}` : tally });
  if (options.since) {
    const lines = options.since.events
      .filter((event) => event.entity === "feature" || event.entity === "release")
      .slice()
      .reverse()
      .map((event) => describeEvent(event, undefined));
    const heading = `Changes since ${formatLongDate(options.since.at.toISOString().slice(0, 10))}`;
    if (lines.length === 0) {
      blocks.push({ type: "text", text: `${heading}: none.` });
    } else {
      const shown = lines.slice(-MAX_CHANGE_LINES);
      const more = lines.length - shown.length;
      blocks.push({ type: "text", text: `${heading}${more > 0 ? ` (latest ${shown.length} of ${lines.length})` : ""}:` });
      blocks.push({ type: "list", items: shown.map((text) => ({ text })) });
    }
  }
  const sections = summarize(release, options.only ? [options.only] : undefined);
  if (sections.length > 0) blocks.push({ type: "sections", sections });
  else if (options.only) blocks.push({ type: "text", text: `Nothing is ${BUCKET_INFO[options.only].label}.` });
  const health = releaseHealth(counts);
  const next = nextMilestone(release, now);
  const overview = {
    ...(health ? { health } : {}),
    ...(next ? { next: { label: next.milestone.label, date: next.milestone.date, deadline: next.deadline.toISOString() } } : {}),
  };
  return { tone: "info", blocks, overview };
}

export const stockCommand = defineCommand({
  path: ["stock"],
  aliases: [["summary"]],
  summary: "The release summary: every feature by how likely it is to make it.",
  flags: [{ name: "since", value: "DATE|last", description: "Also list what changed since then (a date, 7d, 2w, or last: the last summary)" }],
  args: z.object({
    bucket: param.bucket("Only this bucket").optional(),
    full: param
      .word("The whole list, even where only a few lines fit", z.string(), { choices: ["full"], accepts: (word) => word.toLowerCase() === "full" })
      .optional()
      .transform((word) => word !== undefined),
    since: valueFlag("since"),
  }),
  permission: "read",
  examples: ["!stock", "!stock at risk", "!stock --since last", "!stock --since 2013-01-01"],
  run: async (ctx: CommandContext, args) => {
    const scope = scopeFor(ctx.plan, ctx.conversation, ctx.config);
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    const now = ctx.clock.now();
    let since: StockOptions["since"];
    if (args.since !== undefined) {
      // "last" means after the last summary, not at it: what it showed is not news.
      const at = args.since.toLowerCase() === "last" ? (project.lastStockAt ? new Date(Date.parse(project.lastStockAt) + 1) : undefined) : parseSince(args.since, now);
      if (!at && args.since.toLowerCase() !== "last") {
        return failureReply({ code: "usage", message: `--since: “${args.since}” is not a date I can read; try 2013-03-25, 7d, 2w or last.` });
      }
      if (at) {
        const events = await ctx.history({ project: project.id, release: release.id, since: at, limit: 500 });
        since = { at, events };
      }
    }
    const reply = stockReply(project, release, now, { ...(args.bucket ? { only: args.bucket } : {}), ...(since ? { since } : {}) });
    if (args.full) reply.full = true;
    else reply.expand = args.bucket ? `stock ${args.bucket} full` : "stock full";
    const url = ctx.pageUrl(project.id);
    if (url) reply.link = { text: "Web page", url };
    if (!args.bucket) {
      // Remember when the last full summary went out, for `--since last`. Bookkeeping, not history,
      // and nothing the reply depends on: it is queued behind any change in flight but not awaited.
      // A failing disk shows in the next real change, which is awaited.
      void ctx.change(() =>
        ok({
          changes: [{ entity: "project", project: project.id, op: "update", fields: { lastStockAt: now.toISOString() } }],
          value: undefined,
          quiet: true,
          durable: false,
        }),
      ).catch(() => undefined);
    }
    return reply;
  },
});
