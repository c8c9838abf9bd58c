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
 * - daily: the summary weekly on `day`, a countdown on every other day;
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

/** The room's subscription: its own settings, else the config's, else none. */
export function subscriptionOf(settings: Settings | undefined, fromConfig: Subscription | undefined): Subscription | undefined {
  if (settings?.[SETTING.state] === "off") return undefined;
  if (settings?.[SETTING.state] === "on") {
    const parsed = SubscriptionSchema.safeParse({
      cadence: settings[SETTING.cadence] ?? undefined,
      day: settings[SETTING.day] ?? undefined,
      time: settings[SETTING.time] ?? undefined,
      zone: settings[SETTING.zone] ?? undefined,
    });
    if (parsed.success) return parsed.data;
  }
  return fromConfig;
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
  const value = settings?.[SETTING.mutedUntil];
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined;
}

export function lastSlot(settings: Settings | undefined): Date | undefined {
  const value = settings?.[SETTING.lastSlot];
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined;
}

export function describeSubscription(subscription: Subscription): string {
  const zone = subscription.zone.toLowerCase() === "aoe" ? "AoE" : subscription.zone;
  const day = subscription.day.charAt(0).toUpperCase() + subscription.day.slice(1);
  const at = `${subscription.time} ${zone}`;
  switch (subscription.cadence) {
    case "auto":
      return `the summary every ${day} at ${at}, and a countdown every day at ${at} in the last week before a milestone`;
    case "daily":
      return `the summary every ${day} and a countdown every other day, at ${at}`;
    case "weekly":
      return `the summary every ${day} at ${at}`;
  }
}
