/**
 * What a long history costs per command and at start-up (issue 13, item 6): part of `npm run bench`,
 * alone `npm run bench:history` (which appends its table to bench/history-results.md).
 *
 * Two plans: the realistic one (500 features, 50 owners, 20 000 events over a 9-month cycle) and the
 * same plan after 1 000 000 events, both made by the project's own reducer and written in store
 * format (bench/plan-fixture.ts `writeRealisticPlan`), once per run into a temp dir: about 15 s for
 * the million. BENCH_HISTORY_CACHE=DIR keeps them there between runs instead (delete it after
 * changing the generator or the store's format).
 *
 * Timed, the two plans interleaved command by command (A B B A …) so the ratio compares like with like:
 * - `!undo` by a person whose only change is near the start (its feature changed since: a
 *   "cannot undo" reply, so nothing is written and every call does the same work);
 * - `!undo` by one of the 50 owners, whose latest change is recent (undone, or refused when someone
 *   changed that feature since: either way the person's newest changes are looked up);
 * - `!history FEATURE` of a feature changed twice, near the start;
 * - `!stock --since last` right after a `!stock`;
 * - start-up to ready (`stocktake console` with the web page on: first 200 from /healthz) and RSS then.
 */
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { Stocktake } from "../src/stocktake.js";
import { REALISTIC, REALISTIC_NOW, writeRealisticPlan } from "./plan-fixture.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS = fileURLToPath(new URL("./history-results.md", import.meta.url));
const admin = { id: "console:admin", displayName: "admin" };
/** Bump when the generator changes, so a kept cache is not reused. */
const FORMAT = 5;

export interface HistoryBenchOptions {
  sizes: readonly [number, number];
  rounds: number;
  starts: number;
  /** Keep the generated plans here between runs; otherwise a temp dir, removed at the end. */
  cache: string | undefined;
}

export function historyOptionsFromEnv(): HistoryBenchOptions {
  return {
    sizes: [20_000, Number(process.env["BENCH_HISTORY_LARGE"] ?? 1_000_000)],
    rounds: Number(process.env["BENCH_ROUNDS"] ?? 15),
    starts: Number(process.env["BENCH_STARTS"] ?? 3),
    cache: process.env["BENCH_HISTORY_CACHE"],
  };
}

async function plan(root: string, events: number): Promise<{ dir: string; seconds: number | undefined }> {
  const dir = join(root, `v${FORMAT}-${REALISTIC.features}f-${events}`);
  if (existsSync(join(dir, "done"))) return { dir, seconds: undefined };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${events} events through the reducer into ${dir}…\n`);
  const t0 = performance.now();
  await writeRealisticPlan(dir, events);
  writeFileSync(join(dir, "done"), "");
  return { dir, seconds: (performance.now() - t0) / 1000 };
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
  clock: TickingClock;
}

/** A second later on every command: bookkeeping and changes made by one round are before the next's `!stock`. */
class TickingClock {
  private at = REALISTIC_NOW.getTime();
  now(): Date {
    return new Date(this.at);
  }
  tick(): void {
    this.at += 1_000;
  }
}

async function openPlan(source: string): Promise<Opened> {
  const dir = copyPlan(source);
  const clock = new TickingClock();
  const store = await LowdbStore.open(join(dir, "stocktake.json"), { clock });
  const bot = new Stocktake({ store, clock, config: defaultCoreConfig({ admins: [admin.id, REALISTIC.early.id, REALISTIC.busy.id] }) });
  return { bot, store, dir, clock };
}

async function timeCommand(plan: Opened, text: string, invoker: { id: string; displayName: string }, expect: RegExp): Promise<number> {
  plan.clock.tick();
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
    const child = spawn(process.execPath, ["bin/stocktake.js", "console", "--config", config], { cwd: ROOT, stdio: ["pipe", "ignore", "ignore"] });
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

interface Row {
  what: string;
  unit: "ms" | "MiB";
  /** At the larger size; undefined: the ratio is the target (within 2×). */
  target?: { below: number; text: string };
  values: [number[], number[]];
}

/** Runs the rows and returns the table (markdown lines). */
export async function benchHistory(options: HistoryBenchOptions): Promise<string[]> {
  const { sizes, rounds, starts } = options;
  const root = options.cache ?? mkdtempSync(join(tmpdir(), "stocktake-bench-history-"));
  const plans: Opened[] = [];
  try {
    const made = [await plan(root, sizes[0]), await plan(root, sizes[1])];
    const sources = made.map((entry) => entry.dir);
    const historyMB = sources.map((dir) => statSync(join(dir, "stocktake.history.jsonl")).size / 1e6);
    const { early, busy, rare } = REALISTIC;
    const rows: Row[] = [
      { what: "`!undo` (nothing recent to undo: the person's one change is at the start)", unit: "ms", values: [[], []] },
      { what: "`!undo` by one of the 50 owners (their latest change)", unit: "ms", values: [[], []] },
      { what: `\`!history ${rare}\` (changed twice, at the start)`, unit: "ms", values: [[], []] },
      { what: "`!stock --since last` (right after a `!stock`)", unit: "ms", values: [[], []] },
      { what: "start-up to ready (console + HTTP)", unit: "ms", target: { below: 2_000, text: "< 2 s" }, values: [[], []] },
      { what: "RSS at ready", unit: "MiB", target: { below: 150, text: "< 150 MiB" }, values: [[], []] },
    ];
    process.stderr.write("opening both plans…\n");
    for (const source of sources) plans.push(await openPlan(source));
    let round = 0;
    // A B in even rounds, B A in odd ones: neither plan is always the first after the other's command.
    const both = async (row: Row, run: (plan: Opened) => Promise<number>) => {
      for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) row.values[i as 0 | 1].push(await run(plans[i]!));
    };
    for (; round < rounds; round++) {
      await both(rows[0]!, (plan) => timeCommand(plan, "!undo", early, /Cannot undo/));
      await both(rows[1]!, (plan) => timeCommand(plan, "!undo", busy, /Undone|Cannot undo/));
      await both(rows[2]!, (plan) => timeCommand(plan, `!history ${rare}`, admin, /History of/));
      await both(rows[3]!, async (plan) => {
        await timeCommand(plan, "!stock", admin, /./);
        return timeCommand(plan, "!stock --since last", admin, /./);
      });
    }
    for (const opened of plans.splice(0)) {
      await opened.store.close();
      rmSync(opened.dir, { recursive: true, force: true });
    }
    for (let start = 0; start < starts; start++) {
      for (const i of start % 2 === 0 ? [0, 1] : [1, 0]) {
        process.stderr.write(`start-up ${start + 1}/${starts}, ${sizes[i]} events…\n`);
        const { ms, rssMiB } = await startUp(sources[i]!);
        rows[4]!.values[i as 0 | 1].push(ms);
        rows[5]!.values[i as 0 | 1].push(rssMiB);
      }
    }

    const format = (value: number, unit: string) => (unit === "MiB" ? `${value.toFixed(0)} MiB` : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
    const generated = made.map((entry, i) => (entry.seconds === undefined ? `${sizes[i]}: kept from an earlier run` : `${sizes[i]}: ${entry.seconds.toFixed(1)} s`)).join(", ");
    return [
      `${REALISTIC.features} features, ${REALISTIC.owners} owners, 9-month cycle; history ${sizes[0].toLocaleString("en")} events (${historyMB[0]!.toFixed(1)} MB) and ${sizes[1].toLocaleString("en")} events (${historyMB[1]!.toFixed(0)} MB), made by the reducer in store format (${generated}); medians of ${rounds} commands and ${starts} start-ups, the two plans interleaved (A B B A …).`,
      "",
      `| what | ${sizes[0].toLocaleString("en")} events | ${sizes[1].toLocaleString("en")} events | ratio | target | met |`,
      "|---|---:|---:|---:|---|---|",
      ...rows.map((row) => {
        const [a, b] = [median(row.values[0]), median(row.values[1])];
        const ratio = b / a;
        const met = row.target ? b < row.target.below : ratio <= 2;
        return `| ${row.what} | ${format(a, row.unit)} | ${format(b, row.unit)} | ${ratio.toFixed(2)}× | ${row.target ? `${row.target.text} at ${sizes[1].toLocaleString("en")}` : "ratio ≤ 2×"} | ${met ? "yes" : "**no**"} |`;
      }),
    ];
  } finally {
    for (const opened of plans) {
      await opened.store.close();
      rmSync(opened.dir, { recursive: true, force: true });
    }
    if (options.cache === undefined) rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");
  const before = load();
  const lines = await benchHistory(historyOptionsFromEnv());
  const table = [`### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — Node ${process.version}, load average ${before} before, ${load()} after`, "", ...lines, ""].join("\n");
  process.stdout.write(`${table}\n`);
  if (!existsSync(RESULTS)) writeFileSync(RESULTS, "# History benchmark results\n\nWritten by `npm run bench:history` (bench/history.ts); `npm run bench` includes the same table in bench/results.md. Newest last.\n\n");
  appendFileSync(RESULTS, `${table}\n`);
}
