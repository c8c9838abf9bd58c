import { z } from "zod";
import { ok } from "../util/result.js";
import { own } from "../util/own.js";
import { cmd, t } from "../reply/reply.js";
import { NAG_SETTING, nagsOn } from "../schedule/nags.js";
import { changeAndReply, noChange } from "./helpers.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

export const nagCommand = defineCommand({
  path: ["nag"],
  summary: "Polite reminders here: at most one per owner every staleDays days, for all their stale items.",
  args: z.object({ state: param.word("on or off", z.enum(["on", "off"], { error: "on or off?" }), { choices: ["on", "off"] }) }),
  permission: "manage",
  examples: ["!nag on", "!nag off"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}) };
      const on = args.state === "on";
      if (nagsOn(settings) === on) return noChange({ tone: "info", blocks: [{ type: "text", text: `Reminders are ${on ? "on" : "off"} here already.` }] });
      settings[NAG_SETTING.on] = on;
      const days = ctx.config.staleDays;
      const text = on
        ? t`Reminders on: owners of items with no update for ${days} days get one polite message here, at most once every ${days} days (not while ${cmd("countdown mute", "3d")} is on). ${cmd("stale")} shows who is due.`
        : "Reminders off here.";
      return ok({ changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }], value: { tone: "ok", blocks: [{ type: "text", text }] } });
    }),
});
