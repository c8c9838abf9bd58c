import { BUCKET_INFO } from "../model/buckets.js";
import type { Feature } from "../model/schema.js";
import { describeTotal } from "../plan/summary.js";
import { formatLongDate } from "../util/dates.js";
import type { ImportedItem, ImportedMail, ImportProblem } from "./import.js";
import type { ImportReport } from "./import-into.js";

export interface HeadingCount {
  line: number;
  name: string;
  items: number;
  owners: number;
  links: number;
  milestones: number;
}

export interface UnreadRange {
  from: number;
  to: number;
  lines: number;
  reason: string;
  text: string;
}

function allItems(mail: ImportedMail): ImportedItem[] {
  return mail.items.flatMap((item) => [item, ...item.children]);
}

/** Items, owners, links and milestones the mail gave, by the heading they were under. */
export function headingCounts(mail: ImportedMail): HeadingCount[] {
  const counts = mail.headings.map((heading) => ({ line: heading.line, name: heading.name, items: 0, owners: new Set<string>(), links: 0, milestones: 0 }));
  const at = (line: number) => {
    let found: (typeof counts)[number] | undefined;
    for (const count of counts) if (count.line <= line) found = count;
    return found;
  };
  for (const item of allItems(mail)) {
    const count = at(item.line);
    if (!count) continue;
    count.items++;
    for (const owner of item.owners) count.owners.add(owner);
    count.links += item.links.length;
  }
  for (const milestone of mail.milestones) {
    const count = at(milestone.line);
    if (count) count.milestones++;
  }
  return counts.map((count) => ({ ...count, owners: count.owners.size }));
}

/** Totals for a mail: what the import-report table prints. */
export function mailTotals(mail: ImportedMail): { items: number; owners: number; milestones: number; links: number; unread: number } {
  const items = allItems(mail);
  return {
    items: items.length,
    owners: new Set(items.flatMap((item) => item.owners)).size,
    milestones: mail.milestones.length,
    links: items.reduce((sum, item) => sum + item.links.length, 0),
    unread: mail.problems.length,
  };
}

/**
 * Unread lines as the person reads them: a run of prose (lines apart only by blank lines) is one
 * range; anything else is its own line with its own reason.
 */
export function unreadRanges(problems: readonly ImportProblem[]): UnreadRange[] {
  const ranges: UnreadRange[] = [];
  for (const problem of problems) {
    const previous = ranges[ranges.length - 1];
    if (problem.prose && previous && previous.reason === problem.reason && problem.line - previous.to <= 2) {
      previous.to = problem.line;
      previous.lines++;
      continue;
    }
    ranges.push({ from: problem.line, to: problem.line, lines: 1, reason: problem.reason, text: problem.text });
  }
  return ranges;
}

/** Ranges of unread lines listed one by one; the rest are counted. */
export const MAX_UNREAD_SHOWN = 50;

export function describeUnread(problems: readonly ImportProblem[]): string[] {
  if (problems.length === 0) return [];
  const out = [`${problems.length.toLocaleString("en")} line${problems.length === 1 ? "" : "s"} not read:`];
  const ranges = unreadRanges(problems);
  let listed = 0;
  for (const range of ranges) {
    if (out.length > MAX_UNREAD_SHOWN) {
      const rest = ranges.slice(listed);
      const lines = rest.reduce((sum, entry) => sum + entry.lines, 0);
      out.push(`  … and ${lines.toLocaleString("en")} more line${lines === 1 ? "" : "s"} from line ${rest[0]!.from} on (the first ${MAX_UNREAD_SHOWN} are shown)`);
      break;
    }
    listed++;
    if (range.lines >= 3) out.push(`  lines ${range.from}–${range.to}: ${range.lines} lines of prose (${range.reason})`);
    else if (range.from !== range.to) {
      for (const problem of problems.filter((item) => item.line >= range.from && item.line <= range.to)) out.push(`  line ${problem.line}: ${problem.text.trim()}  (${problem.reason})`);
    } else out.push(`  line ${range.from}: ${range.text.trim()}  (${range.reason})`);
  }
  return out;
}

export interface ImportOutcome {
  lines: string[];
  /** 0: something imported, or the mail truly lists nothing; 1: nothing could be read. */
  exitCode: 0 | 1;
}

/** What `stocktake import` prints, and its exit code. */
export function describeImport(report: ImportReport, dataFile: string, notes: readonly string[] = []): ImportOutcome {
  const { mail } = report;
  const totals = mailTotals(mail);
  const out: string[] = [];
  const what = `${describeTotal(report.added, report.parents)}${report.groupings > 0 ? ` (in ${report.groupings} area grouping${report.groupings === 1 ? "" : "s"})` : ""} into ${report.project} ${report.release}`;
  // No data file to name in chat: the plan is the room's project.
  if (dataFile === "") out.push(report.dryRun ? `Would import ${what} (nothing is written yet).` : `Imported ${what}.`);
  else out.push(report.dryRun ? `Would import ${what} (dry run: ${dataFile} is not written).` : `Imported ${what} (${dataFile}).`);
  const envelope = [mail.from ? `From ${mail.from}` : "", mail.asOf ? formatLongDate(mail.asOf) : ""].filter(Boolean).join(", ");
  if (envelope) out.push(`${envelope}${mail.subject ? `: “${mail.subject}”` : ""}.`);
  out.push(...notes);
  if (mail.removed) out.push(`Left out control or direction characters (${mail.removed.chars.join(", ")}) on ${mail.removed.lines} line${mail.removed.lines === 1 ? "" : "s"}: they would make text show differently from what it says.`);
  if (mail.milestones.length > 0) out.push(`Timeline: ${mail.milestones.map((milestone) => `${milestone.label} ${milestone.date}`).join(", ")}.`);
  if (mail.current) out.push(`We are here: ${mail.current.text} (line ${mail.current.line}).`);
  const headings = headingCounts(mail).filter((count) => count.items + count.milestones > 0);
  if (headings.length > 0) {
    out.push("By heading:");
    for (const count of headings) {
      const parts = [
        count.items > 0 ? `${count.items} item${count.items === 1 ? "" : "s"}, ${count.owners} owner${count.owners === 1 ? "" : "s"}, ${count.links} link${count.links === 1 ? "" : "s"}` : "",
        count.milestones > 0 ? `${count.milestones} milestone${count.milestones === 1 ? "" : "s"}` : "",
      ].filter(Boolean);
      out.push(`  ${count.name} (line ${count.line}): ${parts.join(", ")}`);
    }
  }
  if (report.dryRun && report.created.length > 0) {
    out.push("The plan would gain:");
    const line = (feature: Feature, child: boolean) => {
      const details = [feature.owners.join(", "), feature.note ?? ""].filter(Boolean).join("; ");
      return `  ${child ? "  - " : "* "}${feature.title}${feature.qualifier ? ` (${feature.qualifier})` : ""} [${BUCKET_INFO[feature.bucket].label}]${details ? `  ${details}` : ""}`;
    };
    const ids = new Set(report.created.map((feature) => feature.id));
    for (const feature of report.created) {
      if (feature.parent !== null && ids.has(feature.parent)) continue;
      out.push(line(feature, feature.parent !== null));
      for (const child of report.created) if (child.parent === feature.id) out.push(line(child, true));
    }
  }
  if (mail.intro) out.push(`Lines ${mail.intro.from}–${mail.intro.to} are the mail's introduction: not imported.`);
  out.push(...describeUnstated(mail, report.dryRun));
  out.push(...describeUpdate(report, report.dryRun));
  if (report.skipped.length > 0) out.push(`Already on the list, left as they are: ${report.skipped.join("; ")}.`);
  out.push(...describeUnread(mail.problems));
  const read = totals.items + totals.milestones;
  if (read > 0) return { lines: out, exitCode: 0 };
  const isMail = mail.subject !== null || mail.from !== null || mail.asOf !== null;
  if (mail.problems.length === 0 && (isMail || mail.headings.length > 0)) {
    out.push(`The mail lists no items or milestones${mail.emptyLists > 0 ? ` (${mail.emptyLists} list${mail.emptyLists === 1 ? " says" : "s say"} “None”)` : ""}: nothing to import.`);
    return { lines: out, exitCode: 0 };
  }
  if (mail.problems.length === 0) out.push(...describeUnread(wholeText(mail)));
  out.push("Nothing could be read: no heading, item or timeline line in the shapes I know (see the README's import section).");
  return { lines: out, exitCode: 1 };
}

/** Items listed by name only, shown at most; the rest are counted. */
const MAX_UNSTATED_SHOWN = 20;

/**
 * Items the mail gives no status for (no bucket heading above them, no status of their own): the
 * plan has to file them somewhere, so they go under on track, and the person is told which they are
 * and how to say where each stands, instead of that being a silent guess. A later mail that gives
 * their status moves them; one that still gives none leaves them where they are.
 */
export function describeUnstated(mail: ImportedMail, dryRun: boolean): string[] {
  const unstated = allItems(mail).filter((item) => item.bucketSource === "default");
  if (unstated.length === 0) return [];
  const count = `${unstated.length} item${unstated.length === 1 ? "" : "s"}`;
  const out = [
    `${count} the mail gives no status for (no bucket heading above ${unstated.length === 1 ? "it" : "them"}, no status of ${unstated.length === 1 ? "its" : "their"} own) ${dryRun ? "would be" : "were"} filed as on track; say where each stands with !status FEATURE BUCKET:`,
  ];
  for (const item of unstated.slice(0, MAX_UNSTATED_SHOWN)) out.push(`  line ${item.line}: ${item.label.title}${item.area ? ` (${item.area})` : ""}`);
  if (unstated.length > MAX_UNSTATED_SHOWN) out.push(`  … and ${unstated.length - MAX_UNSTATED_SHOWN} more`);
  return out;
}

/** What a later mail changed on features already on the list, and what it leaves for the person to decide. */
export function describeUpdate(report: Pick<ImportReport, "update">, dryRun: boolean): string[] {
  const { moved, updated, similar, ambiguous, unlisted } = report.update;
  const out: string[] = [];
  const verb = dryRun ? "Would move" : "Moved";
  if (moved.length > 0) {
    out.push(`${verb} ${moved.length} feature${moved.length === 1 ? "" : "s"} to another bucket:`);
    for (const move of moved) out.push(`  ${move.label}: ${BUCKET_INFO[move.from].label} → ${BUCKET_INFO[move.to].label} (line ${move.line})`);
  }
  if (updated.length > 0) {
    out.push(`${dryRun ? "Would update" : "Updated"} ${updated.length} feature${updated.length === 1 ? "" : "s"}:`);
    for (const update of updated) out.push(`  ${update.label}: ${update.fields.join(", ")} (line ${update.line})`);
  }
  if (similar.length > 0) {
    out.push("Matched by a close spelling (rename or alias the feature if one is wrong):");
    for (const match of similar) out.push(`  line ${match.line}: “${match.typed}” is ${match.label} (${match.feature})`);
  }
  if (ambiguous.length > 0) {
    out.push(`Not imported: ${ambiguous.length} item${ambiguous.length === 1 ? " fits" : "s fit"} several features, so I did not guess. Give the right one an alias of the mail's wording (!alias FEATURE "wording") and import again:`);
    for (const entry of ambiguous) {
      out.push(entry.candidates.length > 0 ? `  line ${entry.line}: “${entry.typed}” could be ${entry.candidates.map((candidate) => `${candidate.label} (${candidate.id})`).join(" or ")}` : `  line ${entry.line}: “${entry.typed}” is under an item that fits several features`);
    }
  }
  if (unlisted.length > 0) {
    const shown = unlisted.slice(0, 20).map((entry) => `${entry.label} (${entry.feature})`);
    const more = unlisted.length > shown.length ? `; … and ${unlisted.length - shown.length} more` : "";
    out.push(`No longer listed in this mail, kept as they are: ${shown.join("; ")}${more}.`);
  }
  return out;
}

/** A text with no heading at all: every line of it is unread; say so as one range. */
function wholeText(mail: ImportedMail): ImportProblem[] {
  const last = mail.lines;
  return last > 0 ? Array.from({ length: last }, (_, index) => ({ line: index + 1, text: "", reason: "no heading above it", prose: true })) : [];
}
