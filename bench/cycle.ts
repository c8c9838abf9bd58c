/**
 * `npm run bench:cycle`: the release cycle's reads at scale (issue 14). `!stale` and the `!stock`
 * summary with stale marks at 10 000 features (every feature AT the fixture's date, so a month
 * later all in play are stale: the worst case), and nag planning over 1 000 owners. Prints a
 * markdown table and writes it to bench/cycle-results.md, keeping its "Before and after" notes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import type { Release } from "../src/model/schema.js";
import { planNags, upcomingNags } from "../src/plan/nags.js";
import { stockReply } from "../src/plan/stock-summary.js";
import { renderPlain } from "../src/reply/render-plain.js";
import { Stocktake } from "../src/stocktake.js";
import { keptNotes } from "./kept-notes.js";
import { feature, writePlan } from "./plan-fixture.js";
import { percentile } from "./status-timing.js";

const admin = { id: "bench:admin", displayName: "admin" };
const NOW = new Date("2013-02-23T12:00:00Z");
const RUNS = 60;

function median(samples: number[]): number {
  return percentile(samples.slice(10).sort((a, b) => a - b), 50);
}

async function time(run: () => unknown | Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-"));
let rows: string[];
try {
  const store = await LowdbStore.open(await writePlan(dir, 10_000, 1_000));
  const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }), clock: { now: () => NOW } });
  const project = store.read().projects["xen"]!;
  const release = project.releases["4.3"]!;
  const baseline = await time(() => renderPlain(stockReply(project, release, NOW)));
  const summary = await time(() => renderPlain(stockReply(project, release, NOW, { staleDays: 14 })));
  const staleCommand = await time(() => bot.handle({ text: "!stale", invoker: admin, conversation: "bench" }));
  const stockCommand = await time(() => bot.handle({ text: "!stock", invoker: admin, conversation: "bench" }));
  await store.close();

  // 1 000 owners, three stale features each.
  const owned: Release["features"] = {};
  for (let n = 0; n < 3_000; n++) owned[`f${n}`] = { ...feature(n), bucket: "fair", owners: [`owner ${n % 1_000}`] };
  const nagRelease = { features: owned, closedAt: null };
  let count = 0;
  const nags = await time(() => (count = planNags(nagRelease, {}, NOW, 14, () => undefined, "matrix").length));
  if (count !== 1_000) throw new Error(`expected 1 000 reminders, planned ${count}`);
  // What the scheduler plans on every reschedule and !countdown preview lists: each owner's next one.
  const upcoming = await time(() => (count = upcomingNags(nagRelease, {}, NOW, 14, () => undefined, "matrix").length));
  if (count !== 1_000) throw new Error(`expected 1 000 upcoming reminders, planned ${count}`);

  const ms = (value: number) => `${value.toFixed(3)} ms`;
  rows = [
    `# Release-cycle reads`,
    ``,
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}; medians of ${RUNS - 10} runs after 10 warm-ups.`,
    ``,
    `| what | size | p50 | target |`,
    `|---|---:|---:|---:|`,
    `| summary without stale marks (as before, for comparison) | 10 000 features | ${ms(baseline)} | 50 ms |`,
    `| summary with stale marks, built and rendered | 10 000 features | ${ms(summary)} | 50 ms |`,
    `| \`!stale\` through \`Stocktake.handle\` | 10 000 features | ${ms(staleCommand)} | 50 ms |`,
    `| \`!stock\` through \`Stocktake.handle\` (stale count and marks) | 10 000 features | ${ms(stockCommand)} | 50 ms |`,
    `| nag planning | 1 000 owners, 3 000 stale items | ${ms(nags)} | 10 ms |`,
    `| next reminders (scheduler wake-up, \`!countdown preview\`) | 1 000 owners, 3 000 stale items | ${ms(upcoming)} | 10 ms |`,
    ``,
  ];
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const table = rows.join("\n");
process.stdout.write(`${table}\n`);
const file = new URL("./cycle-results.md", import.meta.url);
writeFileSync(file, table + keptNotes(file));
