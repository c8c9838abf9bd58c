import { milestoneName } from "../plan/schedule.js";
import { parseMailDate } from "./mail-dates.js";
import type { TimelineMilestone } from "./timeline.js";

/**
 * Milestones a mail gives in a sentence rather than a timeline: "The hard code freeze date will be
 * in two weeks, i.e. Fri Oct 6, 2023.", "The planned date for 4.18 rc1 is this Friday, i.e. Sep 29,
 * 2023.", "As the feature freeze date is around the corner (Sep. 9, 2022)". A sentence is read only
 * when it names exactly one standard milestone and gives exactly one date: "before RC1 deadline"
 * next to "a first release candidate" names two, and is left alone rather than guessed at.
 */

/** Longest first, so "hard code freeze" is not also read as "code freeze". */
const PHRASES = ["last posting date", "hard code freeze", "code freezing point", "code freeze", "feature freeze", "hard freeze", "release date", "first release candidate", "release candidate", "first rc", "rc\\s?\\d{1,2}"];
const PHRASE = new RegExp(`\\b(?:\\d+\\.\\d+\\s+)?(${PHRASES.join("|")})\\b`, "gi");

const MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const WEEKDAY = "(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?";
const DAY = "\\d{1,2}(?:st|nd|rd|th)?";
const DATE = new RegExp(`\\b(?:${WEEKDAY}${MONTH}\\s+${DAY}(?:,?\\s+\\d{4})?|${WEEKDAY}${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+\\d{4})?|\\d{4}-\\d{2}-\\d{2})\\b`, "gi");

export interface ProseLine {
  line: number;
  text: string;
}

/**
 * The milestones in paragraphs of prose (runs of lines with no blank line between them), dated
 * from `asOf` when the year is left out. `known` milestones (from the timeline) are not given again,
 * under their key or as a milestone of that date whose name holds the sentence's words.
 */
export function proseMilestones(paragraphs: readonly ProseLine[][], asOf: string, known: ReadonlyMap<string, { date: string; label: string }>): TimelineMilestone[] {
  const found: TimelineMilestone[] = [];
  const keys = new Set(known.keys());
  // A sentence about a milestone the timeline has already ("Every milestone has passed (first release candidate was 30 July 2012)") is the same milestone.
  const taken = [...known.values()].map((milestone) => ({ date: milestone.date, label: milestone.label.toLowerCase() }));
  for (const paragraph of paragraphs) {
    // Sentences across the paragraph's lines, each remembering the line it starts on and where each line begins.
    const starts: { offset: number; line: number }[] = [];
    let text = "";
    for (const part of paragraph) {
      starts.push({ offset: text.length, line: part.line });
      text += `${part.text.trim()} `;
    }
    const lineAt = (offset: number) => [...starts].reverse().find((start) => start.offset <= offset)?.line ?? paragraph[0]!.line;
    for (const sentence of sentencesOf(text)) {
      const phrases = [...sentence.text.matchAll(PHRASE)].map((match) => match[1]!.toLowerCase().replace(/\s+/g, " "));
      const dates = [...sentence.text.matchAll(DATE)];
      if (new Set(phrases).size !== 1 || dates.length !== 1) continue;
      const name = milestoneName(phrases[0]!.replace(/^first release candidate$|^release candidate$|^first rc$/, "rc1").replace(/^rc (\d)/, "rc$1"));
      const date = parseMailDate(dates[0]![0], asOf);
      if (!name || !date || keys.has(name.key) || taken.some((other) => other.date === date && other.label.includes(phrases[0]!))) continue;
      keys.add(name.key);
      taken.push({ date, label: name.label.toLowerCase() });
      found.push({ key: name.key, label: name.label, date, timeZone: "UTC", line: lineAt(sentence.offset + dates[0]!.index!), heading: null });
    }
  }
  return found;
}

/** Sentences end at ". ", "! ", "? " (not after a one-letter abbreviation or "i.e."), and at the end. */
function sentencesOf(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  const end = /(?<!\b(?:i\.e|e\.g|[A-Za-z]|[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]ct|[Nn]ov|[Dd]ec))[.!?]\s+/g;
  for (let match = end.exec(text); match; match = end.exec(text)) {
    out.push({ text: text.slice(start, match.index + 1), offset: start });
    start = match.index + match[0].length;
  }
  if (start < text.length && text.slice(start).trim()) out.push({ text: text.slice(start), offset: start });
  return out;
}
