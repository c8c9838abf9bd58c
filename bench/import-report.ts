/**
 * `npm run import-report DIR`: for each mail in a folder, what `stocktake import` would take from
 * it (items, owners, milestones, links) and how many lines it left unread, as a markdown table.
 * Nothing is written anywhere.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { importMail } from "../src/mail/import.js";
import { mailTotals, unreadRanges } from "../src/mail/import-summary.js";
import { readMailFile } from "../src/mail/read-mail.js";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: npm run import-report DIR\n");
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
