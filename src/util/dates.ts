/**
 * Calendar dates (YYYY-MM-DD strings) and the time zones milestones are set in. Built on Intl, so
 * no time-zone database ships with Stocktake. "AoE" (anywhere on earth) is UTC-12: a deadline
 * passes when the date has ended everywhere.
 */

const DAY_MS = 86_400_000;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** The IANA zone behind a milestone's zone name. Etc/GMT+12 is UTC-12: POSIX signs are inverted. */
export function ianaZone(zone: string): string {
  return zone.toLowerCase() === "aoe" ? "Etc/GMT+12" : zone;
}

export function displayZone(zone: string): string {
  return zone.toLowerCase() === "aoe" ? "AoE" : zone;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date an instant falls on in a zone. */
export function dateInZone(instant: Date, zone: string): string {
  const iana = ianaZone(zone);
  let format = dayFormatters.get(iana);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: iana, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormatters.set(iana, format);
  }
  return format.format(instant);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone is ahead of UTC at that instant. */
export function zoneOffsetMinutes(instant: Date, zone: string): number {
  const iana = ianaZone(zone);
  let format = offsetFormatters.get(iana);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: iana,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(iana, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts["year"]!, parts["month"]! - 1, parts["day"]!, parts["hour"]!, parts["minute"]!, parts["second"]!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a local wall-clock time happens in a zone. */
export function zonedTimeToInstant(date: string, time: string, zone: string): Date {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  const wall = Date.UTC(...ymd(date), hours, minutes);
  // Two rounds settle the offset even when the wall time sits next to a daylight-saving switch.
  let instant = wall - zoneOffsetMinutes(new Date(wall), zone) * 60_000;
  instant = wall - zoneOffsetMinutes(new Date(instant), zone) * 60_000;
  return new Date(instant);
}

/** When a date has ended in a zone: the deadline a milestone date stands for. */
export function endOfDate(date: string, zone: string): Date {
  return zonedTimeToInstant(addDays(date, 1), "00:00", zone);
}

export function ymd(date: string): [number, number, number] {
  const [year, month, day] = date.split("-").map(Number);
  return [year ?? 1970, (month ?? 1) - 1, day ?? 1];
}

export function addDays(date: string, days: number): string {
  return new Date(Date.UTC(...ymd(date)) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.UTC(...ymd(to)) - Date.UTC(...ymd(from))) / DAY_MS);
}

/** Whole months from `from` to `to`, counting a month only once its day is reached. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = ymd(from);
  const [ty, tm, td] = ymd(to);
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

export function addMonths(date: string, months: number): string {
  const [year, month, day] = ymd(date);
  const target = new Date(Date.UTC(year, month + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

export function weekday(date: string): string {
  return WEEKDAYS[new Date(Date.UTC(...ymd(date))).getUTCDay()] ?? "";
}

function monthName(index: number): string {
  const name = MONTHS[index] ?? "";
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "25 March 2013": the form release mails use. */
export function formatLongDate(date: string): string {
  const [year, month, day] = ymd(date);
  return `${day} ${monthName(month)} ${year}`;
}

/** "Mon 25 Mar 2013": for countdowns, where the weekday matters. */
export function formatShortDate(date: string): string {
  const [year, month, day] = ymd(date);
  return `${weekday(date)} ${day} ${monthName(month).slice(0, 3)} ${year}`;
}

/** "in 61 days", "tomorrow", "today", "3 days ago". */
export function relativeDays(days: number): string {
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  if (days > 0) return `in ${plural(days, "day")}`;
  return `${plural(-days, "day")} ago`;
}

export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day && year >= 1970 && year < 2200;
}

function toIso(year: number, month: number, day: number): string | undefined {
  if (!isRealDate(year, month, day)) return undefined;
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function monthIndex(word: string): number {
  const lower = word.toLowerCase().replace(/\.$/, "");
  if (lower.length < 3) return -1;
  return MONTHS.findIndex((name) => name.startsWith(lower));
}

/**
 * A date as people type it: 2013-03-25, 25 March 2013, Mar 25 2013, "March 25, 2013", Fri Oct 6,
 * 2023, today, tomorrow, yesterday, +14d, +2w. Returns YYYY-MM-DD, or undefined.
 */
export function parseDate(text: string, today: string): string | undefined {
  const input = text
    .trim()
    .toLowerCase()
    .replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/, "")
    .replace(/(\d)(st|nd|rd|th)\b/g, "$1")
    .replace(/,/g, " ")
    .replace(/\s+/g, " ");
  if (input === "today") return today;
  if (input === "tomorrow") return addDays(today, 1);
  if (input === "yesterday") return addDays(today, -1);
  const relative = /^\+(\d{1,4})\s*(d|w)$/.exec(input);
  if (relative) return addDays(today, Number(relative[1]) * (relative[2] === "w" ? 7 : 1));
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input);
  if (iso) return toIso(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  const dayFirst = /^(\d{1,2}) ([a-z.]+) (\d{4})$/.exec(input);
  if (dayFirst) {
    const month = monthIndex(dayFirst[2]!);
    return month < 0 ? undefined : toIso(Number(dayFirst[3]), month, Number(dayFirst[1]));
  }
  const monthFirst = /^([a-z.]+) (\d{1,2}) (\d{4})$/.exec(input);
  if (monthFirst) {
    const month = monthIndex(monthFirst[1]!);
    return month < 0 ? undefined : toIso(Number(monthFirst[3]), month, Number(monthFirst[2]));
  }
  return undefined;
}

/** "7d", "2w", "12h" back from now; or a date (from its start, UTC). */
export function parseSince(text: string, now: Date): Date | undefined {
  const span = /^(\d{1,5})\s*(h|d|w)$/.exec(text.trim().toLowerCase());
  if (span) {
    const hours = Number(span[1]) * ({ h: 1, d: 24, w: 168 } as const)[span[2] as "h" | "d" | "w"];
    return new Date(now.getTime() - hours * 3_600_000);
  }
  const date = parseDate(text, now.toISOString().slice(0, 10));
  return date === undefined ? undefined : new Date(`${date}T00:00:00Z`);
}

/** "3 minutes ago", "2 days ago": for history lines. */
export function ago(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, "minute")} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${plural(hours, "hour")} ago`;
  return `${plural(Math.round(hours / 24), "day")} ago`;
}
