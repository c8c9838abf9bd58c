import type { Milestone, ReleaseMeta } from "../model/schema.js";
import {
  addMonths,
  dateInZone,
  daysBetween,
  displayZone,
  endOfDate,
  formatLongDate,
  monthsBetween,
  relativeDays,
} from "../util/dates.js";

/** The milestones every release cycle has, in the order they happen. */
export const STANDARD_MILESTONES = [
  { key: "last-posting", label: "Last posting date", words: ["last posting", "last posting date", "lpd", "last-posting-date"] },
  { key: "feature-freeze", label: "Feature freeze", words: ["feature freeze", "ff", "freeze", "feature-freeze"] },
  { key: "code-freeze", label: "Code freeze", words: ["code freeze", "code freezing point", "cf"] },
  { key: "hard-code-freeze", label: "Hard code freeze", words: ["hard code freeze", "hard freeze", "hcf"] },
  { key: "release", label: "Release", words: ["release", "release date", "ga", "final"] },
] as const;

const RC = /^(?:rc|release candidate|first rc)\s*-?\s*(\d{0,2})$/;

/** "Feature freeze", "ff", "feature-freeze" → the standard key and label; "RC 2" → rc2. */
export function milestoneName(text: string): { key: string; label: string } | undefined {
  const words = text.trim().toLowerCase().replace(/[-_]+/g, " ").replace(/\s+/g, " ");
  if (!words) return undefined;
  for (const standard of STANDARD_MILESTONES) {
    if (standard.key.replace(/-/g, " ") === words || (standard.words as readonly string[]).includes(words)) {
      return { key: standard.key, label: standard.label };
    }
  }
  const rc = RC.exec(words);
  if (rc) {
    const number = rc[1] ? Number(rc[1]) : 1;
    return { key: `rc${number}`, label: `RC${number}` };
  }
  const key = words.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48);
  if (!/^[a-z0-9]/.test(key)) return undefined;
  return { key, label: text.trim().slice(0, 64) };
}

export function sortMilestones(milestones: readonly Milestone[]): Milestone[] {
  return [...milestones].sort((a, b) => endOfDate(a.date, a.timeZone).getTime() - endOfDate(b.date, b.timeZone).getTime());
}

export interface MilestoneCountdown {
  milestone: Milestone;
  /** Calendar days from today (in the milestone's zone) to its date; 0 on the day. */
  days: number;
  deadline: Date;
}

/**
 * The first milestone whose date has not yet ended in its own zone. Days are counted on the
 * reader's calendar when their zone is known (a room's schedule), else on the milestone's; an AoE
 * deadline that has not passed yet is "today" even where the calendar has moved on.
 */
export function nextMilestone(release: { readonly milestones: readonly Milestone[] }, now: Date, readerZone?: string): MilestoneCountdown | undefined {
  for (const milestone of sortMilestones(release.milestones)) {
    const deadline = endOfDate(milestone.date, milestone.timeZone);
    if (deadline.getTime() > now.getTime()) {
      const today = dateInZone(now, readerZone ?? milestone.timeZone);
      return { milestone, days: Math.max(0, daysBetween(today, milestone.date)), deadline };
    }
  }
  return undefined;
}

/** The last milestone already behind us. */
export function lastMilestone(release: { readonly milestones: readonly Milestone[] }, now: Date): Milestone | undefined {
  let passed: Milestone | undefined;
  for (const milestone of sortMilestones(release.milestones)) {
    if (endOfDate(milestone.date, milestone.timeZone).getTime() <= now.getTime()) passed = milestone;
  }
  return passed;
}

/**
 * "month 4 of 9" from the cycle's start and length, counted the way release managers say it: four
 * whole months after the start is "4 months into the schedule", month 4. The first month is 1.
 */
export function cycleMonth(release: Pick<ReleaseMeta, "cycleMonths" | "cycleStart" | "milestones">, now: Date): { month: number; of: number } | undefined {
  const start = cycleStartOf(release);
  if (release.cycleMonths === null || start === null) return undefined;
  const today = now.toISOString().slice(0, 10);
  if (today < start) return undefined;
  return { month: Math.max(1, monthsBetween(start, today)), of: release.cycleMonths };
}

/**
 * When the cycle started: the recorded start (`--start`, an imported mail's "4 months into"), else,
 * for a plan that knows its length and its release date but not its start (a mail's timeline with
 * "a 9-month cycle"), that many months before the release.
 */
export function cycleStartOf(release: Pick<ReleaseMeta, "cycleMonths" | "cycleStart" | "milestones">): string | null {
  if (release.cycleStart !== null) return release.cycleStart;
  const shipping = release.milestones.find((milestone) => milestone.key === "release");
  return release.cycleMonths !== null && shipping ? addMonths(shipping.date, -release.cycleMonths) : null;
}

/** "month 4 of 9", or "month 11 of a 9-month cycle" once the cycle has run over. */
export function describeCycleMonth(release: Pick<ReleaseMeta, "cycleMonths" | "cycleStart" | "milestones">, now: Date): string | undefined {
  const month = cycleMonth(release, now);
  if (!month) return undefined;
  return month.month > month.of ? `month ${month.month} of a ${month.of}-month cycle` : `month ${month.month} of ${month.of}`;
}

/** "Feature freeze in 61 days (25 March 2013)", "Feature freeze is today (25 March 2013, AoE)". */
export function describeCountdown(next: MilestoneCountdown): string {
  const { milestone, days } = next;
  const zone = milestone.timeZone === "UTC" ? "" : `, ${displayZone(milestone.timeZone)}`;
  const when = `(${formatLongDate(milestone.date)}${zone})`;
  if (days === 0) return `${milestone.label} is today ${when}`;
  return `${milestone.label} ${relativeDays(days)} ${when}`;
}

/** Where the release stands: "month 4 of 9, feature freeze in 61 days (25 March 2013)". */
export function describeSchedule(release: ReleaseMeta, now: Date): string | undefined {
  const parts: string[] = [];
  const month = describeCycleMonth(release, now);
  if (month) parts.push(month);
  const next = nextMilestone(release, now);
  if (next) {
    const text = describeCountdown(next);
    parts.push(parts.length > 0 ? lowerFirst(text) : text);
  } else if (release.milestones.length > 0) {
    const last = lastMilestone(release, now);
    if (last) parts.push(`${parts.length > 0 ? "every" : "Every"} milestone has passed (${last.label.toLowerCase()} was ${formatLongDate(last.date)})`);
  }
  if (parts.length === 0) return undefined;
  const text = parts.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Feature freeze" → "feature freeze" mid-sentence, but "RC1" stays "RC1". */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
