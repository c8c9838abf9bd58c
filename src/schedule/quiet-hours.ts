import { z } from "zod";
import { addDays, dateInZone, zonedTimeToInstant } from "../util/dates.js";
import { own } from "../util/own.js";
import { countdownSettingsOf, type Settings } from "./subscription.js";

/**
 * Quiet hours: a daily window of local time in which a room gets no reminders. Written in the
 * config as "22:00-08:00" (it may span midnight) and read on the room's own calendar, so the window
 * stays at 22:00-08:00 on the clock people see when daylight saving starts or ends.
 */
export interface QuietHours {
  /** "22:00": padded, so two of them compare as strings. */
  start: string;
  end: string;
}

const WINDOW = /^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$/;

/** Start and end of a window the schema has checked. */
export function parseQuietHours(text: string): QuietHours | undefined {
  const match = WINDOW.exec(text.trim());
  if (!match) return undefined;
  const [, startH, startM, endH, endM] = match;
  return { start: `${startH!.padStart(2, "0")}:${startM}`, end: `${endH!.padStart(2, "0")}:${endM}` };
}

/** The config's "22:00-08:00", kept as written (its input and output types are one, like the rest of the config's). */
export const QuietHoursSchema = z
  .string({ error: 'expected a window of local time such as "22:00-08:00"' })
  .refine((text) => parseQuietHours(text) !== undefined, 'expected a window of local time such as "22:00-08:00" (24-hour, start-end; it may span midnight)')
  .refine((text) => {
    const hours = parseQuietHours(text);
    return hours === undefined || hours.start !== hours.end;
  }, "expected a window whose start and end differ (the same time twice would be quiet all day, and no reminder would ever be sent)");

export function describeQuietHours(hours: QuietHours): string {
  return `${hours.start}-${hours.end}`;
}

/** The quiet window `at` falls in, on the zone's calendar, or undefined when it is not quiet then. */
export function quietWindowAt(hours: QuietHours, zone: string, at: Date): { start: Date; end: Date } | undefined {
  const today = dateInZone(at, zone);
  // A window that spans midnight began yesterday; one that does not began today.
  for (const day of [addDays(today, -1), today]) {
    const start = zonedTimeToInstant(day, hours.start, zone);
    const end = zonedTimeToInstant(hours.end > hours.start ? day : addDays(day, 1), hours.end, zone);
    if (start.getTime() <= at.getTime() && at.getTime() < end.getTime()) return { start, end };
  }
  return undefined;
}

/** `at` itself when it is outside quiet hours, else the end of its quiet window. */
export function afterQuietHours(hours: QuietHours, zone: string, at: Date): Date {
  return quietWindowAt(hours, zone, at)?.end ?? at;
}

/** The part of the config that holds quiet hours (core-config.ts builds its schema from this file's). */
interface ConfigWithSubscriptions {
  schedule: { subscriptions: Readonly<Record<string, { zone: string; quietHours?: string | undefined }>> };
}

/** A room's quiet hours and the zone they are read in. */
export interface RoomQuiet {
  hours: QuietHours;
  zone: string;
}

/**
 * The room's quiet hours, from its subscription in the config (`schedule.subscriptions.ROOM.quietHours`),
 * in the room's zone: the one it chose with `!countdown on … ZONE`, else the config subscription's.
 * `!countdown off` stops the room's posts, not its quiet hours.
 */
export function roomQuiet(config: ConfigWithSubscriptions, conversation: string, settings: Settings | undefined): RoomQuiet | undefined {
  const configured = own(config.schedule.subscriptions, conversation);
  const hours = configured?.quietHours === undefined ? undefined : parseQuietHours(configured.quietHours);
  if (!configured || !hours) return undefined;
  return { hours, zone: countdownSettingsOf(settings).subscription?.zone ?? configured.zone };
}
