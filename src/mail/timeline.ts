import type { Milestone } from "../model/schema.js";
import { milestoneName } from "../plan/schedule.js";
import { parseMailDate } from "./mail-dates.js";

/**
 * One line of a status mail's timeline: `* Milestone: date`, `* date: milestone`, `date -- milestone`
 * or a table row `Friday 24th September     Milestone`, with `<== We are here` saying where the
 * release stands.
 */

export interface TimelineMilestone extends Milestone {
  line: number;
  heading: string | null;
}

export type TimelineLine =
  | { kind: "milestone"; milestone: TimelineMilestone; here: boolean }
  | { kind: "problem"; reason: string; prose: boolean; here: string | null };

const WE_ARE_HERE = /\s*(?:<+[=-]*|<<)\s*we are here\b.*$/i;
const TIMELINE_COLON = /^\s*(?:[*\-•]\s+)?(.+?)\s*:\s+(.+)$/;
const TIMELINE_DASHES = /^\s*(?:[*\-•]\s+)?(.+?)\s+(?:--|—|–)\s+(.+)$/;
const TIMELINE_COLUMNS = /^\s*(?:[*\-•]\s+)?(.+?)\s{2,}(\S.*)$/;
const BULLET = /^\s*[*\-•]\s/;

export function readTimelineLine(raw: string, number: number, heading: string, asOf: string, seen: ReadonlyMap<string, TimelineMilestone>): TimelineLine {
  const here = WE_ARE_HERE.test(raw);
  // "2024.2 'D' virtual PTG ( https://openinfra.dev/ptg/ ): April 8th-12th, 2024": the link is not part of the name, and its colon is not the separator.
  const line = raw.replace(WE_ARE_HERE, "").replace(/\s*\(\s*https?:\/\/[^\s)]+\s*\)/g, "");
  let name: string | undefined;
  let date: string | undefined;
  let dateText = "";
  for (const shape of [TIMELINE_COLON, TIMELINE_DASHES, TIMELINE_COLUMNS]) {
    const match = shape.exec(line);
    if (!match) continue;
    const [left, right] = [match[1]!.trim(), match[2]!.trim()];
    const rightDate = parseMailDate(right, asOf);
    const leftDate = rightDate ? undefined : parseMailDate(left, asOf);
    if (rightDate) [name, date, dateText] = [left, rightDate, right];
    else if (leftDate) [name, date, dateText] = [right.replace(/\*\*[^*]*\*\*/g, "").trim(), leftDate, left];
    else if (shape === TIMELINE_COLON && BULLET.test(raw)) return { kind: "problem", reason: "a milestone whose date I cannot read", prose: false, here: here ? left : null };
    if (date) break;
  }
  if (!date || !name) {
    return { kind: "problem", reason: "not a `* Milestone: date` line", prose: !BULLET.test(raw), here: here ? line.replace(/\s+/g, " ").trim() : null };
  }
  const parsed = milestoneName(name.replace(/\s*\[\*\]/g, "").replace(/[.:]$/, ""));
  if (!parsed) return { kind: "problem", reason: "not a milestone name", prose: false, here: null };
  const earlier = seen.get(parsed.key);
  if (earlier) return { kind: "problem", reason: `the milestone “${parsed.label}” again (first on line ${earlier.line})`, prose: false, here: null };
  const milestone = { key: parsed.key, label: parsed.label, date, timeZone: /\baoe\b/i.test(dateText) ? "AoE" : "UTC", line: number, heading };
  return { kind: "milestone", milestone, here };
}
