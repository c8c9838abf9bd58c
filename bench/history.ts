/**
 * `npm run bench:history`: what a long history costs per command and at start-up (issue 13).
 *
 * Two plans built through the project's own reducer (`prepare` + `applyChange`, as a store does):
 * a realistic one (500 features, 50 owners, 20 000 events over a 9-month cycle) and the same plan
 * after 1 000 000 events. Each is generated once into a cache directory (BENCH_HISTORY_CACHE,
 * default $TMPDIR/stocktake-bench-history) and copied into a fresh temp dir for each run.
 *
 * Timed, the two plans interleaved (A B A B …) so the ratio compares like with like:
 * - `!undo` by a person whose only change is near the start (its feature changed since: a
 *   "cannot undo" reply, so nothing is written and every call does the same work);
 * - `!history FEATURE` of a feature changed twice, near the start;
 * - `!stock --since last` right after a `!stock`;
 * - start-up to ready (`stocktake console` with the web page on: first 200 from /healthz) and RSS then.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { Stocktake } from "../src/stocktake.js";
import { realisticPlan, REALISTIC } from "./plan-fixture.js";

const { features: FEATURES, owners: OWNERS, cycleStart: CYCLE_START, cycleMs: CYCLE_MS, rare: RARE } = REALISTIC;
const SIZES = [20_000, Number(process.env["BENCH_HISTORY_LARGE"] ?? 1_000_000)] as const;
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 15);
const STARTS = Number(process.env["BENCH_STARTS"] ?? 3);
const CACHE = process.env["BENCH_HISTORY_CACHE"] ?? join(tmpdir(), "stocktake-bench-history");
const NOW = new Date(CYCLE_START + CYCLE_MS + 3_600_000);
const admin = { id: "console:admin", displayName: "admin" };
/** Changed one feature once, early on; that feature was changed again since. */
const early = { id: REALISTIC.early, displayName: "early" };
const FORMAT = 4;

/** The plan's directory for `events` events, generated through the reducer when not cached yet. */
async function cachedPlan(events: number): Promise<string> {
  const dir = join(CACHE, `v${FORMAT}-${FEATURES}f-${events}`);
  if (existsSync(join(dir, "done"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${events} events through the reducer into ${dir}…\n`);
  const out = createWriteStream(join(dir, "stocktake.history.jsonl"));
  let chunk = "";
  const state = await realisticPlan(events, async (event) => {
    chunk += `${JSON.stringify(event)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  });
  out.end(chunk);
  await once(out, "finish");
  // The snapshot as a store leaves it: the state, and how much of the history it holds.
  writeFileSync(join(dir, "stocktake.json"), JSON.stringify({ ...state, historyBytes: statSync(join(dir, "stocktake.history.jsonl")).size }));
  // Opened and closed once, as any start after the first leaves it: the snapshot then holds the
  // history index, which a snapshot written here lacks (each timed start would rebuild it).
  await (await LowdbStore.open(join(dir, "stocktake.json"))).close();
  writeFileSync(join(dir, "done"), "");
  return dir;
}

function copyPlan(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-history-run-"));
  cpSync(join(source, "stocktake.json"), join(dir, "stocktake.json"));
  cpSync(join(source, "stocktake.history.jsonl"), join(dir, "stocktake.history.jsonl"));
  return dir;
}

interface Opened {
  bot: Stocktake;
  store: LowdbStore;
  dir: string;
}

async function openPlan(source: string): Promise<Opened> {
  const dir = copyPlan(source);
  const clock = { now: () => NOW };
  const store = await LowdbStore.open(join(dir, "stocktake.json"), { clock });
  const bot = new Stocktake({ store, clock, config: defaultCoreConfig({ admins: [admin.id, early.id] }) });
  return { bot, store, dir };
}

async function timeCommand(plan: Opened, text: string, invoker: { id: string; displayName: string }, expect: RegExp): Promise<number> {
  const t0 = performance.now();
  const reply = await plan.bot.handle({ text, invoker, conversation: "console:bench" });
  const ms = performance.now() - t0;
  const said = JSON.stringify(reply);
  if (!expect.test(said)) throw new Error(`${text}: unexpected reply ${said.slice(0, 300)}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `stocktake console` with the web page on, from spawn to the first 200 from /healthz; RSS then. */
async function startUp(source: string): Promise<{ ms: number; rssMiB: number }> {
  const dir = copyPlan(source);
  try {
    const port = await freePort();
    const config = join(dir, "stocktake.json.config.json");
    writeFileSync(config, JSON.stringify({ dataFile: join(dir, "stocktake.json"), admins: [admin.id], http: { port, host: "127.0.0.1" } }));
    const t0 = performance.now();
    const child = spawn(process.execPath, ["bin/stocktake.js", "console", "--config", config], { stdio: ["pipe", "ignore", "ignore"] });
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`stocktake exited with ${child.exitCode}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`);
          await response.arrayBuffer();
          if (response.status === 200) break;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const ms = performance.now() - t0;
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return { ms, rssMiB: rssKb / 1024 };
    } finally {
      child.stdin.end();
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sources = [] as string[];
for (const size of SIZES) sources.push(await cachedPlan(size));
const historyMB = sources.map((dir) => statSync(join(dir, "stocktake.history.jsonl")).size / 1e6);

interface Measure {
  what: string;
  unit: "ms" | "MiB";
  values: [number[], number[]];
}
const rows: Measure[] = [
  { what: "`!undo` (nothing recent to undo: the person's change is at the start)", unit: "ms", values: [[], []] },
  { what: `\`!history ${RARE}\` (changed twice, at the start)`, unit: "ms", values: [[], []] },
  { what: "`!stock --since last` (right after a `!stock`)", unit: "ms", values: [[], []] },
  { what: "start-up to ready (console + HTTP)", unit: "ms", values: [[], []] },
  { what: "RSS at ready", unit: "MiB", values: [[], []] },
];

process.stderr.write("opening both plans…\n");
const plans = [] as Opened[];
for (const source of sources) plans.push(await openPlan(source));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!;
      rows[0]!.values[i as 0 | 1].push(await timeCommand(plan, "!undo", early, /Cannot undo/));
      rows[1]!.values[i as 0 | 1].push(await timeCommand(plan, `!history ${RARE}`, admin, /History of/));
      await timeCommand(plan, "!stock", admin, /./);
      rows[2]!.values[i as 0 | 1].push(await timeCommand(plan, "!stock --since last", admin, /./));
    }
  }
} finally {
  for (const plan of plans) {
    await plan.store.close();
    rmSync(plan.dir, { recursive: true, force: true });
  }
}
for (let round = 0; round < STARTS; round++) {
  for (let i = 0; i < sources.length; i++) {
    process.stderr.write(`start-up ${round + 1}/${STARTS}, ${SIZES[i]} events…\n`);
    const { ms, rssMiB } = await startUp(sources[i]!);
    rows[3]!.values[i as 0 | 1].push(ms);
    rows[4]!.values[i as 0 | 1].push(rssMiB);
  }
}

const format = (value: number, unit: string) => (unit === "MiB" ? `${value.toFixed(0)} MiB` : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const lines = [
  `${FEATURES} features, ${OWNERS} owners; history ${SIZES[0]} events (${historyMB[0]!.toFixed(1)} MB) and ${SIZES[1]} events (${historyMB[1]!.toFixed(0)} MB); medians of ${ROUNDS} commands, ${STARTS} start-ups, interleaved.`,
  "",
  `| what | ${SIZES[0]} events | ${SIZES[1]} events | ratio |`,
  "|---|---:|---:|---:|",
  ...rows.map((row) => {
    const [a, b] = [median(row.values[0]), median(row.values[1])];
    return `| ${row.what} | ${format(a, row.unit)} | ${format(b, row.unit)} | ${(b / a).toFixed(2)}× |`;
  }),
];
process.stdout.write(`${lines.join("\n")}\n`);
