import { z } from "zod";
import { draftImport, prepareImport } from "../mail/import-into.js";
import { describeImport } from "../mail/import-summary.js";
import { readMailBytes } from "../mail/read-mail.js";
import { cmd, failureReply, t, type Reply } from "../reply/reply.js";
import { own } from "../util/own.js";
import { ok } from "../util/result.js";
import { switchArg, valueFlag } from "./args.js";
import { defineCommand } from "./spec.js";

/**
 * `!import` with a status mail pasted on the lines below it: shows what the import would do (a dry
 * run), and does it on `!yes`. Only into the room's own project; the release is the mail subject's
 * version, else --release, else the current one.
 */
export const importCommand = defineCommand({
  path: ["import"],
  summary: "Read a status mail pasted below the command into the plan: shows what it would do, then asks.",
  body: "mail",
  flags: [
    { name: "release", value: "VERSION", description: "The release to import into (default: the mail's subject, else the current one)" },
    { name: "yes", description: "Import without showing the dry run first" },
    { name: "mail", value: "TEXT", text: true, description: "The mail: pasted on the lines after the command" },
  ],
  args: z.object({ release: valueFlag("release"), yes: switchArg, mail: valueFlag("mail") }),
  permission: "manage",
  examples: ["!import", "!import --release 4.5 --yes"],
  run: async (ctx, args) => {
    const projectId = ctx.projectId;
    if (projectId === undefined || !own(ctx.plan.projects, projectId)) {
      return failureReply({ code: "not-found", message: t`This room has no project to import into: ${cmd("project use", "ID")} first.` });
    }
    const pasted = args.mail?.trim();
    if (!pasted) return failureReply({ code: "usage", message: t`Paste the mail on the lines after ${cmd("import")}, in the same message.` });
    const read = await readMailBytes(Buffer.from(pasted, "utf8"));
    if (!read.ok) return failureReply({ code: "usage", message: `I cannot read that: ${read.message}.` });
    const current = own(ctx.plan.projects, projectId)?.currentRelease ?? undefined;
    const prepared = prepareImport(read.text, { project: projectId, envelope: read.envelope, ...(args.release ? { release: args.release } : {}) }, ctx.clock);
    const target = prepared.ok || current === undefined ? prepared : prepareImport(read.text, { project: projectId, release: current, envelope: read.envelope }, ctx.clock);
    if (!target.ok) return failureReply(target.error);
    const by = ctx.invoker.id;
    if (!args.yes) {
      const report = draftImport(ctx.plan, target.value, { by, dryRun: true, people: ctx.config.people }, ctx.clock.now()).value;
      const outcome = describeImport(report, "", read.notes);
      if (outcome.exitCode !== 0) return reply("error", outcome.lines);
      ctx.ask({ ...args, release: target.value.release, yes: true });
      return reply("info", outcome.lines, t`To import it, say ${cmd("yes")} (${cmd("undo")} takes it back).`);
    }
    const done = await ctx.change((state) => ok(draftImport(state, target.value, { by, people: ctx.config.people }, ctx.clock.now())));
    if (!done.ok) return failureReply(done.error);
    const outcome = describeImport(done.value, "", read.notes);
    return reply(outcome.exitCode === 0 ? "ok" : "error", outcome.lines);
  },
});

function reply(tone: Reply["tone"], lines: readonly string[], after?: ReturnType<typeof t>): Reply {
  return { tone, blocks: [{ type: "pre", text: lines.join("\n") }, ...(after ? [{ type: "text" as const, text: after }] : [])], full: true };
}
