import { z } from "zod";
import { ownRecord } from "../util/own.js";
import { SubscriptionSchema } from "../schedule/subscription.js";
import { QuietHoursSchema } from "../schedule/quiet-hours.js";

/** The part of the configuration the planning core reads: roles, room bindings, the prefix. */
export const ProjectConfigSchema = z.strictObject({
  /** Platform-qualified ids: "matrix:@alice:example.org", "discord:81234", "console:local". */
  releaseManagers: z.array(z.string().min(1)).default([]),
  maintainers: z.array(z.string().min(1)).default([]),
  /** Rooms and channels that talk about this project ("matrix:!abc:example.org", "discord:123"). */
  rooms: z.array(z.string().min(1)).default([]),
  /** Hidden from the web page's project list. */
  private: z.boolean().default(false),
});
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

/**
 * A person owners can name (`people.george`): their name and chat identities, so `!mine` finds what
 * they own on whichever platform they ask from. Ids as the platform gives them: a Matrix user id,
 * a Discord user id, an IRC services account as NETWORK/ACCOUNT.
 */
export const PersonSchema = z.strictObject({
  name: z.string().min(1).max(64).optional(),
  matrix: z.string().regex(/^@[^:\s]+:\S+$/, "a Matrix user id such as @george:xenproject.org").optional(),
  discord: z.string().regex(/^\d{5,25}$/, "a Discord user id (digits)").optional(),
  irc: z.string().regex(/^[^/\s~]+\/[^/\s~]+$/, "NETWORK/ACCOUNT, such as oftc/george (a services account, not a nick)").optional(),
  email: z.email().optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/** A room subscribed by config; only the config can give it quiet hours, read in the room's zone. */
export const ConfigSubscriptionSchema = SubscriptionSchema.extend({
  /** "22:00-08:00": no reminders (`!nag on`) in this window of the room's local time; one due then waits for its end. */
  quietHours: QuietHoursSchema.optional(),
});
export type ConfigSubscription = z.infer<typeof ConfigSubscriptionSchema>;

export const ScheduleConfigSchema = z.strictObject({
  /** A post missed while the bot was down is still made on start if it is at most this old. */
  graceHours: z.number().min(0).max(168).default(6),
  /** With the auto cadence, countdowns go daily this many days before a milestone. */
  tightenDays: z.number().int().min(0).max(60).default(7),
  /** Rooms subscribed by config ("matrix:!abc:example.org": { cadence: auto, day: mon, time: "09:00", zone: UTC, quietHours: "22:00-08:00" }). */
  subscriptions: ownRecord(z.string().min(1), ConfigSubscriptionSchema).default({}),
});
export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;

export const CoreConfigSchema = z.object({
  /** What starts a command in chat. */
  prefix: z.string().min(1).max(5).default("!"),
  /** The bot's name, for commands addressed IRC-style ("stocktake: stock"). */
  botName: z.string().min(1).max(32).default("stocktake"),
  /** People who may do anything, in every project. */
  admins: z.array(z.string().min(1)).default([]),
  /** The project a room uses when nothing else says which. */
  defaultProject: z.string().min(1).optional(),
  projects: ownRecord(z.string(), ProjectConfigSchema).default({}),
  /** People owners can name, by a short key: `people: { george: { name: George Dunlap, matrix: "@george:xenproject.org" } }`. */
  people: ownRecord(z.string().min(1).max(64), PersonSchema).default({}),
  /** A feature with no change or note for this many days is stale (`!stale`, marked in `!stock`). */
  staleDays: z.number().int().min(1).max(365).default(14),
  schedule: ScheduleConfigSchema.default({ graceHours: 6, tightenDays: 7, subscriptions: {} }),
});
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

export function defaultCoreConfig(overrides: Partial<z.input<typeof CoreConfigSchema>> = {}): CoreConfig {
  return CoreConfigSchema.parse(overrides);
}
