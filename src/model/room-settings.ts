import { z } from "zod";
import type { Conversation } from "./schema.js";

export const MSGTYPES = ["notice", "text"] as const;

/**
 * How chat adapters present replies in a room, written by `!room msgtype` and `!room irc` among the
 * conversation's stored settings (other owners, such as the countdown, keep their own keys there):
 * - `msgtype`: "notice" (the bot convention) or "text" (for clients or bridges that hide notices);
 * - `irc`: whether the room is bridged to IRC; absent: the adapter detects it.
 * A stored value that is not one of these (a hand-edited file) reads as unset, not as an error.
 */
export const RoomSettingsSchema = z.object({
  msgtype: z.enum(MSGTYPES).optional().catch(undefined),
  irc: z.boolean().optional().catch(undefined),
});
export type RoomSettings = z.infer<typeof RoomSettingsSchema>;

export function roomSettingsOf(stored: Conversation["settings"] | undefined): RoomSettings {
  const parsed = RoomSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : {};
}
