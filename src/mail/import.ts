import { parseBucket, type Bucket } from "../model/buckets.js";
import { cleanTyped } from "../util/typed-text.js";
import { addMonths } from "../util/dates.js";
import { LIMITS } from "../model/schema.js";
import { parseItemLabel, type ItemLabel } from "../plan/labels.js";
import { sortMilestones, STANDARD_MILESTONES } from "../plan/schedule.js";
import { headingMeaning, isKnownArea, type HeadingMeaning } from "./headings.js";
import { DETAIL, MARKER, NUMBERED_HEADING, readLayout, UNDERLINE } from "./layout.js";
import { readTimelineLine, type TimelineMilestone } from "./timeline.js";
import { proseMilestones, type ProseLine } from "./prose-dates.js";

/**
 * Reads a release-status mail's body: headings in the forms release managers use (`== X ==`,
 * `** X **:`, `Area:`, `hypervisor, blockers:`, underlined, numbered), the items under them (`* `,
 * `- `, `1. `, `A. `, `[PATCH vN 00/NN]`, `S:/O:/E:/P:` stanzas, trailing `(Name, Name)` owners,
 * tags, links) and timelines (`* Milestone: date`, `date -- milestone`, `Friday 24th September
 * Milestone`, `<== We are here`). Pure: it returns what it found and every line it could not use,
 * and never throws.
 */

/** Where an item's bucket came from: its heading, its own status (`DONE`, `Status: merged`), or neither. */
export type BucketSource = "heading" | "status" | "default";

export interface ImportedItem {
  label: ItemLabel;
  bucket: Bucket;
  bucketSource: BucketSource;
  /** The grouping it was listed under ("x86", "toolstack"), when the mail groups by area. */
  area: string | null;
  /** The heading it was listed under, as written. */
  heading: string | null;
  owners: string[];
  note: string | null;
  probability: number | null;
  links: string[];
  /** `[CHECK]`, `[BUG]`, `blocker`, `+` (changed since the last mail). */
  tags: string[];
  line: number;
  children: ImportedItem[];
}

export interface ImportProblem {
  line: number;
  text: string;
  reason: string;
  /** Prose is reported as ranges; the rest line by line. */
  prose?: boolean;
}

export type ImportedMilestone = TimelineMilestone;

export interface MailEnvelope {
  subject: string | null;
  from: string | null;
  /** The mail's Date header, as YYYY-MM-DD: what years left out and "as of" are taken from. */
  date: string | null;
  messageId: string | null;
  /** Set when line numbers count the decoded body rather than the file (base64, multipart). */
  decoded?: boolean;
}

export interface ImportedMail {
  subject: string | null;
  from: string | null;
  asOf: string | null;
  messageId: string | null;
  cycleMonths: number | null;
  /**
   * When the cycle started, YYYY-MM-DD: "4 months into our 9-month schedule" counted back from the
   * mail's Date (or the day it is read, when it has none). Null when the mail does not say.
   */
  cycleStart: string | null;
  milestones: ImportedMilestone[];
  /** The `<== We are here` line, and the milestone on it if it names one. */
  current: { line: number; text: string; milestone: string | null } | null;
  items: ImportedItem[];
  /** Lines before the first heading: the mail's prose, not imported. */
  intro: { from: number; to: number } | null;
  /** Every heading read, in order. */
  headings: { line: number; name: string; meaning: HeadingMeaning["kind"] }[];
  /** Lines that say a list is empty ("None", "No known issues"): read, nothing to import. */
  emptyLists: number;
  problems: ImportProblem[];
  decoded: boolean;
  /** How many lines the body has. */
  lines: number;
  /** Control and direction characters left out of the text (see src/util/typed-text.ts), when there were any. */
  removed?: { lines: number; chars: string[] };
}

export const MAX_IMPORT_BYTES = 2_000_000;

/** `Status: …` with no indent, read as a detail when it follows an item's lines directly. */
const UNINDENTED_DETAIL = /^(owners?|status|note|probability|prognosis|information from)\s*:\s*(.*)$/i;
const URL = /\bhttps?:\/\/\S+/g;
const QUOTED_URL = /^\s*>\s*(https?:\/\/\S+)\s*$/;
const BARE_URL = /^\s*(https?:\/\/\S+)\s*$/;
const EMPTY_ITEM = /^(none( known)?|no known (issues|problems)|nothing( yet)?|n\/a|-)\.?$/i;
const PROGRESS = /^\d+\s*\/\s*\d+\b|^\d{1,3}\s*%/;
/** "9-month release schedule", "a 9 months release cycle"; not "4 months into". */
const CYCLE = /\b(\d{1,2})[- ]months?\s+(?:release|schedule|cycle|development)/i;
/** "We're 4 months into our estimated 9-months release schedule": where the mail stood. */
const MONTHS_INTO = /\b(\d{1,2})\s+months?\s+into\b/i;
/** "Month 4 of 9": how Stocktake's own export says it. */
const MONTH_OF = /\bmonth (\d{1,2}) of (?:a )?(\d{1,2})\b/i;
/** `[CHECK]`, `[BUG]`, regzbot's `[ *NEW* ]`. */
const TAG = /^\[\s*(CHECK|BUG|BUG\(\?\)|\*?NEW\*?|REGRESSION|FIXED)\s*\]\s*/i;
/** A patch series' subject tag: `[PATCH v5 00/14]`, `[XEN v6 0/3]`, `[v2,1/4]`, `[RFC XEN PATCH v6 0/5]`. */
const PATCH = /^\[(?=[^\]]*(?:\bPATCH\b|\bRFC\b|\bv\d+\b|\b\d+\/\d+\b))[^\]]{1,60}\]\s*/i;
/** "was sent", "were merged", "have been merged already": a sub-bullet that says where the item above stands. */
const STATUS_SENTENCE = /\b(?:was|were|is|are|be|being|has been|have been|got|gets?)\s+(?:\w+\s+){0,2}?(?:sent|merged|posted|committed|applied|reviewed|acked|pushed|released|reverted|rebased|resent|picked up|queued|dropped)\b/i;
/** A prognosis in the item's title, as Xen 4.5 and 4.6 updates give it: `* Xen Boot Order (fair)`. */
const PROGNOSIS_PAREN = /\s*\((none|fair|ok|good|done|excellent|poor|very poor)\)\s*$/i;
const DONE_WORD = /^(done|merged|committed|completed?|finished|in tree|fixed)\b/i;
/** `DONE`, `DONE for 4.2` in an owner list: written in capitals, so "Done Right" stays a name. */
const DONE_MARK = /^(DONE|MERGED|COMMITTED|FIXED)\b/;
/** A trailing "(not for this release)" or "(believed newly resolved)" is the item's status. */
const STATUS_PAREN = /\s*\(((?:believed )?(?:newly )?resolved|not for this release|deferred|done|merged|fixed)\)\s*$/i;

interface Frame {
  level: number;
  indent: number;
  name: string;
  meaning: HeadingMeaning;
}

interface Pending {
  item: ImportedItem;
  indent: number;
  text: string[];
  noteParts: string[];
  /** "title": the next line may carry the title on (it was wrapped); "body": lines below are its note. */
  phase: "title" | "body";
  /** The last line of the title, as written: whether it was wrapped shows in its length and last word. */
  lastLine: string;
}

export interface ImportOptions {
  /** YYYY-MM-DD: relative and year-less dates count from here when the mail has no Date. */
  today?: string;
  envelope?: MailEnvelope;
}

export function importMail(text: string, options: ImportOptions | string = {}): ImportedMail {
  const opts: ImportOptions = typeof options === "string" ? { today: options } : options;
  const envelope = opts.envelope;
  const result: ImportedMail = {
    subject: envelope?.subject ?? null,
    from: envelope?.from ?? null,
    asOf: envelope?.date ?? null,
    messageId: envelope?.messageId ?? null,
    cycleMonths: null,
    cycleStart: null,
    milestones: [],
    current: null,
    items: [],
    intro: null,
    headings: [],
    emptyLists: 0,
    problems: [],
    decoded: envelope?.decoded ?? false,
    lines: 0,
  };
  if (text.length > MAX_IMPORT_BYTES) {
    result.problems.push({ line: 0, text: "", reason: `the mail is over ${MAX_IMPORT_BYTES / 1_000_000} MB; nothing was read` });
    return result;
  }
  const removed = new Set<string>();
  let cleanedLines = 0;
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((raw) => {
      const typed = cleanTyped(raw.replace(/\u00a0/g, " ").replace(/\t/g, "        "));
      if (typed.removed.length > 0) {
        cleanedLines++;
        typed.removed.forEach((char) => removed.add(char));
      }
      return typed.text.trimEnd();
    });
  if (cleanedLines > 0) result.removed = { lines: cleanedLines, chars: [...removed] };
  result.lines = lines.length - (lines[lines.length - 1] === "" ? 1 : 0);
  const problem = (line: number, text: string, reason: string, prose = false) =>
    result.problems.push({ line, text: text.slice(0, 200), reason, ...(prose ? { prose: true } : {}) });

  // Headers at the top of a plain body ("Subject:", "Date:") are the envelope.
  for (let index = 0; index < Math.min(lines.length, 6); index++) {
    const line = lines[index]!;
    const subject = /^(?:subject:\s*)?(\[.+?\].*)$/i.exec(line) ?? /^subject:\s*(.+)$/i.exec(line);
    if (subject && result.subject === null && index < 3) result.subject = subject[1]!.trim();
    const date = /^date:\s*(.+)$/i.exec(line);
    if (date && result.asOf === null) {
      const parsed = Date.parse(date[1]!);
      if (!Number.isNaN(parsed)) result.asOf = new Date(parsed).toISOString().slice(0, 10);
    }
    const from = /^from:\s*(.+)$/i.exec(line);
    if (from && result.from === null) result.from = from[1]!.trim();
  }
  const today = result.asOf ?? opts.today ?? new Date().toISOString().slice(0, 10);

  const layout = readLayout(lines, (line) => {
    const read = readTimelineLine(line, 0, "", today, new Map());
    return read.kind === "milestone" && isStandardMilestone(read.milestone.key);
  });
  const underlines = layout.underlines;
  const stack: Frame[] = [];
  let started = false;
  let pending: Pending | undefined;
  let current: ImportedItem | undefined;
  let currentIndent = 0;
  let last: ImportedItem | undefined;
  let topIndent: number | undefined;
  /** The line before was part of the item being read (no blank line, heading or unread line since). */
  let blockOpen = false;
  /** A `Status:` line just read: unindented lines right after it carry its text on. */
  let lastDetail: { item: ImportedItem; key: string; line: string } | undefined;
  /** A status sub-bullet just read: deeper lines right after it carry it on. */
  let noteTarget: { item: ImportedItem; indent: number } | undefined;
  let entry: Entry | undefined;
  /** A note line of an item ending in ":" ("patches were merged to staging:"): the bullets right below it are what it lists. */
  let detailList: { item: ImportedItem; indent: number } | undefined;
  /** The note line just read under an item: a line right below at the same indent is the same paragraph, wrapped. */
  let noteLine: { item: ImportedItem; indent: number } | undefined;
  /** Items written before any heading, reported when the mail turns out to have none. */
  const headless: { line: number; text: string }[] = [];
  const byLabel = new Map<string, ImportedItem>();
  const milestones = new Map<string, ImportedMilestone>();
  /** A sub-item's parent, known when its line is read, used when the (possibly wrapped) item is finished. */
  const pendingParent = new Map<ImportedItem, ImportedItem>();
  /** Items that carry a prognosis, `* Credit2 hard affinity (fair)`: a bare name under one is its owner. */
  const withPrognosis = new Set<ImportedItem>();

  const section = (): Frame | undefined => stack[stack.length - 1];
  const context = () => {
    let bucket: Bucket | null = null;
    let area: string | null = null;
    let blocker = false;
    for (let index = stack.length - 1; index >= 0; index--) {
      const meaning = stack[index]!.meaning;
      if (meaning.kind === "bucket" && bucket === null) bucket = meaning.bucket;
      if ((meaning.kind === "bucket" || meaning.kind === "open") && meaning.blocker) blocker = true;
      if ((meaning.kind === "bucket" || meaning.kind === "open") && meaning.area && area === null) area = meaning.area;
      if (meaning.kind === "area" && area === null) area = meaning.area;
    }
    return { bucket, area, blocker };
  };

  const finish = () => {
    if (!pending) return;
    const done = pending;
    pending = undefined;
    finishItem(done, problem);
  };

  const finishEntry = () => {
    if (!entry) return;
    const done = entry;
    entry = undefined;
    const made = buildItem({ item: done.item, indent: 0, text: [done.title], noteParts: [], phase: "body", lastLine: done.title }, problem, withPrognosis);
    if (!made) return;
    for (const link of done.links) if (made.links.length < LIMITS.listEntries && link.length <= LIMITS.link && !made.links.includes(link)) made.links.push(link);
    made.note = joinNote(made.note, done.parts.join("; ") || null);
    addItem(made, done.title);
  };

  const noteOf = (item: ImportedItem, text: string, glue = "; ") => {
    const more = text.replace(/^>\s*/, "").replace(/\s+/g, " ").trim();
    if (!more) return;
    if (glue === " " && item.note) {
      const joined = `${item.note} ${more}`;
      item.note = joined.length > LIMITS.note ? `${joined.slice(0, LIMITS.note - 1)}…` : joined;
    } else item.note = joinNote(item.note, more);
  };

  lines.forEach((line, index) => {
    const number = index + 1;
    if (underlines.has(index)) return;
    if (!started) {
      const cycle = CYCLE.exec(line);
      if (cycle && result.cycleMonths === null) result.cycleMonths = Number(cycle[1]);
      const into = MONTHS_INTO.exec(line);
      if (into && result.cycleStart === null) result.cycleStart = addMonths(today, -Number(into[1]));
      const monthOf = MONTH_OF.exec(line);
      if (monthOf) {
        if (result.cycleMonths === null) result.cycleMonths = Number(monthOf[2]);
        if (result.cycleStart === null) result.cycleStart = addMonths(today, -Number(monthOf[1]));
      }
    }
    if (line.trim() === "") {
      blockOpen = false;
      lastDetail = undefined;
      noteTarget = undefined;
      detailList = undefined;
      noteLine = undefined;
      if (entry) entry.paragraph = true;
      return;
    }

    const found = layout.at[index];
    if (found?.kind === "heading") {
      finish();
      finishEntry();
      const meaning = found.preset ?? headingMeaning(found.name);
      // An indented heading does not close a less indented one of the same shape: `*** Completed ***:` holds `  *** Arm ***:`.
      while (stack.length > 0 && stack[stack.length - 1]!.level >= found.level && stack[stack.length - 1]!.indent >= found.indent) stack.pop();
      // A grouping nested under a bucket is an area of that bucket, whatever its name.
      const nested = stack.some((frame) => frame.meaning.kind === "bucket" || frame.meaning.kind === "open");
      const resolved: HeadingMeaning = meaning.kind === "unknown" && nested && found.name.length <= LIMITS.name ? { kind: "area", area: found.name } : meaning;
      stack.push({ level: found.level, indent: found.indent, name: found.name, meaning: resolved });
      result.headings.push({ line: number, name: found.name, meaning: resolved.kind });
      if (!started && number > 1) result.intro = { from: 1, to: number - 1 };
      started = true;
      if (resolved.kind === "unknown") {
        problem(number, line, "a heading that is not a bucket (finished, on-track, fair, at risk, deferred, dropped, open, blockers), an area or the timeline; its items are not imported");
      }
      current = undefined;
      last = undefined;
      topIndent = undefined;
      blockOpen = false;
      return;
    }
    if (found?.kind === "entry") {
      finish();
      finishEntry();
      if (!started && number > 1) result.intro = { from: 1, to: number - 1 };
      started = true;
      const { bucket, area, blocker } = context();
      entry = { item: newItem(bucket, area, blocker, section()?.name ?? null, number), title: found.title, links: [], parts: [], paragraph: true, indent: 0, last: "text", label: null };
      return;
    }
    if (entry) {
      readEntryLine(entry, line);
      return;
    }
    const frame = section();
    if (!frame) {
      // Introduction: counted in `intro`, not imported; a list here is reported if no heading ever comes.
      const marker = MARKER.exec(line);
      if (marker && !EMPTY_ITEM.test(marker[5]!.trim())) headless.push({ line: number, text: line });
      return;
    }

    if (frame.meaning.kind === "timeline") {
      if (/^last updated:/i.test(line.trim())) return;
      const cycle = CYCLE.exec(line);
      if (cycle) {
        if (result.cycleMonths === null) result.cycleMonths = Number(cycle[1]);
        return;
      }
      const read = readTimelineLine(line, number, frame.name, today, milestones);
      if (read.kind === "milestone") {
        milestones.set(read.milestone.key, read.milestone);
        if (read.here) result.current = { line: number, text: read.milestone.label, milestone: read.milestone.key };
      } else {
        if (read.here !== null) result.current = { line: number, text: read.here, milestone: null };
        problem(number, line, read.reason, read.prose);
      }
      return;
    }
    if (frame.meaning.kind === "unknown") {
      problem(number, line, `under the heading “${frame.name}”, which is not imported`, true);
      return;
    }

    const indent = line.length - line.trimStart().length;
    // `title [` and the link on the lines below, up to the `]` that closes it (`]: 1/3 were merged.`).
    if (pending && bracketOpen(pending.text) && (/^\s*\]/.test(line) || /^\s*https?:\/\/\S+(?:\s*\].*)?$/.test(line))) {
      pending.text.push(line.trim());
      if (line.includes("]")) pending.phase = "body";
      blockOpen = true;
      return;
    }
    // A `]:` left after the link, its `[` missing (`* [PATCH v8 00/17] title` / link / `]:`): what follows it is the status.
    const closing = /^\s*\]\s*:?\s*(.*)$/.exec(line);
    if (pending && closing && blockOpen) {
      if (closing[1]) pending.noteParts.push(closing[1]);
      pending.phase = "body";
      return;
    }
    const target = pending?.item ?? last;
    const detail = DETAIL.exec(line) ?? (blockOpen ? UNINDENTED_DETAIL.exec(line) : null);
    if (detail && target) {
      finish();
      const key = detail[1]!.toLowerCase();
      // A second `status:` line right below the first carries it on; after other lines it is a part of its own.
      const carriesOn = lastDetail?.item === target;
      applyDetail(target, key, detail[2]!.trim(), () => problem(number, line, "a detail line whose value I cannot use"), carriesOn);
      lastDetail = key === "status" || key === "note" || key === "s" ? { item: target, key, line } : undefined;
      noteTarget = undefined;
      blockOpen = true;
      return;
    }
    const quoted = QUOTED_URL.exec(line) ?? BARE_URL.exec(line);
    if (quoted && target) {
      let url = quoted[1]!;
      // A URL the mailer wrapped: the next line carries on with no spaces and no scheme.
      const next = lines[index + 1];
      if (next !== undefined && /^\s*[\w./%#?=&-]+\s*$/.test(next) && !MARKER.test(next) && !/^\s*https?:/.test(next) && /[/.]$|\.html?$|msg/.test(url + next.trim())) {
        url += next.trim();
        underlines.add(index + 1);
      }
      if (target.links.length < LIMITS.listEntries && url.length <= LIMITS.link) target.links.push(url);
      if (pending) pending.phase = "body";
      lastDetail = undefined;
      blockOpen = true;
      return;
    }
    const marker = MARKER.exec(line);
    if (marker) {
      const body = marker[5]!;
      const { bucket, area, blocker } = context();
      lastDetail = undefined;
      noteTarget = undefined;
      if (EMPTY_ITEM.test(body.trim())) {
        finish();
        result.emptyLists++;
        blockOpen = false;
        return;
      }
      // `- 6/12 are merged`, `- new patch series version [v7] was sent`: the state of the item above, not a sub-item.
      const owner = pending && indent > pending.indent ? pending.item : !pending && last && indent > currentIndent ? last : undefined;
      if (owner && detailList && detailList.item === owner && blockOpen && indent >= detailList.indent) {
        if (pending && owner === pending.item && pending.noteParts.length > 0) {
          const lastPart = pending.noteParts[pending.noteParts.length - 1]!;
          pending.noteParts[pending.noteParts.length - 1] = `${lastPart}${lastPart.endsWith(":") ? " " : "; "}${body}`;
        } else noteOf(owner, body, owner.note?.endsWith(":") ? " " : "; ");
        blockOpen = true;
        return;
      }
      detailList = undefined;
      if (owner && isStatusNote(body)) {
        if (pending && owner === pending.item) pending.noteParts.push(body);
        else noteOf(owner, body);
        noteTarget = { item: owner, indent };
        blockOpen = true;
        return;
      }
      finish();
      const isSub = current !== undefined && topIndent !== undefined && indent > topIndent;
      // `  -  Wei Liu` under `* Xen Boot Order (fair)`: the developer working on it.
      // Under an item of a mail that writes prognoses, as the 4.5 and 4.6 updates do (their finished items lose theirs).
      if (isSub && (withPrognosis.has(current!) || withPrognosis.size > 0) && namesOnly(body)) {
        addOwners(current!, body.replace(/\s*<[^>]*>/g, ""));
        last = current;
        blockOpen = true;
        return;
      }
      if (!isSub && topIndent === undefined && indent > 0 && marker[2] === "-") {
        // ` - x` before any item, with a shallower item after it: a sub-item with no parent.
        let afterIndent = indent;
        for (const candidate of lines.slice(index + 1)) {
          if (NUMBERED_HEADING.test(candidate) || UNDERLINE.test(candidate)) break;
          if (/^\s*(=|\*\*)/.test(candidate) && candidate.trim().endsWith(candidate.trim()[0]!)) break;
          const next = MARKER.exec(candidate);
          if (next && !EMPTY_ITEM.test(next[5]!.trim())) {
            afterIndent = next[1]!.length;
            break;
          }
        }
        if (afterIndent < indent) {
          problem(number, line, "a sub-item with no item above it");
          blockOpen = false;
          return;
        }
      }
      if (topIndent === undefined || (!isSub && indent < topIndent)) topIndent = indent;
      const item = newItem(bucket, area, blocker, frame.name, number);
      if (marker[2] === "+") item.tags.push("+");
      pending = { item, indent, text: [body], noteParts: [], phase: "title", lastLine: line };
      if (isSub) pendingParent.set(item, current!);
      blockOpen = true;
      return;
    }
    // A line right below a status sub-bullet, deeper than it: the status carries on.
    if (noteTarget && blockOpen && indent > noteTarget.indent) {
      if (pending && noteTarget.item === pending.item && pending.noteParts.length > 0) pending.noteParts[pending.noteParts.length - 1] += ` ${line.trim()}`;
      else noteOf(noteTarget.item, line, " ");
      return;
    }
    // Unindented lines right after `Status:` carry its text on.
    if (lastDetail && blockOpen) {
      // Wrapped where the mailer broke it, the status goes on; after a short one, a line of its own.
      noteOf(lastDetail.item, line.trim(), wrapped(lastDetail.line) ? " " : "; ");
      lastDetail.line = line;
      return;
    }
    if (pending) {
      const deeper = indent > pending.indent;
      const paren = /^\s*\(.*\)\s*$/.test(line);
      if (pending.phase === "title" && blockOpen && (wrapped(pending.lastLine) || (paren && deeper))) {
        // The item's title goes on: its line was wrapped where the mailer broke it.
        pending.text.push(line.trim());
        pending.lastLine = line;
        return;
      }
      if (deeper || (blockOpen && pending.phase === "body")) {
        // Below the title (after its link, `Status:` or a short title): what the mail says of the item.
        const text = line.trim();
        if (blockOpen && noteLine?.item === pending.item && noteLine.indent === indent && !text.startsWith(">") && pending.noteParts.length > 0) {
          pending.noteParts[pending.noteParts.length - 1] += ` ${text}`;
        } else pending.noteParts.push(text.replace(/^>\s*/, ""));
        noteLine = { item: pending.item, indent };
        pending.phase = "body";
        if (line.trim().endsWith(":")) detailList = { item: pending.item, indent };
        blockOpen = true;
        return;
      }
    }
    if (last && indent > currentIndent) {
      const paren = /^\s*\((.*)\)\s*$/.exec(line);
      if (paren && namesOnly(paren[1]!)) {
        addOwners(last, paren[1]!);
        return;
      }
      const text = line.trim();
      const sameParagraph = blockOpen && noteLine?.item === last && noteLine.indent === indent && !text.startsWith(">");
      noteOf(last, text, sameParagraph ? " " : "; ");
      noteLine = { item: last, indent };
      blockOpen = true;
      return;
    }
    finish();
    blockOpen = false;
    problem(number, line, "not a heading, `* item`, ` - sub-item` or `owner:`/`status:` line", true);
  });
  finish();
  finishEntry();
  if (result.headings.length === 0 && result.items.length === 0 && headless.length > 0) {
    // A list with no heading above it: which list it is (finished, open, …) the mail does not say.
    // Then nothing of the text was read, so every line of it is reported, the list's lines each with that reason.
    const listed = new Set(headless.map((entryLine) => entryLine.line));
    lines.forEach((line, index) => {
      if (line.trim() === "" || listed.has(index + 1) || (index < 6 && /^(subject|date|from|to|cc|message-id):/i.test(line))) return;
      problem(index + 1, line, "no heading above it", true);
    });
    for (const entryLine of headless) problem(entryLine.line, entryLine.text, "an item with no heading above it, so I cannot tell which list it is in");
    result.intro = null;
  }

  function addItem(made: ImportedItem, firstLine: string): void {
    const key = labelKey(made.label);
    const earlier = byLabel.get(key);
    if (earlier) {
      problem(made.line, firstLine, `listed again (first on line ${earlier.line})`);
      return;
    }
    byLabel.set(key, made);
    result.items.push(made);
  }

  function finishItem(done: Pending, report: typeof problem): void {
    const made = buildItem(done, report, withPrognosis);
    const parent = pendingParent.get(done.item);
    if (!made) return;
    if (parent) {
      parent.children.push(made);
      last = made;
      return;
    }
    const key = labelKey(made.label);
    const earlier = byLabel.get(key);
    if (earlier) {
      // The same parent listed again under another bucket, with the sub-items that are there.
      current = earlier;
      last = earlier;
      currentIndent = done.indent;
      if (earlier.children.length === 0) {
        report(made.line, done.text[0] ?? "", `listed again (first on line ${earlier.line}); only items with sub-items may repeat`);
        current = undefined;
        last = undefined;
      }
      return;
    }
    byLabel.set(key, made);
    result.items.push(made);
    current = made;
    currentIndent = done.indent;
    last = made;
  }

  // Dates the mail gives in its prose ("The hard code freeze date will be … Fri Oct 6, 2023."): the introduction and the prose it did not read.
  const proseLines = new Set(result.problems.filter((entryProblem) => entryProblem.prose).map((entryProblem) => entryProblem.line));
  const introTo = result.headings.length === 0 && result.items.length === 0 ? lines.length : (result.intro?.to ?? 0);
  const paragraphs: ProseLine[][] = [];
  let paragraph: ProseLine[] = [];
  lines.forEach((line, index) => {
    const eligible = line.trim() !== "" && (index < introTo || proseLines.has(index + 1)) && !(index < 6 && /^(subject|date|from|to|cc|message-id):/i.test(line));
    if (eligible) paragraph.push({ line: index + 1, text: line });
    else if (paragraph.length > 0) {
      paragraphs.push(paragraph);
      paragraph = [];
    }
  });
  if (paragraph.length > 0) paragraphs.push(paragraph);
  for (const milestone of proseMilestones(paragraphs, today, milestones)) milestones.set(milestone.key, milestone);

  result.milestones = sortMilestones([...milestones.values()]) as ImportedMilestone[];
  result.problems.sort((a, b) => a.line - b.line);
  return result;
}

/** A milestone every release has (feature freeze, code freeze, RC2, …), not one a mail names for itself. */
function isStandardMilestone(key: string): boolean {
  return /^rc\d+$/.test(key) || STANDARD_MILESTONES.some((standard) => standard.key === key);
}

/** One entry of a regzbot-style list: its title, then every line of its block until the next entry or heading. */
interface Entry {
  item: ImportedItem;
  title: string;
  links: string[];
  /** What the block says, a part per statement, for the note. */
  parts: string[];
  /** A blank line came since the last line. */
  paragraph: boolean;
  indent: number;
  /** The line before introduced a list (`Fix incoming:`), or was an activity count, a bullet or text. */
  last: "label" | "bullet" | "activity" | "text";
  label: string | null;
}

/** "5 days ago, by Oleg Nesterov; thread monitored.": when a posting under an entry was made, relative to the report. */
const POSTED_AGO = /^(?:\d+ (?:days?|hours?|weeks?|months?) ago|today|yesterday)\b/i;

/**
 * A line of an entry's block. Its links are the entry's links; `By A and B; 7 days ago; …` says who
 * reported it, `Introduced in …` where it began, and a list under `Fix incoming:` or `3 patch
 * postings are associated …:` what is being done; any other line goes into the note as written.
 * What says only how busy the report was (`Recent activities from: …`, a posting's "2 days ago,
 * by …") is left out of the note: it is a count, not the state of the entry.
 */
function readEntryLine(entry: Entry, line: string): void {
  const indent = line.length - line.trimStart().length;
  const bullet = /^\s*[*-]\s+/.test(line);
  const text = line.trim().replace(/^[*-]\s+/, "");
  for (const url of text.match(URL) ?? []) {
    const link = url.replace(/[).,;]+$/, "");
    if (!entry.links.includes(link)) entry.links.push(link);
  }
  const rest = text.replace(URL, "").replace(/\s+/g, " ").trim();
  const continues = !entry.paragraph && indent > entry.indent && entry.parts.length > 0;
  entry.paragraph = false;
  if (!rest) return;
  if (bullet) {
    entry.parts.push(`${listLabel(entry.label)}${rest}`);
    entry.last = "bullet";
    entry.indent = indent;
    return;
  }
  if (continues && (entry.last === "activity" || (entry.last === "bullet" && POSTED_AGO.test(rest)))) return;
  if (continues && entry.last !== "label") {
    entry.parts[entry.parts.length - 1] += ` ${rest}`;
    return;
  }
  entry.indent = indent;
  if (/^recent activities from:/i.test(rest)) {
    entry.last = "activity";
    return;
  }
  if (rest.endsWith(":")) {
    entry.label = rest.slice(0, -1);
    entry.last = "label";
    return;
  }
  const by = /^by (.+?)(?:;|,\s*\d+ \w+ ago|$)/i.exec(rest);
  const introduced = /^introduced in\s+(.+)$/i.exec(rest);
  if (by) {
    const names = [...new Set(by[1]!.split(/\s+and\s+|\s*,\s*/).map((name) => name.trim()).filter(Boolean))];
    entry.parts.push(`reported by ${names.join(", ")}`);
  } else if (introduced) entry.parts.push(`introduced in ${introduced[1]}`);
  else entry.parts.push(rest);
  entry.last = "text";
}

/** "Fix incoming" → "fix incoming: ", "3 patch postings are associated with this regression, the latest is this" → "patch: ". */
function listLabel(label: string | null): string {
  if (!label) return "";
  if (/\bpatch(?:es)?\b/i.test(label)) return "patch: ";
  return `${label.charAt(0).toLowerCase()}${label.slice(1)}: `;
}

function newItem(bucket: Bucket | null, area: string | null, blocker: boolean, heading: string | null, line: number): ImportedItem {
  return {
    label: { title: "", qualifier: null, external: false, partial: false },
    bucket: bucket ?? "on-track",
    bucketSource: bucket ? "heading" : "default",
    area,
    heading,
    owners: [],
    note: null,
    probability: null,
    links: [],
    tags: blocker ? ["blocker"] : [],
    line,
    children: [],
  };
}

function looksLikeName(part: string): boolean {
  const words = part.trim().split(/\s+/);
  return words.length >= 1 && words.length <= 4 && words.every((word) => /^[A-Z\u00C0-\u024F][\p{L}'.-]*$/u.test(word));
}

/** "(Jan Beulich)", "(Roger Pau Monne, DONE)", "(Ben & Jan Beulich)"; not "(Xen & Linux)". */
function trailingOwners(text: string): { rest: string; owners: string[]; done: boolean } | undefined {
  const match = /^(.*\S)?\s*\(([^()]+)\)\s*$/.exec(text);
  if (!match) return undefined;
  const parts = match[2]!.split(/\s*,\s*|\s+&\s+|\s+and\s+/).map((part) => part.trim()).filter(Boolean);
  const done = parts.some((part) => DONE_MARK.test(part));
  const names = parts.filter((part) => !DONE_MARK.test(part));
  if (names.length === 0 && !done) return undefined;
  if (!names.every(looksLikeName)) return undefined;
  if (!done && !names.some((name) => name.split(/\s+/).length >= 2)) return undefined;
  return { rest: (match[1] ?? "").trim(), owners: names, done };
}

function buildItem(done: Pending, problem: (line: number, text: string, reason: string) => void, withPrognosis: Set<ImportedItem>): ImportedItem | undefined {
  const item = done.item;
  let text = joinWrapped(done.text);
  for (const url of text.match(URL) ?? []) {
    const link = url.replace(/[).,;\]]+$/, "");
    if (item.links.length < LIMITS.listEntries && link.length <= LIMITS.link && !item.links.includes(link)) item.links.push(link);
  }
  text = text.replace(URL, (url) => url.slice(url.replace(/[).,;\]]+$/, "").length)).replace(/\s+/g, " ").trim();
  // `title [ link ]: 1/3 were merged.`: the link is taken; what follows the bracket is the item's status.
  const bracket = /\s*\[\s*\]\s*:?\s*(.*)$/.exec(text);
  let afterBracket: string | null = null;
  if (bracket) {
    afterBracket = bracket[1]!.trim() || null;
    text = text.slice(0, bracket.index).trim();
  }
  text = text.replace(/\s*\[\s*$/, "");
  for (let tag = TAG.exec(text); tag; tag = TAG.exec(text)) {
    item.tags.push(`[${tag[1]!.toUpperCase().replace(/\*/g, "")}]`);
    text = text.slice(tag[0].length);
  }
  const patch = PATCH.exec(text);
  if (patch) text = text.slice(patch[0].length);
  const trailingTag = /\s*\[(CHECK|BUG)\]\s*/i;
  const inner = trailingTag.exec(text);
  if (inner) {
    item.tags.push(`[${inner[1]!.toUpperCase()}]`);
    text = `${text.slice(0, inner.index)} ${text.slice(inner.index + inner[0].length)}`.trim();
  }
  // "Title (Name, Name) — merged": what follows the owners is a status.
  const dash = /^(.*?\))\s+(?:—|–|--)\s+(.+)$/.exec(text);
  let status: string | null = null;
  if (dash && trailingOwners(dash[1]!)) {
    text = dash[1]!;
    status = dash[2]!;
  }
  const prognosis = PROGNOSIS_PAREN.exec(text);
  if (prognosis) {
    text = text.slice(0, prognosis.index);
    setPrognosis(item, prognosis[1]!);
    withPrognosis.add(item);
  }
  const statusParen = STATUS_PAREN.exec(text);
  if (statusParen) {
    text = text.slice(0, statusParen.index);
    item.note = joinNote(item.note, statusParen[1]!);
    if (/resolved|done|merged|fixed/i.test(statusParen[1]!)) markDone(item);
    else if (item.bucketSource !== "heading") [item.bucket, item.bucketSource] = ["deferred", "status"];
  }
  const owners = trailingOwners(text);
  if (owners) {
    text = owners.rest;
    addOwners(item, owners.owners.join(", "));
    if (owners.done) markDone(item);
  }
  if (status) {
    item.note = joinNote(item.note, status);
    if (DONE_WORD.test(status)) markDone(item);
  }
  // A wrapped item: the title is its first sentence; the rest is its note.
  if (done.text.length > 1 || / -- /.test(text)) {
    const split = /^(.{3,}?)(?:\.\s+|\s+--\s+)(.+)$/.exec(text);
    if (split) {
      text = split[1]!;
      item.note = joinNote(split[2]!.replace(/\.$/, ""), item.note);
    }
    if (text.length > LIMITS.title) {
      const cut = text.slice(0, LIMITS.title - 1).replace(/\s+\S*$/, "");
      item.note = joinNote(text.slice(cut.length).trim(), item.note);
      text = `${cut}…`;
    }
  }
  text = text.replace(/(?<![.])[:.]$/, "").trim();
  if (afterBracket) {
    item.note = joinNote(item.note, afterBracket);
    if (DONE_WORD.test(afterBracket)) markDone(item);
  }
  for (const part of done.noteParts) item.note = joinNote(item.note, part);
  const label = parseItemLabel(text);
  if (!label.title) {
    problem(item.line, done.text[0] ?? "", "an item with no title");
    return undefined;
  }
  if (label.title.length > LIMITS.title) {
    problem(item.line, done.text[0] ?? "", `a title over ${LIMITS.title} characters`);
    return undefined;
  }
  if (label.qualifier && label.qualifier.length > LIMITS.qualifier) {
    problem(item.line, done.text[0] ?? "", `a qualifier over ${LIMITS.qualifier} characters`);
    return undefined;
  }
  if (!item.area) {
    const prefix = /^([\w-]+):\s/.exec(label.title);
    if (prefix && isKnownArea(prefix[1]!)) item.area = prefix[1]!;
  }
  item.label = label;
  return item;
}

/**
 * A status that is a bucket's own word, alone or before the rest of the sentence ("at risk",
 * "fair: waiting on review", "deferred - not for this release"): the item's bucket. Anything else
 * ("v3 posted") is only a note.
 */
function statedBucket(value: string): Bucket | undefined {
  const lead = /^(.+?)(?:\s*[:;,.]\s|\s+[-–—]\s|\s*\(|$)/.exec(value.trim());
  return lead ? parseBucket(lead[1]!) : undefined;
}

function markDone(item: ImportedItem): void {
  if (item.bucketSource !== "heading") {
    item.bucket = "done";
    item.bucketSource = "status";
  }
}

function joinNote(note: string | null, more: string | null): string | null {
  if (!more) return note;
  const joined = note ? `${note}; ${more}` : more;
  return joined.length > LIMITS.note ? `${joined.slice(0, LIMITS.note - 1)}…` : joined;
}

/** `owner: ?`, `owner: TBD`, `owner: none`: nobody is named. */
const NO_OWNER = /^(?:\?+|tbd|tba|none|nobody|no one|unknown|n\/a|-+)$/i;

function addOwners(item: ImportedItem, value: string): boolean {
  const owners = value
    .split(/\s*,\s*|\s+&\s+|\s+and\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== "" && !NO_OWNER.test(name));
  if (owners.some((name) => name.length > LIMITS.name) || item.owners.length + owners.length > LIMITS.listEntries) return false;
  for (const owner of owners) if (!item.owners.includes(owner)) item.owners.push(owner);
  return true;
}

function labelKey(label: ItemLabel): string {
  return `${label.title.toLowerCase()}\u0000${(label.qualifier ?? "").toLowerCase()}`;
}

function applyDetail(item: ImportedItem, key: string, value: string, bad: () => void, carriesOn = false): void {
  if (key === "status" || key === "note" || key === "s") {
    if (value.length > LIMITS.note) return bad();
    // Two status lines one below the other are one note, as the mail wrapped it.
    const stated = DONE_WORD.test(value) ? undefined : statedBucket(value);
    // A status that is only a bucket's word ("status: at risk") is said by the bucket; a note would repeat it.
    if (!(stated && parseBucket(value))) item.note = item.note ? (carriesOn ? `${item.note} ${value}` : joinNote(item.note, value)) : value || null;
    if (DONE_WORD.test(value)) markDone(item);
    else if (stated && item.bucketSource !== "heading") [item.bucket, item.bucketSource] = [stated, "status"];
    return;
  }
  if (key === "prognosis") {
    if (value.length > LIMITS.note) return bad();
    item.note = joinNote(item.note, `prognosis: ${value}`);
    const word = /^(very poor|[a-z]+)/i.exec(value);
    if (word && prognosisBucket(word[1]!)) setPrognosis(item, word[1]!, false);
    return;
  }
  if (key === "information from") {
    item.note = joinNote(item.note, `information from ${value}`);
    return;
  }
  if (key === "probability" || key === "p") {
    const percent = /^(\d{1,3})\s*%?$/.exec(value);
    if (!percent || Number(percent[1]) > 100) return bad();
    item.probability = Number(percent[1]);
    return;
  }
  if (key === "e") {
    const name = item.owners[item.owners.length - 1];
    const withMail = name ? `${name} <${value}>` : value;
    if (name && withMail.length <= LIMITS.name) item.owners[item.owners.length - 1] = withMail;
    else if (!name && !addOwners(item, value)) bad();
    return;
  }
  if (!addOwners(item, value)) bad();
}

/**
 * What a prognosis says, as Xen's release managers define it: "done - all done", "good - some last
 * minute pieces", "ok - patches posted", "fair - still working on it", "poor"; "none - nothing yet"
 * says nothing of the odds, so it moves nothing.
 */
function prognosisBucket(word: string): Bucket | undefined {
  const lower = word.toLowerCase();
  if (lower === "done") return "done";
  if (lower === "excellent" || lower === "good" || lower === "ok") return "on-track";
  if (lower === "fair") return "fair";
  if (lower === "poor" || lower === "very poor") return "at-risk";
  return undefined;
}

/** A prognosis given by the item itself: its bucket when no bucket heading gave one. */
function setPrognosis(item: ImportedItem, word: string, note = true): void {
  if (note) item.note = joinNote(item.note, `prognosis: ${word.toLowerCase()}`);
  const bucket = prognosisBucket(word);
  if (bucket && item.bucketSource !== "heading") [item.bucket, item.bucketSource] = [bucket, "status"];
}

/** The item's lines as one text: a word hyphenated at the end of a line ("self-" / "contained") is joined whole. */
function joinWrapped(parts: readonly string[]): string {
  let text = "";
  for (const part of parts) {
    const piece = part.trim();
    if (!piece) continue;
    text = text === "" ? piece : /[A-Za-z]-$/.test(text) && /^[a-z]/.test(piece) ? `${text}${piece}` : `${text} ${piece}`;
  }
  return text.replace(/\s+/g, " ").trim();
}

/** The item's text opens a `[` it has not closed yet: its link is on the lines below. */
function bracketOpen(parts: readonly string[]): boolean {
  const text = parts[parts.length - 1] ?? "";
  const all = parts.join(" ");
  return all.lastIndexOf("[") > all.lastIndexOf("]") && (/\[\s*$/.test(text) || /https?:\/\/\S+\s*$/.test(text));
}

/** A line the mailer broke: long, or ending in a word or sign that needs what follows. */
function wrapped(line: string): boolean {
  const trimmed = line.trimEnd();
  return trimmed.length >= 60 || /[-,(\[/&]$/.test(trimmed) || /\b(?:and|or|of|for|the|to|a|an|in|on|with|from|by|at|as|into|than|when|is|are|be|plus|via)$/i.test(trimmed);
}

/** A sub-bullet that says how the item above stands: `- 6/12 are merged`, `- new patch series version [v7] was sent`. */
function isStatusNote(text: string): boolean {
  return PROGRESS.test(text) || (STATUS_SENTENCE.test(text) && !PATCH.test(text) && !/^\[/.test(text));
}

/** "Wei Liu", "Elena Ufimtseva <ufimtseva@example.com>", "Ben & Jan Beulich": people, each named in two words or more. */
function namesOnly(text: string): boolean {
  const parts = text
    .replace(/\s*<[^>]*>/g, "")
    .split(/\s*,\s*|\s+&\s+|\s+and\s+/)
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every(looksLikeName) && parts.some((part) => part.split(/\s+/).length >= 2) && parts.every((part) => part.length <= LIMITS.name);
}
