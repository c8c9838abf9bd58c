/**
 * `npm run bench:http`: the web page at 10 000 features and 100 000 history events. The plan and
 * its history are generated through the real reducer (so the history replays to exactly the
 * snapshot) and written straight to disk; then the real app opens them, builds the chart from the
 * history file, and serves the page on loopback. Each route is fetched in turn over one keep-alive
 * connection from this process. Prints a table and writes it to bench/http-results.md.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { Agent, get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { startApp } from "../src/app.js";
import { parseConfig } from "../src/config/config.js";
import { BUCKETS, type Bucket } from "../src/model/buckets.js";
import { emptyState, type Feature, type PlanEvent } from "../src/model/schema.js";
import { applyChange, prepare, type ChangeRequest } from "../src/plan/reducer.js";
import { silentLogger } from "../src/util/silent-logger.js";

const FEATURES = Number(process.env["BENCH_FEATURES"] ?? 10_000);
const EVENTS = Number(process.env["BENCH_EVENTS"] ?? 100_000);
const REQUESTS = Number(process.env["BENCH_REQUESTS"] ?? 200);
const START = Date.parse("2012-09-17T09:00:00Z");
const DAYS = 180;
const NOW = new Date(START + DAYS * 86_400_000);
const admin = { id: "bench:admin", displayName: "admin" };

/** A small deterministic generator, so every run measures the same plan. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function feature(n: number, at: string): Feature {
  // Every tenth feature has two sub-items, as real plans split big features.
  const parent = n % 10 === 1 || n % 10 === 2 ? `f${n - (n % 10)}` : null;
  return {
    id: `f${n}`,
    title: `Feature number ${n}${n % 97 === 0 ? " <with markup & more>" : ""}`,
    qualifier: n % 7 === 0 ? "Linux" : null,
    external: n % 11 === 0,
    bucket: BUCKETS[n % 4]!,
    owners: n % 3 === 0 ? [`Owner ${n % 50}`] : [],
    note: n % 5 === 0 ? `status note for ${n}` : null,
    probability: null,
    links: [],
    aliases: [],
    parent,
    order: n,
    createdAt: at,
    createdBy: "bench",
    updatedAt: at,
    updatedBy: "bench",
  };
}

/** Writes a history of EVENTS events and the snapshot they replay to. */
async function writePlan(dir: string): Promise<string> {
  const file = join(dir, "stocktake.json");
  const history = join(dir, "stocktake.history.jsonl");
  const out = createWriteStream(history);
  const state = emptyState();
  const next = random(42);
  let seq = 0;
  let chunk = "";
  const write = async (request: ChangeRequest, at: string, by: string, command: string) => {
    const change = prepare(state, request);
    applyChange(state, change);
    seq++;
    const event: PlanEvent = { ...change, seq, txn: seq, at, by, command };
    state.seq = seq;
    chunk += `${JSON.stringify(event)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  };
  const t0 = new Date(START).toISOString();
  await write({ entity: "project", project: "xen", op: "create", value: { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: t0, createdBy: "bench" } }, t0, "bench", "project new xen");
  const milestones = [
    { key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "UTC" },
    { key: "code-freeze", label: "Code freeze", date: "2013-04-15", timeZone: "UTC" },
    { key: "release", label: "Release", date: "2013-06-17", timeZone: "UTC" },
  ];
  await write({ entity: "release", project: "xen", release: "4.3", op: "create", value: { id: "4.3", cycleMonths: 9, cycleStart: "2012-09-17", milestones, createdAt: t0, createdBy: "bench" } }, t0, "bench", "release new 4.3");
  // Features arrive over the first month, then they move between buckets for five months.
  for (let n = 0; n < FEATURES; n++) {
    const at = new Date(START + (n / FEATURES) * 30 * 86_400_000).toISOString();
    await write({ entity: "feature", project: "xen", release: "4.3", feature: `f${n}`, op: "create", value: feature(n, at) }, at, "bench", `add Feature number ${n}`);
  }
  const features = state.projects["xen"]!.releases["4.3"]!.features;
  const moves = EVENTS - seq;
  for (let i = 0; i < moves; i++) {
    const id = `f${Math.floor(next() * FEATURES)}`;
    const current = features[id]!.bucket;
    const bucket: Bucket = BUCKETS[(BUCKETS.indexOf(current) + 1 + Math.floor(next() * 3)) % 4]!;
    const at = new Date(START + (30 + (i / moves) * (DAYS - 30)) * 86_400_000).toISOString();
    const by = `matrix:@person${i % 100}:example.org`;
    await write({ entity: "feature", project: "xen", release: "4.3", feature: id, op: "update", fields: { bucket, updatedAt: at, updatedBy: by } }, at, by, `!status ${id} ${bucket}`);
  }
  out.end(chunk);
  await once(out, "finish");
  writeFileSync(file, JSON.stringify({ ...state, historyBytes: statSync(history).size }));
  return file;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function fetchOnce(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let bytes = 0;
      response.on("data", (data: Buffer) => (bytes += data.length));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  what: string;
  bytes: number;
  p50: number;
  p95: number;
  max: number;
}

async function measure(what: string, url: string, count: number, before?: (i: number) => Promise<void>): Promise<Row> {
  for (let i = 0; i < 20; i++) await fetchOnce(url);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    await before?.(i);
    const t0 = performance.now();
    const response = await fetchOnce(url);
    times.push(performance.now() - t0);
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    bytes = response.bytes;
  }
  times.sort((a, b) => a - b);
  return { what, bytes, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! };
}

const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-http-"));
try {
  process.stderr.write(`writing ${FEATURES} features and ${EVENTS} history events…\n`);
  const file = await writePlan(dir);
  const historyMb = statSync(join(dir, "stocktake.history.jsonl")).size / 1e6;
  const clock = { now: () => NOW };
  const config = parseConfig({ admins: [admin.id], http: { port: 0 } }, "bench");
  const opened = performance.now();
  const store = await LowdbStore.open(file, { clock });
  const storeMs = performance.now() - opened;
  const started = performance.now();
  const app = await startApp({ config, logger: silentLogger, clock, store, adapters: [] });
  const startMs = performance.now() - started;
  const base = app.web!.url;
  process.stderr.write(`serving on ${base}; measuring…\n`);
  const features = store.read().projects["xen"]!.releases["4.3"]!.features;
  const rows: Row[] = [
    await measure("`GET /p/xen`", `${base}/p/xen`, REQUESTS),
    await measure("`GET /p/xen` right after a change (nothing cached)", `${base}/p/xen`, Math.min(REQUESTS, 100), async (i) => {
      // Not a parent: a parent's status is its sub-items'.
      const id = `f${((i * 7919) % (FEATURES / 10)) * 10 + 3 + (i % 7)}`;
      const bucket = BUCKETS[(BUCKETS.indexOf(features[id]!.bucket) + 1) % 4]!;
      const reply = await app.bot.handle({ text: `!status ${id} ${bucket}`, invoker: admin, conversation: "bench" });
      if (reply?.tone !== "ok") throw new Error(`no change: ${id}`);
    }),
    await measure("`GET /p/xen.txt`", `${base}/p/xen.txt`, REQUESTS),
    await measure("`GET /p/xen.json`", `${base}/p/xen.json`, REQUESTS),
    await measure("`GET /metrics`", `${base}/metrics`, REQUESTS),
    await measure("`GET /`", `${base}/`, REQUESTS),
  ];
  await app.stop();
  agent.destroy();

  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const lines = [
    "# Stocktake web page benchmark",
    "",
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}. ${FEATURES.toLocaleString("en")} features (a tenth of them split into sub-items) and ${EVENTS.toLocaleString("en")} history events over ${DAYS} days (${historyMb.toFixed(1)} MB of history), on a LowdbStore in a temp dir; the real app serves the page on loopback; ${REQUESTS} requests per row (100 for the uncached row) one after another over one keep-alive connection, after 20 unrecorded ones.`,
    "",
    "| request | body | p50 | p95 | max |",
    "|---|---:|---:|---:|---:|",
    ...rows.map((row) => `| ${row.what} | ${(row.bytes / 1e3).toFixed(0)} kB | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} |`),
    "",
    `Target: p50 of \`GET /p/xen\` under 50 ms. A page is rendered once per change (and once a minute, for the countdowns) and then served from memory; the second row renders on every request.`,
    "",
    `Start-up: the store opened in ${ms(storeMs)}; the app, including the chart's one pass over all ${EVENTS.toLocaleString("en")} events in the history file, started in ${ms(startMs)}.`,
    "",
  ];
  const table = lines.join("\n");
  process.stdout.write(`${table}\n`);
  writeFileSync(new URL("./http-results.md", import.meta.url), table);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
