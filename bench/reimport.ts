/**
 * `npm run bench:reimport`: how long working out a re-import takes (reading the mail, then matching
 * each of its items against the release's features), on plans of 500, 2 000 and 5 000 features
 * (5 000 is MAX_IMPORT_FEATURES). Three mails per plan, each the plan's own text export:
 *   - as exported: every item is found by its name;
 *   - with one title in ten re-worded: those are found (or asked about) by a close spelling;
 *   - with one item in ten new: those are looked for by spelling among every feature, then added.
 * The reading and the matching are timed apart; the matching runs on the event loop, blocking it.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { draftImport, prepareImport } from "../src/mail/import-into.js";
import { exportText } from "../src/mail/export.js";
import { planState } from "./plan-fixture.js";
import { percentile } from "./status-timing.js";

const SIZES = [500, 2_000, 5_000];
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
const NOW = new Date("2013-02-01T12:00:00Z");
const clock = { now: () => NOW };

/** "Feature number 12" → "Feature nmber 12": one letter dropped, as people re-word a title. */
const reworded = (text: string) => text.replace(/(Feature number )(\d+)/g, (whole, _words: string, n: string) => (Number(n) % 10 === 3 ? `Feature nmber ${n}` : whole));
/** "Feature number 12" → "Brand new work 12" for one item in ten. */
const renewed = (text: string) => text.replace(/(Feature number )(\d+)/g, (whole, _words: string, n: string) => (Number(n) % 10 === 7 ? `Brand new work ${n}` : whole));

interface Row {
  features: number;
  mail: string;
  items: number;
  read: number[];
  match: number[];
  found: number;
  similar: number;
  ambiguous: number;
  added: number;
}

const rows: Row[] = [];
for (const size of SIZES) {
  const state = planState(size, 0);
  const project = state.projects["xen"]!;
  const release = project.releases["4.3"]!;
  const text = exportText(project, release, NOW);
  for (const [mail, body] of [
    ["as exported", text],
    ["one title in ten re-worded", reworded(text)],
    ["one item in ten new", renewed(text)],
  ] as const) {
    const row: Row = { features: size, mail, items: 0, read: [], match: [], found: 0, similar: 0, ambiguous: 0, added: 0 };
    for (let round = 0; round <= ROUNDS; round++) {
      const t0 = performance.now();
      const prepared = prepareImport(body, { project: "xen", release: "4.3" }, clock);
      const t1 = performance.now();
      if (!prepared.ok) throw new Error(`${size} ${mail}: ${prepared.error.message}`);
      const drafted = draftImport(state, prepared.value, { by: "bench" }, NOW);
      const t2 = performance.now();
      const update = drafted.value.update;
      row.items = prepared.value.mail.items.length;
      row.found = drafted.value.skipped.length + update.moved.length + update.updated.length;
      row.similar = update.similar.length;
      row.ambiguous = update.ambiguous.length;
      row.added = drafted.value.created.length;
      // Round 0 warms up.
      if (round === 0) continue;
      row.read.push(t1 - t0);
      row.match.push(t2 - t1);
    }
    rows.push(row);
    process.stderr.write(`${size} features, ${mail}: match p50 ${percentile([...row.match].sort((a, b) => a - b), 50).toFixed(1)} ms\n`);
  }
}

const ms = (values: number[], p: number) => `${percentile([...values].sort((a, b) => a - b), p).toFixed(1)} ms`;
const table = [
  `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — Node ${process.version}, load average ${loadavg().map((n) => n.toFixed(2)).join(" ")}`,
  "",
  `Re-importing a release's own text export into it (\`prepareImport\` reads the mail, \`draftImport\` matches its items and drafts the changes; nothing is written), ${ROUNDS} rounds after one of warm-up, p50 and max.`,
  "",
  "| features | mail | items | read p50 | match p50 | match max | found by name | by spelling | asked (ambiguous) | added |",
  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (row) =>
      `| ${row.features.toLocaleString("en")} | ${row.mail} | ${row.items.toLocaleString("en")} | ${ms(row.read, 50)} | ${ms(row.match, 50)} | ${ms(row.match, 100)} | ${row.found} | ${row.similar} | ${row.ambiguous} | ${row.added} |`,
  ),
  "",
].join("\n");
process.stdout.write(`${table}\n`);
