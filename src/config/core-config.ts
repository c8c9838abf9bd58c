import { z } from "zod";
import { ownRecord } from "../util/own.js";
import { SubscriptionSchema } from "../schedule/subscription.js";

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

export const ScheduleConfigSchema = z.strictObject({
  /** A post missed while the bot was down is still made on start if it is at most this old. */
  graceHours: z.number().min(0).max(168).default(6),
  /** With the auto cadence, countdowns go daily this many days before a milestone. */
  tightenDays: z.number().int().min(0).max(60).default(7),
  /** Rooms subscribed by config ("matrix:!abc:example.org": { cadence: auto, day: mon, time: "09:00", zone: UTC }). */
  subscriptions: ownRecord(z.string().min(1), SubscriptionSchema).default({}),
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
  /** A feature with no change or note for this many days is stale (`!stale`, marked in `!stock`). */
  staleDays: z.number().int().min(1).max(365).default(14),
  schedule: ScheduleConfigSchema.default({ graceHours: 6, tightenDays: 7, subscriptions: {} }),
});
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

export function defaultCoreConfig(overrides: Partial<z.input<typeof CoreConfigSchema>> = {}): CoreConfig {
  return CoreConfigSchema.parse(overrides);
}
