import { bucketFromHeading, type Bucket } from "../model/buckets.js";
import { LIMITS, type Milestone } from "../model/schema.js";
import { parseItemLabel, type ItemLabel } from "../plan/labels.js";
import { milestoneName, sortMilestones } from "../plan/schedule.js";
import { parseDate } from "../util/dates.js";

/**
 * Reads a release-status mail in the Xen style: `== Bucket ==` headings, `* item` and ` - sub-item`
 * lines, `owner:` / `status:` lines under an item, and a `= Timeline =` block of `* Milestone: date`
 * lines. Pure: it returns what it found and every line it could not use, and never throws.
 */

export interface ImportedItem {
  label: ItemLabel;
  bucket: Bucket;
  owners: string[];
  note: string | null;
  probability: number | null;
  line: number;
  children: ImportedItem[];
}

export interface ImportProblem {
  line: number;
  text: string;
  reason: string;
}

export interface ImportedMail {
  subject: string | null;
  cycleMonths: number | null;
  milestones: Milestone[];
  items: ImportedItem[];
  /** Lines before the first heading: the mail's prose, not imported. */
  intro: { from: number; to: number } | null;
  problems: ImportProblem[];
}

export const MAX_IMPORT_BYTES = 2_000_000;

const HEADING = /^(={1,3})\s*(.+?)\s*\1\s*$/;
const ITEM = /^\*\s+(.+)$/;
const SUB_ITEM = /^\s+-\s+(.+)$/;
const DETAIL = /^\s+(owners?|status|note|probability|who)\s*:\s*(.*)$/i;
const TIMELINE_ENTRY = /^\*\s+(.+?)\s*:\s*(.+)$/;
/** "9-month release schedule", "a 9 months release cycle"; not "4 months into". */
const CYCLE = /\b(\d{1,2})[- ]months?\s+(?:release|schedule|cycle|development)/i;

type Section = { kind: "bucket"; bucket: Bucket } | { kind: "timeline" } | { kind: "unknown"; heading: string };

export function importMail(text: string, today = new Date().toISOString().slice(0, 10)): ImportedMail {
  const result: ImportedMail = { subject: null, cycleMonths: null, milestones: [], items: [], intro: null, problems: [] };
  if (text.length > MAX_IMPORT_BYTES) {
    result.problems.push({ line: 0, text: "", reason: `the mail is over ${MAX_IMPORT_BYTES / 1_000_000} MB; nothing was read` });
    return result;
  }
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let section: Section | undefined;
  let current: ImportedItem | undefined;
  let last: ImportedItem | undefined;
  const byLabel = new Map<string, ImportedItem>();
  const milestones = new Map<string, Milestone>();
  const problem = (line: number, text: string, reason: string) => result.problems.push({ line, text: text.slice(0, 200), reason });

  lines.forEach((raw, index) => {
    const number = index + 1;
    const line = raw.replace(/\u00a0/g, " ").trimEnd();
    if (section === undefined) {
      const subject = /^(?:subject:\s*)?(\[.+?\].*)$/i.exec(line) ?? /^subject:\s*(.+)$/i.exec(line);
      if (subject && result.subject === null && number <= 3) result.subject = subject[1]!.trim();
      const cycle = CYCLE.exec(line);
      if (cycle && result.cycleMonths === null) result.cycleMonths = Number(cycle[1]);
    }
    if (line.trim() === "") return;

    const heading = HEADING.exec(line.trim());
    if (heading) {
      const name = heading[2]!;
      const bucket = bucketFromHeading(name);
      if (/timeline|schedule|dates/i.test(name) && !bucket) section = { kind: "timeline" };
      else if (bucket) section = { kind: "bucket", bucket };
      else {
        section = { kind: "unknown", heading: name };
        problem(number, line, "a heading that is not a bucket (finished, on-track, fair, at risk, deferred, dropped) or the timeline; its items are not imported");
      }
      if (result.intro === null && number > 1) result.intro = { from: 1, to: number - 1 };
      current = undefined;
      last = undefined;
      return;
    }
    if (section === undefined) return; // Introduction: counted in `intro`, not imported.

    if (section.kind === "timeline") {
      const entry = TIMELINE_ENTRY.exec(line.trim());
      if (entry) {
        const name = milestoneName(entry[1]!);
        const date = parseDate(entry[2]!.replace(/\(.*\)/, "").trim(), today);
        if (!name) problem(number, line, "not a milestone name");
        else if (!date) problem(number, line, "a milestone whose date I cannot read");
        else milestones.set(name.key, { key: name.key, label: name.label, date, timeZone: /\baoe\b/i.test(entry[2]!) ? "AoE" : "UTC" });
        return;
      }
      const cycle = CYCLE.exec(line);
      if (cycle && result.cycleMonths === null) {
        result.cycleMonths = Number(cycle[1]);
        return;
      }
      problem(number, line, "not a `* Milestone: date` line");
      return;
    }
    if (section.kind === "unknown") {
      problem(number, line, `under the heading “${section.heading}”, which is not imported`);
      return;
    }

    const detail = DETAIL.exec(line);
    if (detail && last) {
      applyDetail(last, detail[1]!.toLowerCase(), detail[2]!.trim(), () => problem(number, line, "a detail line whose value I cannot use"));
      return;
    }
    const sub = SUB_ITEM.exec(line);
    if (sub) {
      if (!current) {
        problem(number, line, "a sub-item with no item above it");
        return;
      }
      const child = makeItem(sub[1]!, section.bucket, number, problem);
      if (child) {
        current.children.push(child);
        last = child;
      }
      return;
    }
    const item = ITEM.exec(line);
    if (item) {
      const made = makeItem(item[1]!, section.bucket, number, problem);
      if (!made) return;
      const key = labelKey(made.label);
      const earlier = byLabel.get(key);
      if (earlier) {
        // The same parent listed again under another bucket, with the sub-items that are there.
        current = earlier;
        last = earlier;
        if (earlier.children.length === 0) {
          problem(number, line, `listed again (first on line ${earlier.line}); only items with sub-items may repeat`);
          current = undefined;
          last = undefined;
        }
        return;
      }
      byLabel.set(key, made);
      result.items.push(made);
      current = made;
      last = made;
      return;
    }
    problem(number, line, "not a heading, `* item`, ` - sub-item` or `owner:`/`status:` line");
  });

  // A parent repeated with no sub-items the second time round was reported above; one that has
  // sub-items the first time but none later is fine.
  result.milestones = sortMilestones([...milestones.values()]);
  return result;
}

function labelKey(label: ItemLabel): string {
  return `${label.title.toLowerCase()}\u0000${(label.qualifier ?? "").toLowerCase()}`;
}

function makeItem(text: string, bucket: Bucket, line: number, problem: (line: number, text: string, reason: string) => void): ImportedItem | undefined {
  const label = parseItemLabel(text);
  if (!label.title) {
    problem(line, text, "an item with no title");
    return undefined;
  }
  if (label.title.length > LIMITS.title) {
    problem(line, text, `a title over ${LIMITS.title} characters`);
    return undefined;
  }
  if (label.qualifier && label.qualifier.length > LIMITS.qualifier) {
    problem(line, text, `a qualifier over ${LIMITS.qualifier} characters`);
    return undefined;
  }
  return { label, bucket, owners: [], note: null, probability: null, line, children: [] };
}

function applyDetail(item: ImportedItem, key: string, value: string, bad: () => void): void {
  if (key === "status" || key === "note") {
    if (value.length > LIMITS.note) return bad();
    item.note = item.note ? `${item.note} ${value}` : value || null;
    return;
  }
  if (key === "probability") {
    const percent = /^(\d{1,3})\s*%?$/.exec(value);
    if (!percent || Number(percent[1]) > 100) return bad();
    item.probability = Number(percent[1]);
    return;
  }
  const owners = value
    .split(/\s*,\s*|\s+and\s+/)
    .map((name) => name.trim())
    .filter(Boolean);
  if (owners.some((name) => name.length > LIMITS.name) || item.owners.length + owners.length > LIMITS.listEntries) return bad();
  item.owners.push(...owners);
}
