/**
 * `npm run soak`: drives the real `stocktake run` (console and web page) with changes typed on the
 * console and reads over HTTP, kills it with SIGKILL at random moments and starts it again, tries
 * a second process on the same data file each round, and (given a small file system) fills the disk
 * for a while. Prints what was acknowledged, lost and duplicated: lost and duplicated must be 0.
 *
 *   SOAK_SECONDS=60       how long to run (default 60)
 *   SOAK_SEED=N           the random choices (default: from the clock, printed)
 *   SOAK_DIR=/mnt/small   a directory on a small file system (say `mount -t tmpfs -o size=32m tmpfs
 *                         /mnt/small`): each third round fills it, expects "the disk is full"
 *                         refusals and a 503 from /healthz, then frees it again
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, writeSync, statfsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LowdbStore } from "../adapters/store/lowdb-store.js";

const BIN = fileURLToPath(new URL("../bin/stocktake.js", import.meta.url));
const SECONDS = Number(process.env["SOAK_SECONDS"] ?? 60);
const SEED = Number(process.env["SOAK_SEED"] ?? Date.now() % 2 ** 31);
const BUCKETS = ["at-risk", "done", "on-track", "deferred"] as const;

/** Park–Miller: the same seed, the same choices. */
let state = SEED || 1;
const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;

interface Tally {
  rounds: number;
  sent: number;
  acknowledged: number;
  refusedDiskFull: number;
  /** Sent, then the kill came before the answer: may or may not have landed (both are fine). */
  unanswered: number;
  lost: string[];
  duplicated: string[];
  httpReads: number;
  httpStale: string[];
  secondProcessRefused: number;
  secondProcessAllowed: number;
  healthDiskFull: number;
  healthChecksWhileFull: number;
}

const tally: Tally = {
  rounds: 0,
  sent: 0,
  acknowledged: 0,
  refusedDiskFull: 0,
  unanswered: 0,
  lost: [],
  duplicated: [],
  httpReads: 0,
  httpStale: [],
  secondProcessRefused: 0,
  secondProcessAllowed: 0,
  healthDiskFull: 0,
  healthChecksWhileFull: 0,
};

/** Per feature: the bucket last acknowledged, and one sent but not answered (it may have landed). */
const acked = new Map<string, string>();
const pending = new Map<string, string>();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The child with a line reader on its stdout: `next(pattern)` waits for a line matching it. */
class Bot {
  private lines: string[] = [];
  private waiters: { pattern: RegExp; resolve: (line: string | undefined) => void }[] = [];
  exited = false;
  readonly exit: Promise<void>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = "";
    child.stdout.on("data", (data: Buffer) => {
      buffer += data.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const line of parts) this.take(line);
    });
    child.stderr.resume();
    this.exit = new Promise((resolve) =>
      child.once("exit", () => {
        this.exited = true;
        for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
        resolve();
      }),
    );
  }

  private take(line: string): void {
    const index = this.waiters.findIndex((waiter) => waiter.pattern.test(line));
    if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(line);
    else this.lines.push(line);
  }

  /** Sends a line and resolves with the first answer line matching `pattern`, or undefined if it died first. */
  say(text: string, pattern: RegExp): Promise<string | undefined> {
    if (this.exited) return Promise.resolve(undefined);
    const answer = new Promise<string | undefined>((resolve) => this.waiters.push({ pattern, resolve }));
    this.child.stdin.write(`${text}\n`);
    return answer;
  }
}

function start(config: string): Bot {
  const child = spawn(process.execPath, [BIN, "run", "--config", config], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
  child.stdin.on("error", () => undefined);
  return new Bot(child);
}

async function waitForHttp(base: string, bot: Bot): Promise<boolean> {
  for (let i = 0; i < 400 && !bot.exited; i++) {
    try {
      await fetch(`${base}/healthz`);
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return false;
}

/** Every acknowledged change is visible on the web page (or a later one of the same feature). */
async function readOverHttp(base: string): Promise<void> {
  const expected = new Map(acked);
  let data: { release?: { features?: Record<string, { bucket: string }> } };
  try {
    const response = await fetch(`${base}/p/xen.json`);
    if (!response.ok) return;
    data = (await response.json()) as typeof data;
  } catch {
    return; // killed meanwhile
  }
  tally.httpReads++;
  const features = data.release?.features ?? {};
  for (const [name, bucket] of expected) {
    const shown = features[name]?.bucket;
    if (shown === undefined || (shown !== bucket && shown !== acked.get(name) && shown !== pending.get(name))) tally.httpStale.push(`${name}: ${shown ?? "missing"}, acknowledged ${bucket}`);
  }
}

/** A second process on the same data file must be refused while the first runs. */
async function secondProcess(dataFile: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, "export", "--data", dataFile], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code === 1 && /in use|lock/i.test(stderr)) tally.secondProcessRefused++;
  else tally.secondProcessAllowed++;
}

/** Fills the file system the data lives on, leaving nothing; returns how to free it again. */
function fillDisk(dir: string): () => void {
  const filler = join(dir, "filler.bin");
  const fd = openSync(filler, "w");
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: the disk is full now; top up with smaller writes.
    for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) writeSync(fd, block.subarray(0, size));
      } catch {
        // next size
      }
    }
  } finally {
    closeSync(fd);
  }
  return () => rmSync(filler, { force: true });
}

async function check(dataFile: string): Promise<void> {
  const store = await LowdbStore.open(dataFile);
  try {
    const features = store.read().projects["xen"]?.releases["4.3"]?.features ?? {};
    for (const [name, bucket] of acked) {
      const found = Object.hasOwn(features, name) ? features[name]!.bucket : undefined;
      if (found === bucket) continue;
      // The change sent after the acknowledged one may have landed before the kill.
      if (found !== undefined && found === pending.get(name)) {
        acked.set(name, found);
        continue;
      }
      tally.lost.push(`${name}: acknowledged ${bucket}, found ${found ?? "nothing"}`);
    }
    const adds = new Map<string, number>();
    for await (const event of store.events()) {
      if (event.entity === "feature" && event.before === null && event.after !== null) adds.set(event.feature, (adds.get(event.feature) ?? 0) + 1);
    }
    for (const [name, count] of adds) if (count > 1) tally.duplicated.push(`${name} added ${count} times`);
    // What landed without an answer is settled now: it is the state from here on.
    for (const name of pending.keys()) {
      const found = Object.hasOwn(features, name) ? features[name]!.bucket : undefined;
      if (found !== undefined) acked.set(name, found);
    }
    pending.clear();
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const smallDisk = process.env["SOAK_DIR"];
  const dir = smallDisk ? mkdtempSync(join(smallDisk, "soak-")) : mkdtempSync(join(tmpdir(), "stocktake-soak-"));
  const dataFile = join(dir, "plan.json");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = join(dir, "soak.yaml");
  writeFileSync(config, `dataFile: ${JSON.stringify(dataFile)}\nconsole:\n  enabled: true\nhttp:\n  port: ${port}\n`);
  if (smallDisk) {
    const fs = statfsSync(dir);
    const megabytes = (fs.blocks * fs.bsize) / 2 ** 20;
    if (megabytes > 256) throw new Error(`SOAK_DIR is on a ${Math.round(megabytes)} MB file system: filling it would take too long; give it a small one (tmpfs -o size=32m)`);
  }
  process.stderr.write(`soak: ${SECONDS} s, seed ${SEED} (SOAK_SEED=${SEED} repeats the choices), data in ${dir}\n`);

  const deadline = Date.now() + SECONDS * 1000;
  let n = 0;
  let fresh = true;
  while (Date.now() < deadline) {
    tally.rounds++;
    const bot = start(config);
    if (!(await waitForHttp(base, bot))) throw new Error("stocktake run did not start");
    if (fresh) {
      await bot.say("project new xen Xen", /^Created Xen/);
      await bot.say("release new 4.3", /current release now/);
      fresh = false;
    }
    await secondProcess(dataFile);
    const killAfter = 300 + random() * 2_000;
    const fullDisk = smallDisk !== undefined && tally.rounds % 3 === 0;
    const killer = setTimeout(() => bot.child.kill("SIGKILL"), killAfter);
    const reader = setInterval(() => void readOverHttp(base), 100);
    let free: (() => void) | undefined;
    let sentWhileFull = 0;
    while (!bot.exited) {
      const name = `f${++n}`;
      if (fullDisk && !free && n % 5 === 0) free = fillDisk(dir);
      tally.sent++;
      pending.set(name, "fair");
      const added = await bot.say(`add ${name} --bucket fair`, new RegExp(`Added ${name} |disk is full|Not saved`));
      if (added === undefined) {
        tally.unanswered++;
        break;
      }
      if (/disk is full|Not saved/.test(added)) {
        pending.delete(name);
        tally.refusedDiskFull++;
        if (free && ++sentWhileFull >= 3) {
          const health = await fetch(`${base}/healthz`).then((response) => response.json() as Promise<{ store?: { detail?: string } }>).catch(() => undefined);
          tally.healthChecksWhileFull++;
          if (health?.store?.detail?.includes("disk is full")) tally.healthDiskFull++;
          free();
          free = undefined;
        }
        continue;
      }
      pending.delete(name);
      acked.set(name, "fair");
      tally.acknowledged++;
      const bucket = BUCKETS[Math.floor(random() * BUCKETS.length)]!;
      tally.sent++;
      pending.set(name, bucket);
      const moved = await bot.say(`status ${name} ${bucket}`, new RegExp(`^\\* ${name}: |disk is full|Not saved`));
      if (moved === undefined) {
        tally.unanswered++;
        break;
      }
      pending.delete(name);
      if (/disk is full|Not saved/.test(moved)) {
        tally.refusedDiskFull++;
        continue;
      }
      acked.set(name, bucket);
      tally.acknowledged++;
    }
    clearTimeout(killer);
    clearInterval(reader);
    await bot.exit;
    free?.();
    await check(dataFile);
  }
  rmSync(dir, { recursive: true, force: true });

  const rows: [string, string | number][] = [
    ["rounds (each ended by SIGKILL)", tally.rounds],
    ["changes sent on the console", tally.sent],
    ["acknowledged", tally.acknowledged],
    ["**lost** (acknowledged, then missing after a restart)", tally.lost.length],
    ["**duplicated** (applied twice)", tally.duplicated.length],
    ["sent, killed before the answer (may land or not)", tally.unanswered],
    ["refused: disk full", smallDisk ? tally.refusedDiskFull : "n/a (no SOAK_DIR)"],
    ["/healthz said the disk is full, while full (a probe can fit in space a refusal freed)", smallDisk ? `${tally.healthDiskFull} of ${tally.healthChecksWhileFull}` : "n/a"],
    ["HTTP reads of /p/xen.json", tally.httpReads],
    ["HTTP reads missing an acknowledged change", tally.httpStale.length],
    ["second process on the data file: refused", tally.secondProcessRefused],
    ["second process on the data file: allowed", tally.secondProcessAllowed],
  ];
  process.stdout.write(`\n| soak (${SECONDS} s, seed ${SEED}) | count |\n|---|---|\n${rows.map(([what, count]) => `| ${what} | ${count} |`).join("\n")}\n`);
  const problems = [...tally.lost, ...tally.duplicated, ...tally.httpStale.slice(0, 20)];
  if (problems.length > 0) process.stdout.write(`\n${problems.join("\n")}\n`);
  process.exitCode = tally.lost.length + tally.duplicated.length + tally.httpStale.length + tally.secondProcessAllowed > 0 ? 1 : 0;
}

await main();
