import { z } from "zod";
import type { PlanState } from "../model/schema.js";
import { cmd, type Reply, t, type Text } from "../reply/reply.js";
import { ok } from "../util/result.js";
import { changeAndReply, noChange } from "./helpers.js";
import { projectIdFor } from "../access/scope.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

/**
 * Per-room presentation settings, kept in `conversations[id].settings` and read by chat adapters:
 * - `msgtype`: "notice" (the bot convention, the default) or "text" (for clients or bridges that hide notices);
 * - `irc`: true or false to say whether the room is bridged to IRC; absent: the adapter detects it.
 */
export const ROOM_SETTINGS = { msgtype: "msgtype", irc: "irc" } as const;

export type RoomSettings = Readonly<Record<string, string | number | boolean | null>>;

export function roomSettings(state: Readonly<PlanState>, conversation: string): RoomSettings {
  return state.conversations[conversation]?.settings ?? {};
}

const info = (text: Text): Reply => ({ tone: "info", blocks: [{ type: "text", text }] });

/** Writes one setting (null removes it); the whole settings object is the changed field, so history and undo see it. */
function setSetting(ctx: Parameters<typeof changeAndReply>[0], key: string, value: string | boolean | null, done: string, already: string) {
  return changeAndReply(ctx, (state) => {
    const current = roomSettings(state, ctx.conversation);
    if ((current[key] ?? null) === value) return noChange(info(already));
    const settings: Record<string, string | number | boolean | null> = { ...current };
    if (value === null) delete settings[key];
    else settings[key] = value;
    return ok({
      changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
      value: { tone: "ok", blocks: [{ type: "text", text: done }] } satisfies Reply,
    });
  });
}

export const roomShowCommand = defineCommand({
  path: ["room", "status"],
  // Slash commands cannot be both a command and a group: `/room status`, but `!room` too.
  aliases: [["room"]],
  summary: "This room's settings: its project, how replies are sent, whether it is bridged to IRC.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const settings = roomSettings(ctx.plan, ctx.conversation);
    const project = projectIdFor(ctx.plan, ctx.conversation, ctx.config);
    const msgtype = settings[ROOM_SETTINGS.msgtype];
    const irc = settings[ROOM_SETTINGS.irc];
    return {
      tone: "info",
      blocks: [
        {
          type: "list",
          items: [
            { text: project === undefined ? t`Project: none (pick one with ${cmd("project use", "NAME")})` : `Project: ${project}` },
            { text: `Replies: ${msgtype === "text" ? "ordinary messages (m.text)" : msgtype === "notice" ? "notices (m.notice)" : "the default (notices where the platform has them)"}` },
            { text: `Bridged to IRC: ${irc === true ? "yes" : irc === false ? "no" : "detected automatically"}` },
          ],
        },
      ],
    };
  },
});

export const roomMsgtypeCommand = defineCommand({
  path: ["room", "msgtype"],
  summary: "Send replies in this room as notices (the bot convention) or as ordinary text messages.",
  args: z.object({
    type: param.word(
      "notice or text",
      z
        .string({ error: "notice or text?" })
        .trim()
        .toLowerCase()
        .pipe(z.enum(["notice", "text"], { error: "the reply type is notice or text" })),
    ),
  }),
  permission: "manage",
  examples: ["!room msgtype text", "!room msgtype notice"],
  run: (ctx, args) =>
    setSetting(
      ctx,
      ROOM_SETTINGS.msgtype,
      args.type,
      args.type === "text" ? "Replies in this room are ordinary text messages now." : "Replies in this room are notices now.",
      `Replies in this room are already ${args.type === "text" ? "text messages" : "notices"}.`,
    ),
});

export const roomIrcCommand = defineCommand({
  path: ["room", "irc"],
  summary: "Say whether this room is bridged to IRC (plain lines, long summaries condensed), or let the bot detect it.",
  args: z.object({
    mode: param.word(
      "on, off or auto",
      z
        .string({ error: "on, off or auto?" })
        .trim()
        .toLowerCase()
        .pipe(z.enum(["on", "off", "auto"], { error: "say on, off or auto" })),
    ),
  }),
  permission: "manage",
  examples: ["!room irc on", "!room irc auto"],
  run: (ctx, args) => {
    const value = args.mode === "auto" ? null : args.mode === "on";
    const done =
      value === null ? "I will detect whether this room is bridged to IRC." : value ? "This room is bridged to IRC: replies are plain lines, long summaries condensed." : "This room is not treated as bridged to IRC.";
    return setSetting(ctx, ROOM_SETTINGS.irc, value, done, value === null ? "IRC bridging is already detected automatically here." : `This room is already marked ${value ? "" : "not "}bridged to IRC.`);
  },
});
