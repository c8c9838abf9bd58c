import { z } from "zod";
import { MSGTYPES, roomSettingsOf, type RoomSettings } from "../model/room-settings.js";
import { cmd, type Reply, t, type Text } from "../reply/reply.js";
import { ok } from "../util/result.js";
import { changeAndReply, noChange } from "./helpers.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";
import { own } from "../util/own.js";

const info = (text: Text): Reply => ({ tone: "info", blocks: [{ type: "text", text }] });

/**
 * Writes one of the room settings (null removes it) beside the room's other stored settings; the
 * whole settings object is the changed field, so history and undo see it.
 */
function setSetting<K extends keyof RoomSettings>(ctx: Parameters<typeof changeAndReply>[0], key: K, value: NonNullable<RoomSettings[K]> | null, done: string, already: string) {
  return changeAndReply(ctx, (state) => {
    const stored = own(state.conversations, ctx.conversation)?.settings ?? {};
    if ((stored[key] ?? null) === value) return noChange(info(already));
    const settings = { ...stored };
    if (value === null) delete settings[key];
    else settings[key] = value;
    return ok({
      changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
      value: { tone: "ok", blocks: [{ type: "text", text: done }] } satisfies Reply,
    });
  });
}

/** What the adapter saw of a bridge, beside the setting: why a room counts as bridged, or that nothing was seen. */
function detection(setting: boolean | undefined, reasons: readonly string[] | undefined): string {
  if (reasons === undefined) return "";
  if (reasons.length === 0) return setting === undefined ? ": no bridge seen" : " (no bridge seen)";
  return setting === undefined ? `: yes, ${reasons.join("; ")}` : ` (seen: ${reasons.join("; ")})`;
}

export const roomShowCommand = defineCommand({
  path: ["room", "status"],
  // Slash commands cannot be both a command and a group: `/room status`, but `!room` too.
  aliases: [["room"]],
  summary: "This room's settings: its project, how replies are sent, whether it is bridged to IRC.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const { msgtype, irc } = roomSettingsOf(own(ctx.plan.conversations, ctx.conversation)?.settings);
    const project = ctx.projectId;
    return {
      tone: "info",
      blocks: [
        {
          type: "list",
          items: [
            { text: project === undefined ? t`Project: none (pick one with ${cmd("project use", "NAME")})` : `Project: ${project}` },
            { text: `Replies: ${msgtype === "text" ? "ordinary messages (m.text)" : msgtype === "notice" ? "notices (m.notice)" : "the default (notices where the platform has them)"}` },
            { text: `Bridged to IRC: ${irc === true ? "yes" : irc === false ? "no" : "detected automatically"}${detection(irc, ctx.bridge)}` },
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
        .pipe(z.enum(MSGTYPES, { error: "the reply type is notice or text" })),
    ),
  }),
  permission: "manage",
  examples: ["!room msgtype text", "!room msgtype notice"],
  run: (ctx, args) =>
    setSetting(
      ctx,
      "msgtype",
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
    return setSetting(ctx, "irc", value, done, value === null ? "IRC bridging is already detected automatically here." : `This room is already marked ${value ? "" : "not "}bridged to IRC.`);
  },
});
