/**
 * `npm run bench`: `!status` with durable writes at 100 and 10 000 features and at 1 000 and
 * 1 000 000 history events, `!stock` at 10 000 features, and `!stock` per platform (Matrix,
 * Discord, IRC) at 10 000 features and on the realistic plan: time, the longest event-loop block,
 * events or messages (bench/stock-render.ts), and a long history on the realistic plan: `!undo`,
 * `!history FEATURE`, `!stock --since last`, start-up to ready and RSS at 20 000 and 1 000 000
 * events (bench/history.ts). Prints the tables and writes them to
 * bench/results.md, keeping its "Before and after" notes (written by hand) at the end.
 *
 * The plan and its history are written straight to disk first (a million events through the bot
 * would take minutes of fsyncs); then the real CLI path is measured: LowdbStore.open on those files,
 * Stocktake.handle for each command, every change appended and fsynced before it is acknowledged.
 * The `!status` rows take turns (A B C D, B C D A, …), so their 1M/1k ratio compares like with like.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { stockReply } from "../src/plan/stock-summary.js";
import { renderPlain } from "../src/reply/render-plain.js";
import { Stocktake } from "../src/stocktake.js";
import { keptNotes } from "./kept-notes.js";
import { writePlan } from "./plan-fixture.js";
import { measureStatusInterleaved, percentile } from "./status-timing.js";
import { benchStockCommands, benchStockRenders, commandTable, renderTable } from "./stock-render.js";
const COMMANDS = Number(process.env["BENCH_COMMANDS"] ?? 2_000);
/** The `!status` rows take turns in batches of this many commands. */
const BATCH = 50;
import { historyOptionsFromEnv, benchHistory } from "./history.js";
const admin = { id: "bench:admin", displayName: "admin" };

interface Row {
  features: number;
  history: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** The `!status` rows, each on its own store in its own temp dir, measured interleaved (`measureStatusInterleaved`). */
async function benchStatus(plans: readonly (readonly [features: number, history: number])[]): Promise<Row[]> {
  const opened: { dir: string; store: LowdbStore; features: number; history: number }[] = [];
  try {
    for (const [features, history] of plans) {
      const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-"));
      try {
        opened.push({ dir, store: await LowdbStore.open(await writePlan(dir, features, history)), features, history });
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
    const timings = await measureStatusInterleaved(opened, COMMANDS, BATCH);
    return opened.map(({ features, history }, i) => ({ features, history, ...timings[i]! }));
  } finally {
    for (const { dir, store } of opened) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function benchStock(features: number): Promise<{ render: number; command: number }> {
  const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-"));
  try {
    const file = await writePlan(dir, features, 1_000);
    const store = await LowdbStore.open(file);
    const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }) });
    const project = store.read().projects["xen"]!;
    const now = new Date("2013-01-23T12:00:00Z");
    const render: number[] = [];
    const command: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const text = renderPlain(stockReply(project, project.releases["4.3"]!, now));
      render.push(performance.now() - t0);
      if (text.length < features * 10) throw new Error("summary too short");
      const t1 = performance.now();
      await bot.handle({ text: "!stock", invoker: admin, conversation: "bench" });
      command.push(performance.now() - t1);
    }
    await store.close();
    const tail = (list: number[]) => list.slice(10).sort((a, b) => a - b);
    return { render: percentile(tail(render), 50), command: percentile(tail(command), 50) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const loadBefore = loadavg().map((value) => value.toFixed(2)).join(" ");

// A first, unrecorded run warms the JIT and the page cache, so the first row is not the slowest by luck.
process.stderr.write("warming up…\n");
await benchStatus([[100, 1_000]]);

process.stderr.write("!status: 100 and 10 000 features, 1 000 and 1 000 000 history events, interleaved…\n");
const rows = await benchStatus([
  [100, 1_000],
  [100, 1_000_000],
  [10_000, 1_000],
  [10_000, 1_000_000],
]);
process.stderr.write("!stock at 10 000 features…\n");
const stock = await benchStock(10_000);
process.stderr.write("!stock at 10 000 features rendered per platform…\n");
const renders = benchStockRenders(10_000);
const STOCK_ROUNDS = Number(process.env["BENCH_STOCK_ROUNDS"] ?? 15);
process.stderr.write("!stock through the core and each platform's render, 10 000 features and the realistic plan…\n");
const commands = await benchStockCommands(STOCK_ROUNDS);
process.stderr.write("a long history: the realistic plan at 20 000 and 1 000 000 events (bench/history.ts)…\n");
const history = await benchHistory(historyOptionsFromEnv());

const flat = (features: number) => {
  const small = rows.find((row) => row.features === features && row.history === 1_000)!;
  const large = rows.find((row) => row.features === features && row.history === 1_000_000)!;
  return (large.p99 / small.p99).toFixed(2);
};

const lines = [
  `# Stocktake core benchmark`,
  ``,
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${loadBefore} before, ${loadavg().map((value) => value.toFixed(2)).join(" ")} after. ${COMMANDS} \`!status\` commands per row through \`Stocktake.handle\` on a LowdbStore in a temp dir (each change appended and fdatasync'ed before the reply); the rows take turns, ${BATCH} commands at a time.`,
  ``,
  `| features | history events | commands/s | p50 | p99 | max |`,
  `|---:|---:|---:|---:|---:|---:|`,
  ...rows.map((row) => `| ${row.features.toLocaleString("en")} | ${row.history.toLocaleString("en")} | ${row.perSecond.toLocaleString("en")} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`),
  ``,
  `p99 at 1 000 000 history events ÷ p99 at 1 000: ${flat(100)}× (100 features), ${flat(10_000)}× (10 000 features). Target: p99 under 5 ms, within 2×.`,
  ``,
  `| \`!stock\` at 10 000 features | p50 |`,
  `|---|---:|`,
  `| summary built and rendered as plain text | ${ms(stock.render)} |`,
  `| whole \`!stock\` command through \`Stocktake.handle\` (its lastStockAt bookkeeping is appended without a sync) | ${ms(stock.command)} |`,
  ``,
  `Target: under 50 ms.`,
  ``,
  ...commandTable(commands, STOCK_ROUNDS),
  ``,
  ...renderTable(10_000, renders),
  ``,
  `Fill: the events or messages but the last, on average, as a share of the platform's limit (Matrix: 60 000 − 512 bytes of content; Discord: 6 000 characters of embeds, 2 000 of content).`,
  ``,
  `## A long history (bench/history.ts)`,
  ``,
  ...history,
  ``,
];
const table = lines.join("\n");
process.stdout.write(`${table}\n`);
const file = new URL("./results.md", import.meta.url);
writeFileSync(file, table + keptNotes(file));
