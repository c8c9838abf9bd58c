import { z } from "zod";
import { stockReply, stockReplySteps, type StockOptions } from "../plan/stock-summary.js";
import { runInSlices } from "../util/steps.js";
import { failureReply } from "../reply/reply.js";
import { parseSince } from "../util/dates.js";
import { valueFlag } from "./args.js";
import { param } from "./params.js";
import { defineCommand, type CommandContext } from "./spec.js";
import { projectFor, type Scope } from "../access/scope.js";
import { fail, ok, type Result } from "../util/result.js";
import { own } from "../util/own.js";

export const stockCommand = defineCommand({
  path: ["stock"],
  aliases: [["summary"]],
  summary: "The release summary: every feature by how likely it is to make it.",
  flags: [
    { name: "since", value: "DATE|last", description: "Also list what changed since then (a date, 7d, 2w, or last: the last summary)" },
    { name: "all", description: "With --since: every change, owners, notes, aliases and links too" },
    { name: "release", value: "VERSION", description: "Another release of the project, such as one that shipped" },
  ],
  args: z.object({
    bucket: param.bucket("Only this bucket").optional(),
    full: param
      .word("The whole list, even where only a few lines fit", z.string(), { choices: ["full"], accepts: (word) => word.toLowerCase() === "full" })
      .optional()
      .transform((word) => word !== undefined),
    since: valueFlag("since"),
    all: z.boolean().optional(),
    release: valueFlag("release"),
  }),
  permission: "read",
  examples: ["!stock", "!stock at risk", "!stock --since last", "!stock --since 2013-01-01", "!stock --release 4.2"],
  run: async (ctx: CommandContext, args) => {
    const scope = args.release === undefined ? ctx.scope : releaseScope(ctx, args.release);
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    const now = ctx.clock.now();
    let since: StockOptions["since"];
    if (args.since !== undefined) {
      // "last" means after the last summary, not at it: what it showed is not news.
      // A plan written before summaries were remembered per room still has its project-wide one.
      const last = ctx.lastSummary.at(project.id) ?? project.lastStockAt;
      const at = args.since.toLowerCase() === "last" ? (last ? new Date(Date.parse(last) + 1) : undefined) : parseSince(args.since, now);
      if (!at && args.since.toLowerCase() !== "last") {
        return failureReply({ code: "usage", message: `--since: “${args.since}” is not a date I can read; try 2013-03-25, 7d, 2w or last.` });
      }
      if (at) {
        const events = await ctx.history({ project: project.id, release: release.id, since: at, limit: 500 });
        since = { at, events, ...(args.since.toLowerCase() === "last" ? { last: true } : {}), ...(args.all ? { all: true } : {}) };
      }
    }
    const options: StockOptions = { ...(args.bucket ? { only: args.bucket } : {}), ...(since ? { since } : {}), staleDays: ctx.config.staleDays, people: ctx.config.people };
    // In slices: at 10 000 features the summary is milliseconds of work other rooms need not wait
    // on. A change that landed meanwhile could leave its counts and its lists disagreeing, so then
    // it is built again in one go, from one plan.
    const seq = ctx.plan.seq;
    let reply = await runInSlices(stockReplySteps(project, release, now, options));
    if (ctx.plan.seq !== seq) reply = stockReply(project, release, now, options);
    if (args.full) reply.full = true;
    else reply.expand = `stock${args.bucket ? ` ${args.bucket}` : ""} full${args.release === undefined ? "" : ` --release ${args.release}`}`;
    const url = ctx.pageUrl(project.id);
    if (url) reply.link = { text: "Web page", url };
    // Remember when this room last got the full summary, for `--since last`: not a change to the plan.
    if (!args.bucket && args.release === undefined) ctx.lastSummary.mark(project.id, now);
    return reply;
  },
});

/** The project's release of that name, current or not. */
function releaseScope(ctx: CommandContext, version: string): Result<Scope> {
  const project = projectFor(ctx.plan, ctx.conversation, ctx.config);
  if (!project.ok) return project;
  const release = own(project.value.releases, version.trim());
  if (!release) {
    const known = Object.keys(project.value.releases);
    return fail("not-found", `${project.value.name} has no release ${version}.${known.length > 0 ? ` Releases: ${known.join(", ")}.` : ""}`);
  }
  return ok({ project: project.value, release });
}
