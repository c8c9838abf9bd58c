import { z } from "zod";
import type { Conversation } from "../model/schema.js";
import { isKnownTimeZone } from "../model/schema.js";

/**
 * A room's countdown subscription. Quiet by default: a room gets posts only once it asks
 * (`!countdown on`) or the config subscribes it.
 *
 * Cadences:
 * - auto: the summary weekly on `day`, and a countdown every day in the last `tightenDays` before a
 *   milestone (release managers' own rhythm: weekly, then daily in the final week);
 * - daily: the summary weekly on `day`, a countdown on each of the other days;
 * - weekly: the summary weekly on `day` only.
 */
export const CADENCES = ["auto", "daily", "weekly"] as const;
export type Cadence = (typeof CADENCES)[number];

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const TimeOfDay = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "a time such as 09:00");

export const SubscriptionSchema = z.strictObject({
  cadence: z.enum(CADENCES).default("auto"),
  day: z.enum(WEEKDAYS).default("mon"),
  time: TimeOfDay.default("09:00"),
  zone: z.string().refine(isKnownTimeZone, "unknown time zone (use an IANA name such as Europe/London, or AoE)").default("UTC"),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** What the schedule stores per room, as flat conversation settings. */
export const SETTING = {
  cadence: "countdown.cadence",
  day: "countdown.day",
  time: "countdown.time",
  zone: "countdown.zone",
  /** "off" turns off a subscription the config made. */
  state: "countdown.state",
  mutedUntil: "countdown.mutedUntil",
  /** The last slot handled (posted or skipped): restarts never post it again. */
  lastSlot: "countdown.lastSlot",
} as const;

export type Settings = Conversation["settings"];

/** A stored instant; anything else (a hand-edited file) reads as unset. */
const StoredInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)))
  .transform((value) => new Date(value))
  .optional()
  .catch(undefined);

/**
 * The countdown's own keys among a room's stored settings, typed. The subscription's fields count
 * only while the room's state is "on"; a field that is not valid drops the room's own subscription.
 * Every field falls back to unset, so reading a room's settings never fails.
 */
const CountdownSettingsSchema = z
  .object({
    [SETTING.state]: z.enum(["on", "off"]).optional().catch(undefined),
    [SETTING.cadence]: z.unknown().optional(),
    [SETTING.day]: z.unknown().optional(),
    [SETTING.time]: z.unknown().optional(),
    [SETTING.zone]: z.unknown().optional(),
    [SETTING.mutedUntil]: StoredInstant,
    [SETTING.lastSlot]: StoredInstant,
  })
  .transform((stored) => {
    const subscription = SubscriptionSchema.safeParse({
      cadence: stored[SETTING.cadence] ?? undefined,
      day: stored[SETTING.day] ?? undefined,
      time: stored[SETTING.time] ?? undefined,
      zone: stored[SETTING.zone] ?? undefined,
    });
    return {
      state: stored[SETTING.state],
      subscription: stored[SETTING.state] === "on" && subscription.success ? subscription.data : undefined,
      mutedUntil: stored[SETTING.mutedUntil],
      lastSlot: stored[SETTING.lastSlot],
    };
  });
export type CountdownSettings = z.output<typeof CountdownSettingsSchema>;

export function countdownSettingsOf(settings: Settings | undefined): CountdownSettings {
  return CountdownSettingsSchema.parse(settings ?? {});
}

/**
 * The room's subscription: its own settings, else the config's, else none. Only the subscription's
 * own fields: the config's quiet hours (see quiet-hours.ts) stay with the config, so `!countdown on`
 * over a config subscription does not take them for a field of its own.
 */
export function subscriptionOf(settings: Settings | undefined, fromConfig: Subscription | undefined): Subscription | undefined {
  const stored = countdownSettingsOf(settings);
  if (stored.state === "off") return undefined;
  if (stored.subscription) return stored.subscription;
  return fromConfig && { cadence: fromConfig.cadence, day: fromConfig.day, time: fromConfig.time, zone: fromConfig.zone };
}

export function subscriptionSettings(subscription: Subscription): Settings {
  return {
    [SETTING.state]: "on",
    [SETTING.cadence]: subscription.cadence,
    [SETTING.day]: subscription.day,
    [SETTING.time]: subscription.time,
    [SETTING.zone]: subscription.zone,
  };
}

export function mutedUntil(settings: Settings | undefined): Date | undefined {
  return countdownSettingsOf(settings).mutedUntil;
}

export function lastSlot(settings: Settings | undefined): Date | undefined {
  return countdownSettingsOf(settings).lastSlot;
}

export function describeSubscription(subscription: Subscription): string {
  const zone = subscription.zone.toLowerCase() === "aoe" ? "AoE" : subscription.zone;
  const day = subscription.day.charAt(0).toUpperCase() + subscription.day.slice(1);
  const at = `${subscription.time} ${zone}`;
  switch (subscription.cadence) {
    case "auto":
      return `the summary every ${day} at ${at}, and a countdown every day at ${at} in the last week before a milestone`;
    case "daily":
      return `the summary every ${day} and a countdown on each of the other days, at ${at}`;
    case "weekly":
      return `the summary every ${day} at ${at}`;
  }
}
