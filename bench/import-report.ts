/**
 * `npm run import-report DIR`: for each mail in a folder, what `stocktake import` would take from
 * it (items, owners, milestones, links) and how many lines it left unread, as a markdown table.
 * Nothing is written anywhere.
 *
 * `npm run import-report DIR --sequence`: the mails are successive updates of one release: each is
 * imported, in the order of their Date headers, into one plan kept in memory, and the table says
 * what each changed (added, moved, updated, matched by spelling, ambiguous, no longer listed).
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { importMail } from "../src/mail/import.js";
import { mailTotals, unreadRanges } from "../src/mail/import-summary.js";
import { importIntoStore } from "../src/mail/import-into.js";
import { readMailFile } from "../src/mail/read-mail.js";
import { MemoryStore } from "../adapters/store/memory-store.js";
import { plainText } from "../src/reply/inline.js";

const args = process.argv.slice(2);
const sequence = args.includes("--sequence");
const dir = args.find((arg) => !arg.startsWith("--"));
if (!dir) {
  process.stderr.write("usage: npm run import-report DIR [--sequence]\n");
  process.exit(2);
}
let files: string[];
try {
  files = readdirSync(dir)
    .filter((name) => !name.startsWith(".") && name.toLowerCase() !== "readme.md")
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
} catch (error) {
  process.stderr.write(`import-report: cannot read ${dir} (${(error as { code?: string }).code ?? "error"})\n`);
  process.exit(1);
}

if (sequence) {
  await reportSequence(files);
  process.exit(0);
}

/** Each mail imported after the ones before it, oldest first: what it changed. */
async function reportSequence(paths: string[]): Promise<void> {
  const mails = [];
  for (const path of paths) {
    const read = await readMailFile(path);
    if (read.ok) mails.push({ path, read, date: read.envelope.date ?? importMail(read.text).asOf ?? "" });
    else process.stderr.write(`import-report: ${read.message}\n`);
  }
  mails.sort((a, b) => a.date.localeCompare(b.date) || a.path.localeCompare(b.path));
  const store = new MemoryStore();
  const out = ["| mail | date | added | moved | updated | by spelling | ambiguous | no longer listed | unchanged |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"];
  for (const { path, read, date } of mails) {
    const result = await importIntoStore(store, read.text, { by: "import-report", byAuthor: true, envelope: read.envelope }, { now: () => new Date(`${date || "2000-01-01"}T12:00:00Z`) });
    if (!result.ok) {
      out.push(`| ${basename(path)} | ${date} | not imported: ${plainText(result.error.message).replace(/\|/g, "\\|")} | | | | | | |`);
      continue;
    }
    const { update, created, skipped } = result.value;
    const moves = update.moved.map((move) => `${move.label}: ${move.from} → ${move.to}`).join("; ");
    out.push(`| ${basename(path)} | ${date} | ${created.length} | ${update.moved.length}${moves ? ` (${moves.replace(/\|/g, "\\|")})` : ""} | ${update.updated.length} | ${update.similar.length} | ${update.ambiguous.length} | ${update.unlisted.length} | ${skipped.length} |`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

const rows: string[] = ["| mail | items | owners | milestones | links | unread lines | unread ranges |", "|---|---:|---:|---:|---:|---:|---|"];
const sum = { items: 0, owners: 0, milestones: 0, links: 0, unread: 0 };
for (const file of files) {
  const read = await readMailFile(file);
  if (!read.ok) {
    rows.push(`| ${basename(file)} | – | – | – | – | – | not read: ${read.message.replace(/\|/g, "\\|")} |`);
    continue;
  }
  const mail = importMail(read.text, { envelope: read.envelope });
  const totals = mailTotals(mail);
  for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += totals[key];
  const ranges = unreadRanges(mail.problems)
    .map((range) => (range.from === range.to ? `${range.from}` : `${range.from}–${range.to}`))
    .join(", ");
  const nothing = totals.items + totals.milestones === 0 ? (mail.problems.length === 0 ? " (lists nothing)" : " (nothing read)") : "";
  rows.push(`| ${basename(file)}${nothing} | ${totals.items} | ${totals.owners} | ${totals.milestones} | ${totals.links} | ${totals.unread} | ${ranges || "–"} |`);
}
rows.push(`| **total (${files.length} mail${files.length === 1 ? "" : "s"})** | ${sum.items} | ${sum.owners} | ${sum.milestones} | ${sum.links} | ${sum.unread} | |`);
process.stdout.write(`${rows.join("\n")}\n`);
