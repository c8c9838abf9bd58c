import { parseDate } from "../util/dates.js";

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

function month(word: string): number {
  const lower = word.toLowerCase().replace(/\.$/, "");
  if (lower.length < 3) return -1;
  return MONTHS.findIndex((name) => name.startsWith(lower));
}

function iso(year: number, monthIndex: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, monthIndex, day));
  if (date.getUTCMonth() !== monthIndex || date.getUTCDate() !== day || year < 1970 || year >= 2200) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * A date as release mails write it, with the year the mail leaves out taken from the mail's own
 * date: "Friday 24th September", "Week of 6th December **tentative**", "Aug 9", "25 March 2013",
 * "April 8th-12th, 2024" (a range of days is read as its first).
 * A day-and-month with no year is put in the year that brings it nearest the mail's date.
 */
export function parseMailDate(text: string, asOf: string): string | undefined {
  const cleaned = text
    .replace(/\*\*[^*]*\*\*/g, " ")
    .replace(/\([^)]*\)/g, " ")
    .replace(/^\s*week of\s+/i, "")
    .replace(/\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/gi, "")
    .replace(/(\d)(st|nd|rd|th)\b/gi, "$1")
    // A range of days, "April 8th-12th, 2024": it starts on the first.
    .replace(/(?<![\d-])(\d{1,2})\s*[-–]\s*\d{1,2}(?![\d-])/g, "$1")
    .replace(/,/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!cleaned) return undefined;
  const full = parseDate(cleaned, asOf);
  if (full) return full;
  const dayFirst = /^(\d{1,2}) ([a-z.]+)$/i.exec(cleaned);
  const monthFirst = /^([a-z.]+) (\d{1,2})$/i.exec(cleaned);
  const parts = dayFirst ? { day: Number(dayFirst[1]), month: month(dayFirst[2]!) } : monthFirst ? { day: Number(monthFirst[2]), month: month(monthFirst[1]!) } : undefined;
  if (!parts || parts.month < 0) return undefined;
  const year = Number(asOf.slice(0, 4));
  const base = Date.parse(`${asOf}T00:00:00Z`);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [year - 1, year, year + 1]) {
    const date = iso(candidate, parts.month, parts.day);
    if (!date) continue;
    const distance = Math.abs(Date.parse(`${date}T00:00:00Z`) - base);
    if (distance < bestDistance) {
      best = date;
      bestDistance = distance;
    }
  }
  return best;
}
