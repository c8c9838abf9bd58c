import { headingMeaning, isKnownArea, type HeadingMeaning } from "./headings.js";

/**
 * Where a status mail's headings and titled entries are, found before any item is read: which
 * lines are headings (in each shape release managers write them), which are the title of an
 * entry (a title underlined by `-----` with its links below, as regzbot's reports list each
 * regression), and which lines are only underlines. A heading's meaning can depend on the rest of
 * the mail (a `** Automation **` among `** Arm **:` and `** x86 **:` is an area too; a section
 * holding entries groups them), so it is settled here too.
 */

export type HeadingShape = "equals" | "stars" | "underline" | "framed" | "colon" | "numbered" | "sentence";

export interface LayoutHeading {
  kind: "heading";
  index: number;
  level: number;
  name: string;
  indent: number;
  shape: HeadingShape;
  /** What the heading says, where the mail around it settles it (siblings, entries); else null. */
  preset: HeadingMeaning | null;
}

export interface LayoutEntry {
  kind: "entry";
  index: number;
  title: string;
}

export interface Layout {
  at: (LayoutHeading | LayoutEntry | undefined)[];
  /** Lines that only underline (or overline) a heading or an entry's title: read as nothing. */
  underlines: Set<number>;
}

const EQUALS_HEADING = /^(={1,4})\s*(.+?)\s*\1\s*$/;
const STAR_HEADING = /^(\*{2,3})\s*(.+?)\s*\1\s*:?\s*$/;
export const UNDERLINE = /^\s*(-{3,}|={3,})\s*$/;
const COLON_HEADING = /^\s{0,2}([A-Za-z][^:]{0,60}):\s*$/;
export const NUMBERED_HEADING = /^(\d{1,2})[.)]\s+(\S.*?)\s*:?$/;
export const MARKER = /^(\s*)(?:([*\-+•])|(\d{1,2})[.)]|([A-Z])\.)\s+(.*\S)\s*$/;
export const DETAIL = /^\s+(owners?|status|note|probability|prognosis|who|information from|s|o|e|p)\s*:\s*(.*)$/i;
const BARE_URL_LINE = /^\s*(?:[*-]\s+)?https?:\/\/\S+\s*$/;
/** "Also, below is the (updated) critical items on my list for 4.18 release:": a sentence that introduces a list. */
const SENTENCE = /^\s{0,2}([A-Za-z(][^:]{8,160}):\s*$/;

const words = (text: string) => text.trim().split(/\s+/).length;
const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * `isMilestone(line)`: whether a line reads as a timeline line naming a standard milestone
 * (`- Feature freeze      Fri Jun 2, 2023`); a section of several such lines is the timeline,
 * whatever its heading says ("** Proposed option: Wed Aug 2, 2023 **").
 */
export function readLayout(lines: readonly string[], isMilestone: (line: string) => boolean = () => false): Layout {
  const underlines = new Set<number>();
  // The next non-blank line after each line, found in one pass so a long run of blank lines costs nothing.
  const next = new Int32Array(lines.length + 1).fill(-1);
  for (let index = lines.length - 1; index >= 0; index--) next[index] = lines[index + 1] !== undefined && lines[index + 1]!.trim() !== "" ? index + 1 : next[index + 1]!;
  const nextLine = (index: number): string | undefined => (next[index]! >= 0 ? lines[next[index]!] : undefined);

  let inEntry = false;
  const found = (index: number): LayoutHeading | LayoutEntry | undefined => {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === "" || underlines.has(index)) return undefined;
    const heading = (level: number, name: string, shape: HeadingShape): LayoutHeading => ({ kind: "heading", index, level, name, indent: indentOf(line), shape, preset: null });
    const equals = EQUALS_HEADING.exec(trimmed);
    if (equals && !UNDERLINE.test(trimmed)) return heading(equals[1]!.length, equals[2]!, "equals");
    const stars = STAR_HEADING.exec(trimmed);
    if (stars) return heading(stars[1]!.length, stars[2]!, "stars");
    const above = lines[index - 1];
    const below = lines[index + 1];
    if (below !== undefined && UNDERLINE.test(below) && !MARKER.test(line)) {
      const rule = below.trim()[0]!;
      // Ruled above and below with the same character: a section of the mail, however long its name.
      if (above !== undefined && UNDERLINE.test(above) && above.trim()[0] === rule && !underlines.has(index - 1) && words(trimmed) <= 16) {
        underlines.add(index - 1);
        underlines.add(index + 1);
        return heading(1, trimmed, "framed");
      }
      // A title underlined by dashes with its links right below: one entry of a list, not a heading.
      if (rule === "-" && BARE_URL_LINE.test(nextLine(index + 1) ?? "")) {
        underlines.add(index + 1);
        return { kind: "entry", index, title: trimmed };
      }
      if (words(trimmed) <= 6) {
        underlines.add(index + 1);
        return heading(2, trimmed, "underline");
      }
    }
    // A line ending in ":" right below text carries that text on (a wrapped title), so only one with a blank line above it is a heading.
    const standsAlone = above === undefined || above.trim() === "";
    const colon = COLON_HEADING.exec(line);
    if (colon && !DETAIL.test(line) && !/https?:/.test(line)) {
      const name = colon[1]!.trim();
      const meaning = headingMeaning(name);
      if (meaning.kind === "timeline" && words(name) <= 10) return heading(1, name, "colon");
      if (standsAlone && !inEntry && words(name) <= 4 && (meaning.kind !== "unknown" || MARKER.test(nextLine(index) ?? ""))) return heading(4, name, "colon");
    }
    // `1. Deferred` over a blank line; a numbered line with its text right below is an item (`4. Licensing issues` / its link).
    const numbered = NUMBERED_HEADING.exec(line);
    if (numbered && words(numbered[2]!) <= 4 && (below === undefined || below.trim() === "")) {
      const meaning = headingMeaning(numbered[2]!);
      if (meaning.kind === "bucket" || meaning.kind === "open" || meaning.kind === "timeline") return heading(2, numbered[2]!, "numbered");
    }
    // A sentence that ends in ":" and names a list (of items, blockers, issues…), with the list right below it.
    const sentence = SENTENCE.exec(line);
    if (sentence && standsAlone && !inEntry && !MARKER.test(line) && !DETAIL.test(line) && !/https?:/.test(line) && words(sentence[1]!) >= 5 && MARKER.test(nextLine(index) ?? "")) {
      const meaning = sentenceMeaning(sentence[1]!);
      if (meaning.kind === "bucket" || meaning.kind === "open") return { ...heading(4, sentence[1]!.trim(), "sentence"), preset: meaning };
    }
    return undefined;
  };

  const at: (LayoutHeading | LayoutEntry | undefined)[] = new Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const item = found(index);
    at[index] = item;
    if (item?.kind === "entry") inEntry = true;
    else if (item?.kind === "heading") inEntry = false;
  }
  settleMeanings(at, lines, isMilestone);
  return { at, underlines };
}

/** What a sentence heading says, without taking its comma-separated words for an area ("Also, below is…"). */
function sentenceMeaning(text: string): HeadingMeaning {
  const meaning = headingMeaning(text.replace(/,/g, " "));
  if (meaning.kind === "bucket" || meaning.kind === "open") return { ...meaning, area: null };
  return meaning;
}

/** Shorter than this, in words and characters, a heading may name an area. */
const AREA_WORDS = 3;
const AREA_CHARS = 40;

/**
 * Headings whose meaning the rest of the mail gives: one that is not a bucket, an area or the
 * timeline is the timeline when two or more of its lines are standard milestones with a date, an
 * area when it holds entries (regzbot's "current cycle (v6.8.. aka v6.9-rc), culprit
 * identified"), or when it is short and written in the same shape and level as a heading that
 * names a known area (`** Automation **` beside `** Arm **:`).
 */
function settleMeanings(at: readonly (LayoutHeading | LayoutEntry | undefined)[], lines: readonly string[], isMilestone: (line: string) => boolean): void {
  const headings = at.filter((item): item is LayoutHeading => item?.kind === "heading");
  const areaShapes = new Set(headings.filter((heading) => headingMeaning(heading.name).kind === "area").map((heading) => `${heading.shape}${heading.level}`));
  const holdsEntries = new Set<LayoutHeading>();
  const open: LayoutHeading[] = [];
  const milestoneLines = new Map<LayoutHeading, number>();
  at.forEach((item, index) => {
    if (!item) {
      const top = open[open.length - 1];
      if (top && lines[index]!.trim() !== "" && isMilestone(lines[index]!)) milestoneLines.set(top, (milestoneLines.get(top) ?? 0) + 1);
      return;
    }
    if (item.kind === "heading") {
      while (open.length > 0 && open[open.length - 1]!.level >= item.level && open[open.length - 1]!.indent >= item.indent) open.pop();
      open.push(item);
    } else {
      const top = open[open.length - 1];
      if (top) holdsEntries.add(top);
    }
  });
  for (const heading of headings) {
    if (heading.preset) continue;
    if (headingMeaning(heading.name).kind !== "unknown") continue;
    if (holdsEntries.has(heading)) heading.preset = { kind: "area", area: heading.name };
    else if ((milestoneLines.get(heading) ?? 0) >= 2) heading.preset = { kind: "timeline" };
    else if (areaShapes.has(`${heading.shape}${heading.level}`) && words(heading.name) <= AREA_WORDS && heading.name.length <= AREA_CHARS && !isKnownArea(heading.name)) {
      heading.preset = { kind: "area", area: heading.name };
    }
  }
}
