/**
 * `npm run bench:store`: the stores side by side, in one run. `!status` p50/p99 with durable writes
 * on lowdb and on PostgreSQL (synchronous_commit on) at 100 and 10 000 features and 1 000 and
 * 1 000 000 history events, the four rows of a size interleaved; commands per second with 1, 2 and
 * 4 processes writing to one database, in BENCH_ROUNDS (3) rounds of alternating order, with the
 * CPU time per command of the writers and (for a scripts/postgres.sh cluster) of the server;
 * how long a change committed by one store takes to show in another's `read()`. Prints a table and
 * appends it to bench/store-results.md.
 *
 * Needs a PostgreSQL database: STOCKTAKE_BENCH_DATABASE_URL, else the one `scripts/postgres.sh
 * start` wrote to .tmp/postgres.env. Each part works in a schema of its own, dropped afterwards.
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { cpus, loadavg as osLoadavg, tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { migrateSchema } from "../adapters/store/postgres/migrations.js";
import { PostgresStore } from "../adapters/store/postgres/postgres-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { Stocktake } from "../src/stocktake.js";
import { AT, planState, writePlan } from "./plan-fixture.js";
import { measureStatusInterleaved, nextBucket, percentile, type StatusTiming } from "./status-timing.js";
import type { PlanStore } from "../src/ports.js";

const COMMANDS = Number(process.env["BENCH_COMMANDS"] ?? 2_000);
const PER_WORKER = Number(process.env["BENCH_WORKER_COMMANDS"] ?? 1_000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
/** Commands per turn of one row when the rows are interleaved. */
const BATCH = 250;
const WORKER = fileURLToPath(new URL("./store-worker.ts", import.meta.url));
const admin = { id: "bench:admin", displayName: "admin" };

function databaseUrl(): string {
  const given = process.env["STOCKTAKE_BENCH_DATABASE_URL"];
  if (given) return given;
  const file = fileURLToPath(new URL("../.tmp/postgres.env", import.meta.url));
  const found = existsSync(file) ? /^STOCKTAKE_TEST_DATABASE_URL=(.*)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim() : undefined;
  if (!found) throw new Error("no database: run `bash scripts/postgres.sh start`, or set STOCKTAKE_BENCH_DATABASE_URL");
  return found;
}

const url = databaseUrl();
const loadavg = () => osLoadavg().map((value) => value.toFixed(2)).join(", ");

async function withClient<T>(schema: string | undefined, job: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    return await job(client);
  } finally {
    await client.end();
  }
}

/** A schema holding the benchmark plan and `events` history events, written with SQL (as bench/core.ts writes files). */
async function seedPostgres(features: number, events: number): Promise<string> {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  await withClient(schema, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await migrateSchema(client);
    // The same events as plan-fixture's statusEvent, built by the server.
    await client.query(
      `INSERT INTO events (seq, txn, at, origin, event)
       SELECT s, s, $4::timestamptz, 'matrix:$event' || s, jsonb_build_object(
         'entity', 'feature', 'project', 'xen', 'release', '4.3', 'feature', 'f' || (s % $2),
         'before', jsonb_build_object('bucket', 'fair', 'updatedAt', $1::text, 'updatedBy', 'bench'),
         'after', jsonb_build_object('bucket', 'at-risk', 'updatedAt', $1::text, 'updatedBy', 'bench'),
         'seq', s, 'txn', s, 'at', $1::text, 'by', 'matrix:@person' || (s % 100) || ':example.org',
         'command', '!status f' || (s % $2) || ' at-risk', 'origin', 'matrix:$event' || s)
       FROM generate_series(1, $3::bigint) AS s`,
      [AT, features, events, AT],
    );
    await client.query("UPDATE plan SET seq = $1, snapshot = $2::jsonb, snapshot_seq = $1", [events, JSON.stringify(planState(features, events))]);
    await client.query("ANALYZE events");
  });
  return schema;
}

const dropSchema = (schema: string) => withClient(undefined, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));

interface Row extends StatusTiming {
  store: string;
  features: number;
  history: number;
}

/**
 * The four `!status` rows of one plan size (lowdb and PostgreSQL, 1 000 and 1 000 000 history
 * events), each on a store of its own, all open at once and measured interleaved in batches, so a
 * burst of load on the shared machine falls on every row alike and the p99 ratios compare like
 * with like.
 */
async function rowsOf(features: number, histories: readonly number[]): Promise<(Row & { openMs?: number })[]> {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const opened: { row: Omit<Row, keyof StatusTiming> & { openMs?: number }; store: PlanStore }[] = [];
  try {
    for (const history of histories) {
      const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-"));
      dirs.push(dir);
      opened.push({ row: { store: "lowdb", features, history }, store: await LowdbStore.open(await writePlan(dir, features, history)) });
      const schema = await seedPostgres(features, history);
      schemas.push(schema);
      const t0 = performance.now();
      const store = await PostgresStore.open({ url, schema });
      opened.push({ row: { store: "PostgreSQL", features, history, openMs: performance.now() - t0 }, store });
    }
    const timings = await measureStatusInterleaved(
      opened.map(({ store }) => ({ store, features })),
      COMMANDS,
      BATCH,
    );
    return opened.map(({ row }, i) => ({ ...row, ...timings[i]! }));
  } finally {
    for (const { store } of opened) await store.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const schema of schemas) await dropSchema(schema);
  }
}

interface Throughput {
  processes: number;
  commands: number;
  perSecond: number;
  lost: number;
  duplicated: number;
  /** CPU time per command, in microseconds: the writing processes', and the database server's when it runs here (scripts/postgres.sh). */
  nodeCpuUs: number;
  serverCpuUs: number | undefined;
}

/** The local cluster's postmaster (scripts/postgres.sh records its data directory), to read the server's CPU time from /proc. */
function localPostmaster(): number | undefined {
  if (process.env["STOCKTAKE_BENCH_DATABASE_URL"]) return undefined;
  try {
    const state = readFileSync(fileURLToPath(new URL("../.tmp/postgres.state", import.meta.url)), "utf8");
    const data = /^DATA=(.*)$/m.exec(state)?.[1];
    return data ? Number(readFileSync(join(data, "cluster", "postmaster.pid"), "utf8").split("\n")[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds the cluster used so far: the postmaster with its ended children, and the running ones. */
function serverCpuMs(postmaster: number): number | undefined {
  const fields = (pid: number | string) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  try {
    const own = fields(postmaster);
    let total = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const child = fields(pid);
        if (Number(child[1]) === postmaster) total += Number(child[11]) + Number(child[12]);
      } catch {
        // Ended meanwhile: its time is in the postmaster's children's now.
      }
    }
    return (total / CLOCK_TICKS) * 1000;
  } catch {
    return undefined;
  }
}

/** /proc reports CPU time in clock ticks (USER_HZ), 100 a second on Linux. */
const CLOCK_TICKS = 100;

/** `processes` child processes each send PER_WORKER `!status` commands at once; then the events are counted. */
async function throughput(processes: number, features: number): Promise<Throughput> {
  const schema = await seedPostgres(features, 1_000);
  try {
    const children = Array.from({ length: processes }, (_, worker) => {
      const child = spawn(process.execPath, ["--import", "tsx", WORKER, url, schema, String(worker), String(processes), String(PER_WORKER), String(features)], { stdio: ["pipe", "pipe", "inherit"] });
      let out = "";
      const ready = new Promise<void>((resolve) => child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()).includes("READY") && resolve()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      return { child, ready, exited, output: () => out };
    });
    await Promise.all(children.map((item) => item.ready));
    const postmaster = localPostmaster();
    const serverBefore = postmaster === undefined ? undefined : serverCpuMs(postmaster);
    const started = performance.now();
    for (const item of children) item.child.stdin.end("go\n");
    const codes = await Promise.all(children.map((item) => item.exited));
    const elapsed = performance.now() - started;
    const serverAfter = postmaster === undefined ? undefined : serverCpuMs(postmaster);
    if (codes.some((code) => code !== 0)) throw new Error(`a worker failed: exit codes ${codes.join(", ")}`);
    const commands = processes * PER_WORKER;
    const nodeCpuMs = children.reduce((sum, item) => sum + Number(/^CPU (\S+)$/m.exec(item.output())?.[1] ?? NaN), 0);
    const serverCpuUs = serverBefore === undefined || serverAfter === undefined ? undefined : Math.round(((serverAfter - serverBefore) / commands) * 1000);
    const counted = await withClient(schema, async (client) => {
      const found = await client.query<{ events: string; origins: string; top: string }>(
        "SELECT count(*) AS events, count(DISTINCT origin) FILTER (WHERE origin LIKE 'bench:w%') AS origins, max(seq) AS top FROM events",
      );
      return found.rows[0]!;
    });
    const origins = Number(counted.origins);
    if (Number(counted.top) !== Number(counted.events)) throw new Error(`the history has a gap: ${counted.events} events up to seq ${counted.top}`);
    return {
      processes,
      commands,
      perSecond: Math.round((commands / elapsed) * 1000),
      lost: commands - origins,
      duplicated: Number(counted.events) - 1_000 - origins,
      nodeCpuUs: Math.round((nodeCpuMs / commands) * 1000),
      serverCpuUs,
    };
  } finally {
    await dropSchema(schema);
  }
}

/** A change committed through one store, until another store's read() has it (LISTEN/NOTIFY). */
async function propagation(features: number): Promise<{ p50: number; p99: number; max: number }> {
  const schema = await seedPostgres(features, 1_000);
  const writer = await PostgresStore.open({ url, schema });
  const reader = await PostgresStore.open({ url, schema });
  try {
    const bot = new Stocktake({ store: writer, config: defaultCoreConfig({ admins: [admin.id] }) });
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `f${(i * 7919) % features}`;
      await bot.handle({ text: `!status ${id} ${nextBucket(writer, id)}`, invoker: admin, conversation: "bench" });
      const t0 = performance.now();
      const seq = writer.read().seq;
      while (reader.read().seq < seq) await new Promise((resolve) => setImmediate(resolve));
      if (i >= 50) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1]! };
  } finally {
    await writer.close();
    await reader.close();
    await dropSchema(schema);
  }
}

/**
 * A change acknowledged by this process, until another process's web page (`stocktake run` with only
 * the web page on, over the same database) shows it: polled through /p/xen.json as fast as it answers.
 */
async function webPropagation(features: number): Promise<{ p50: number; p99: number; max: number; changes: number }> {
  const schema = await seedPostgres(features, 1_000);
  const dir = mkdtempSync(join(tmpdir(), "stocktake-bench-web-"));
  const port = await freePort();
  const config = join(dir, "stocktake.yaml");
  writeFileSync(config, `store:\n  kind: postgres\n  url: ${JSON.stringify(url)}\n  schema: ${schema}\nhttp:\n  enabled: true\n  host: 127.0.0.1\n  port: ${port}\nlog:\n  level: warn\n`);
  const bin = fileURLToPath(new URL("../bin/stocktake.js", import.meta.url));
  const web = spawn(process.execPath, [bin, "run", "--config", config], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
  const writer = await PostgresStore.open({ url, schema });
  const page = `http://127.0.0.1:${port}/p/xen.json`;
  const bucketOnPage = async (id: string): Promise<string | undefined> => {
    const response = await fetch(page).catch(() => undefined);
    if (!response?.ok) return undefined;
    const body = (await response.json()) as { release: { features: Record<string, { bucket: string }> } };
    return body.release.features[id]?.bucket;
  };
  try {
    const started = performance.now();
    while ((await bucketOnPage("f0")) === undefined) {
      if (performance.now() - started > 30_000) throw new Error("the web page process did not start within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bot = new Stocktake({ store: writer, config: defaultCoreConfig({ admins: [admin.id] }) });
    const times: number[] = [];
    const changes = 120;
    for (let i = 0; i < changes; i++) {
      const id = `f${(i * 37) % features}`;
      const bucket = nextBucket(writer, id);
      await bot.handle({ text: `!status ${id} ${bucket}`, invoker: admin, conversation: "bench" });
      const t0 = performance.now();
      while ((await bucketOnPage(id)) !== bucket) {
        if (performance.now() - t0 > 5_000) throw new Error(`change ${i} did not show on the other process's page within 5 s`);
      }
      if (i >= 20) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1]!, changes: times.length };
  } finally {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  }
}

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

const ms = (value: number) => `${value.toFixed(3)} ms`;
process.stderr.write("warming up…\n");
await rowsOf(100, [1_000]);

const loadBefore = loadavg();
const rows: (Row & { openMs?: number })[] = [];
for (const features of [100, 10_000]) {
  process.stderr.write(`!status: ${features} features, 1 000 and 1 000 000 history events (lowdb, PostgreSQL), interleaved…\n`);
  rows.push(...(await rowsOf(features, [1_000, 1_000_000])));
}
// Rounds in alternating order (1 2 4, 4 2 1, …): the median of each row, so a burst of load falls on every row alike.
const PROCESSES = [1, 2, 4];
const rounds: Throughput[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const processes of round % 2 === 0 ? PROCESSES : [...PROCESSES].reverse()) {
    process.stderr.write(`round ${round + 1}: ${processes} writing process(es)…\n`);
    (rounds[PROCESSES.indexOf(processes)] ??= []).push(await throughput(processes, 10_000));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const throughputs = rounds.map((runs) => ({
  processes: runs[0]!.processes,
  commands: runs[0]!.commands,
  perSecond: median(runs.map((run) => run.perSecond)),
  all: runs.map((run) => run.perSecond),
  lost: runs.reduce((sum, run) => sum + run.lost, 0),
  duplicated: runs.reduce((sum, run) => sum + run.duplicated, 0),
  nodeCpuUs: median(runs.map((run) => run.nodeCpuUs)),
  serverCpuUs: runs.every((run) => run.serverCpuUs !== undefined) ? median(runs.map((run) => run.serverCpuUs!)) : undefined,
}));
const loadAfter = loadavg();
process.stderr.write("propagation between stores…\n");
const spread = await propagation(10_000);
process.stderr.write("propagation to another process's web page…\n");
const toWeb = await webPropagation(100);

const version = await withClient(undefined, async (client) => {
  const found = await client.query<{ server_version: string; synchronous_commit: string }>("SELECT current_setting('server_version') AS server_version, current_setting('synchronous_commit') AS synchronous_commit");
  return found.rows[0]!;
});
const flat = (store: string, features: number) => {
  const small = rows.find((row) => row.store === store && row.features === features && row.history === 1_000)!;
  const large = rows.find((row) => row.store === store && row.features === features && row.history === 1_000_000)!;
  return (large.p99 / small.p99).toFixed(2);
};
const one = throughputs[0]!.perSecond;

const lines = [
  `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  ``,
  `Node ${process.version}, PostgreSQL ${version.server_version} on loopback (synchronous_commit ${version.synchronous_commit}). ${COMMANDS} \`!status\` commands per row through \`Stocktake.handle\`, each acknowledged once durable (lowdb: appended and fdatasync'ed; PostgreSQL: committed).`,
  ``,
  `| store | features | history events | open | commands/s | p50 | p99 | max |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|`,
  ...rows.map(
    (row) =>
      `| ${row.store} | ${row.features.toLocaleString("en")} | ${row.history.toLocaleString("en")} | ${row.openMs === undefined ? "" : ms(row.openMs)} | ${row.perSecond.toLocaleString("en")} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`,
  ),
  ``,
  `p99 at 1 000 000 history events ÷ p99 at 1 000, PostgreSQL: ${flat("PostgreSQL", 100)}× (100 features), ${flat("PostgreSQL", 10_000)}× (10 000 features); lowdb: ${flat("lowdb", 100)}×, ${flat("lowdb", 10_000)}×. Target for PostgreSQL: p99 under 10 ms, within 2×.`,
  ``,
  `Processes writing to one database at once (10 000 features; each process ${PER_WORKER} \`!status\` commands on its own share of the features, each with its own message id):`,
  ``,
  `| processes | commands | commands/s (median of ${ROUNDS}) | × one process | each round | CPU per command: writers | database server | lost | duplicated |`,
  `|---:|---:|---:|---:|---|---:|---:|---:|---:|`,
  ...throughputs.map(
    (row) =>
      `| ${row.processes} | ${row.commands.toLocaleString("en")} | ${row.perSecond.toLocaleString("en")} | ${(row.perSecond / one).toFixed(2)} | ${row.all.map((value) => value.toLocaleString("en")).join(", ")} | ${row.nodeCpuUs} µs | ${row.serverCpuUs === undefined ? "" : `${row.serverCpuUs} µs`} | ${row.lost} | ${row.duplicated} |`,
  ),
  ``,
  `Target: 2 processes not below 1; nothing lost or duplicated (over all rounds). Load average (1, 5, 15 min) when the measured rows began: ${loadBefore}; when the rounds ended: ${loadAfter}; ${cpus().length} CPUs.`,
  ``,
  `A change acknowledged by one store, until another store (its own pool and notification connection, same process) shows it in \`read()\`: p50 ${ms(spread.p50)}, p99 ${ms(spread.p99)}, max ${ms(spread.max)} over 250 changes.`,
  ``,
  `A change acknowledged by this process, until another process's web page (\`stocktake run\` with only the web page, same database; 100 features) shows it in /p/xen.json: p50 ${ms(toWeb.p50)}, p99 ${ms(toWeb.p99)}, max ${ms(toWeb.max)} over ${toWeb.changes} changes. Target: within a second.`,
  ``,
];
const table = lines.join("\n");
process.stdout.write(`${table}\n`);
// Newest last, as the other benchmarks' results: a run never takes away the ones before it.
const results = new URL("./store-results.md", import.meta.url);
if (!existsSync(results)) writeFileSync(results, "# Stocktake store benchmark\n\nWritten by `npm run bench:store` (bench/store.ts); newest last.\n");
appendFileSync(results, `\n${table}`);
