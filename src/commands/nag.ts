import { z } from "zod";
import { ok } from "../util/result.js";
import { own } from "../util/own.js";
import { planNags } from "../plan/nags.js";
import { ownerNames, ownersText } from "../plan/people.js";
import { cmd, failureReply, type Reply, t } from "../reply/reply.js";
import { NAG_SETTING, nagKeysFor, nagsOn } from "../schedule/nags.js";
import { changeAndReply, noChange } from "./helpers.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

function nagSwitch(on: boolean) {
  return defineCommand({
    path: ["nag", on ? "on" : "off"],
    summary: on ? "Polite reminders here: at most one per owner every staleDays days, for all their stale items." : "No more reminders in this room.",
    args: z.object({}),
    permission: "manage",
    examples: [on ? "!nag on" : "!nag off"],
    run: (ctx) =>
      changeAndReply(ctx, (state) => {
        const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}) };
        if (nagsOn(settings) === on) return noChange({ tone: "info", blocks: [{ type: "text", text: `Reminders are ${on ? "on" : "off"} here already.` }] });
        settings[NAG_SETTING.on] = on;
        const days = ctx.config.staleDays;
        const text = on
          ? t`Reminders on: owners of items with no update for ${days} days get one polite message here, at most once every ${days} days (not while ${cmd("countdown mute", "3d")} is on). ${cmd("stale")} shows who is due.`
          : "Reminders off here.";
        return ok({ changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }], value: { tone: "ok", blocks: [{ type: "text", text }] } });
      }),
  });
}

export const nagStatusCommand = defineCommand({
  path: ["nag", "status"],
  // Slash commands cannot be both a command and a group: `/nag status`, but `!nag` too.
  aliases: [["nag"]],
  summary: "Whether this room gets reminders, and who is due one.",
  args: z.object({}),
  permission: "read",
  run: (ctx): Reply => {
    const settings = own(ctx.plan.conversations, ctx.conversation)?.settings;
    if (!nagsOn(settings)) return { tone: "info", blocks: [{ type: "text", text: t`Reminders are off here. (${cmd("nag on")} turns them on.)` }] };
    if (!ctx.scope.ok) return failureReply(ctx.scope.error);
    const { release } = ctx.scope.value;
    const days = ctx.config.staleDays;
    const owners = planNags(release, ctx.config.people, ctx.clock.now(), days, () => undefined, "").map((nag) => nag.owner.name);
    const who = owners.length === 0 ? "nobody has stale items" : t`${owners.length === 1 ? "1 owner has" : `${owners.length} owners have`} stale items: ${ownersText(owners, ownerNames(ctx.config.people))}`;
    return { tone: "info", blocks: [{ type: "text", text: t`Reminders are on here: at most one per owner every ${days} days; ${who}.` }] };
  },
});

export const nagOnCommand = nagSwitch(true);
export const nagOffCommand = nagSwitch(false);

export const nagMeCommand = defineCommand({
  path: ["nag", "me"],
  summary: "Stop (or restart) the reminders for what you own, in this room: anyone may, for themselves.",
  args: z.object({ state: param.word("off or on", z.enum(["on", "off"], { error: "off or on?" }), { choices: ["off", "on"] }) }),
  permission: "read",
  examples: ["!nag me off", "!nag me on"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}) };
      const keys = nagKeysFor(ctx.config.people, ctx.invoker.id);
      const stop = args.state === "off";
      const already = keys.every((key) => (own(settings, NAG_SETTING.stopPrefix + key) === true) === stop);
      if (already) return noChange({ tone: "info", blocks: [{ type: "text", text: `Your reminders are ${stop ? "off" : "on"} here already.` }] });
      for (const key of keys) {
        if (stop) settings[NAG_SETTING.stopPrefix + key] = true;
        else delete settings[NAG_SETTING.stopPrefix + key];
      }
      const text = stop ? t`No more reminders for you here. (${cmd("nag me", "on")} brings them back.)` : "Your reminders are on again here.";
      return ok({ changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }], value: { tone: "ok", blocks: [{ type: "text", text }] } });
    }),
});
