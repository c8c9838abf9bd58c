import { z } from "zod";

/**
 * What Stocktake reads of a Matrix event. Events come from the network, so they are parsed, not
 * cast; unknown fields pass through untouched.
 */
const RelatesTo = z
  .object({
    rel_type: z.string().optional(),
    event_id: z.string().optional(),
    "m.in_reply_to": z.object({ event_id: z.string() }).loose().optional(),
  })
  .loose();

export const RoomMessageSchema = z
  .object({
    type: z.literal("m.room.message"),
    event_id: z.string().min(1),
    sender: z.string().min(1),
    origin_server_ts: z.number(),
    content: z
      .object({
        msgtype: z.string().optional(),
        body: z.unknown().optional(),
        /** m.file: the file's name; when given, `body` is a caption (`!import`). */
        filename: z.unknown().optional(),
        url: z.unknown().optional(),
        info: z.object({ size: z.number().optional(), mimetype: z.string().optional() }).loose().optional(),
        "m.relates_to": RelatesTo.optional(),
        "m.new_content": z.unknown().optional(),
      })
      .loose(),
    unsigned: z
      .object({
        age: z.number().optional(),
        redacted_because: z.unknown().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type RoomMessage = z.infer<typeof RoomMessageSchema>;

export type Classified =
  | {
      kind: "command";
      body: string;
      /** The thread the command was sent in: the reply goes there too. */
      threadRoot?: string;
      /** A file sent with the command as its caption (`!import` and a status mail): its text follows the command. */
      attachment?: Attachment;
    }
  | { kind: "ignore"; reason: "own" | "not-text" | "edit" | "redacted" | "no-body" };

/**
 * Which messages can be commands. Not: the bot's own, notices (by convention bots send notices and
 * ignore them, which keeps two bots from answering each other), emotes and files, edits (the
 * original was already handled, and a changed command must be sent anew), redacted events.
 */
export function classify(event: RoomMessage, botUserId: string): Classified {
  if (event.sender === botUserId) return { kind: "ignore", reason: "own" };
  if (event.unsigned?.redacted_because !== undefined) return { kind: "ignore", reason: "redacted" };
  const relation = event.content["m.relates_to"];
  if (relation?.rel_type === "m.replace" || event.content["m.new_content"] !== undefined) return { kind: "ignore", reason: "edit" };
  const attachment = event.content.msgtype === "m.file" ? attachmentOf(event) : undefined;
  if (event.content.msgtype !== "m.text" && !attachment) return { kind: "ignore", reason: event.content.msgtype === undefined ? "redacted" : "not-text" };
  const body = event.content.body;
  if (typeof body !== "string" || body.trim() === "") return { kind: "ignore", reason: "no-body" };
  const text = relation?.["m.in_reply_to"] ? stripReplyFallback(body) : body;
  const threadRoot = relation?.rel_type === "m.thread" && relation.event_id ? relation.event_id : undefined;
  return { kind: "command", body: text, ...(threadRoot === undefined ? {} : { threadRoot }), ...(attachment ? { attachment } : {}) };
}

export interface Attachment {
  url: string;
  name: string;
  size: number | undefined;
}

/** A text file with a caption (`body` other than the file's name), from this homeserver's media repository or another's. */
function attachmentOf(event: RoomMessage): Attachment | undefined {
  const { filename, url, body, info } = event.content;
  if (typeof filename !== "string" || typeof url !== "string" || !url.startsWith("mxc://") || typeof body !== "string" || body.trim() === "" || body === filename) return undefined;
  const textual = /\.(txt|eml|mbox|text)$/i.test(filename) || /^(text\/|message\/rfc822|application\/mbox)/i.test(info?.mimetype ?? "");
  return textual ? { url, name: filename, size: info?.size } : undefined;
}

/** Older clients quote the message replied to as "> <@alice:example.org> …" lines, then a blank line. */
export function stripReplyFallback(body: string): string {
  const lines = body.split("\n");
  if (!lines[0]?.startsWith("> ")) return body;
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith(">")) i++;
  if (lines[i] === "") i++;
  return lines.slice(i).join("\n");
}
