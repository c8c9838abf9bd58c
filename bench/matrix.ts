/**
 * `npm run bench:matrix`: round-trip latency of Stocktake on a real homeserver, side by side with
 * a minimal echo bot on the same SDK, in the same run.
 *
 * Both bots run as their own processes, as in production: Stocktake through its command line
 * (`stocktake run`, lowdb store on disk in a temp dir, every change fsynced), the echo bot from
 * bench/echo-bot.ts. A person's client (the same SDK) sends commands into two rooms, one per bot,
 * alternating, so both see the same homeserver load; the latency is from the send call to the
 * moment the person's client sees the reply. Idle RSS is read from /proc/PID/status (VmRSS) of each
 * bot process after it sat idle for a few seconds: no forced GC, what the kernel charges.
 *
 * Needs a homeserver: `bash scripts/synapse.sh start` (or MATRIX_HOMESERVER_URL and
 * MATRIX_REGISTRATION_SECRET). BENCH_COMMANDS sets the number of commands per bot (default 200).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { LogLevel, LogService } from "@vector-im/matrix-bot-sdk";
import { stringify } from "yaml";
import { findHomeserver, HOW_TO_ENABLE } from "../tests/integration/matrix/homeserver.js";
import { registerUser } from "../scripts/synapse-admin.mjs";
import { Person, type Account, type MatrixEvent } from "../tests/integration/matrix/support-person.js";
import { tempDir } from "../tests/support/temp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const COMMANDS = Number(process.env["BENCH_COMMANDS"] ?? 200);
const WARMUP = 10;
/** Idle time before RSS is read: after setup, and after the run (long enough for V8's idle-time GC). */
const SETTLE_MS = 5_000;
const IDLE_MS = 15_000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function launch(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s; see ${logFile}`)), 60_000);
    let seen = "";
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}; see ${logFile}`)));
  });
}

async function roomWith(owner: Person, bot: string): Promise<string> {
  const joined = owner.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot && event.content["membership"] === "join", 30_000);
  const room = await owner.client.createRoom({ preset: "private_chat", invite: [bot] });
  await joined;
  return room;
}

async function roundTrip(owner: Person, room: string, bot: string, text: string): Promise<{ ms: number; reply: MatrixEvent }> {
  const started = performance.now();
  const { reply } = await owner.ask(room, bot, text, 30_000);
  return { ms: performance.now() - started, reply };
}

async function main(): Promise<void> {
  const found = await findHomeserver();
  if (!found.ok) throw new Error(`${found.reason}. To run the benchmark, ${HOW_TO_ENABLE}.`);
  const hs = found.value;
  LogService.setLevel(LogLevel.ERROR);
  LogService.muteModule("MatrixHttpClient");
  const temp = tempDir("stocktake-bench-matrix-");
  const children: ChildProcess[] = [];
  try {
    const suffix = Math.random().toString(36).slice(2, 8);
    const register = async (name: string): Promise<Account> => {
      const password = `pw-${suffix}`;
      const session = await registerUser(hs.url, hs.registrationSecret, `${name}_${suffix}`, password);
      return { ...session, localpart: `${name}_${suffix}`, password };
    };
    const [stocktakeAccount, echoAccount, personAccount] = await Promise.all([register("bench_stocktake"), register("bench_echo"), register("bench_person")]);
    const person = await new Person(personAccount, hs).start();

    const configFile = join(temp.dir, "stocktake.yaml");
    writeFileSync(
      configFile,
      stringify({
        admins: [`matrix:${personAccount.userId}`],
        dataFile: join(temp.dir, "stocktake.json"),
        matrix: { enabled: true, homeserverUrl: hs.url, accessToken: stocktakeAccount.accessToken, invites: { fromUsers: [personAccount.userId] } },
      }),
    );
    const stocktake = await launch("stocktake", ["bin/stocktake.js", "run", "--config", configFile], {}, join(temp.dir, "stocktake.log"), /matrix sync started/);
    children.push(stocktake);
    const echo = await launch("echo bot", ["--import", "tsx", "bench/echo-bot.ts"], { MATRIX_HOMESERVER_URL: hs.url, ECHO_ACCESS_TOKEN: echoAccount.accessToken }, join(temp.dir, "echo.log"), /echo bot ready/);
    children.push(echo);

    const stocktakeRoom = await roomWith(person, stocktakeAccount.userId);
    const echoRoom = await roomWith(person, echoAccount.userId);
    const setup = ["!project new bench", "!release new 1.0", ...Array.from({ length: 10 }, (_, i) => `!add f${i} --bucket fair`)];
    for (const command of setup) {
      const { reply } = await roundTrip(person, stocktakeRoom, stocktakeAccount.userId, command);
      if (/^(Only|Sorry|There is)/.test(String(reply.content.body))) throw new Error(`setup “${command}” failed: ${reply.content.body}`);
    }
    await sleep(SETTLE_MS);
    const idleBefore = { stocktake: rssMiB(stocktake.pid!), echo: rssMiB(echo.pid!) };

    const times = { stocktake: [] as number[], echo: [] as number[] };
    for (let i = 0; i < WARMUP + COMMANDS; i++) {
      // Every command moves a feature (fair → at risk, then back ten commands later): a real, fsynced change.
      const text = `!status f${i % 10} ${Math.floor(i / 10) % 2 === 0 ? "at-risk" : "fair"}`;
      const ours = await roundTrip(person, stocktakeRoom, stocktakeAccount.userId, text);
      if (!/→/.test(String(ours.reply.content.body))) throw new Error(`unexpected answer to “${text}”: ${ours.reply.content.body}`);
      const theirs = await roundTrip(person, echoRoom, echoAccount.userId, text);
      if (i >= WARMUP) {
        times.stocktake.push(ours.ms);
        times.echo.push(theirs.ms);
      }
    }
    await sleep(IDLE_MS);
    const idleAfter = { stocktake: rssMiB(stocktake.pid!), echo: rssMiB(echo.pid!) };
    person.stop();

    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: values.reduce((sum, v) => sum + v, 0) / values.length };
    };
    const ours = stats(times.stocktake);
    const theirs = stats(times.echo);
    const ratio = ours.p50 / theirs.p50;
    const f = (n: number) => n.toFixed(1);
    const table = [
      `Matrix round trip (command sent → reply seen by the sender's client), ${COMMANDS} commands per bot after ${WARMUP} warm-up, alternating between the bots; Synapse ${hs.url}, Node ${process.version}.`,
      "",
      "| bot | p50 ms | p95 ms | mean ms | RSS after setup, MiB | idle RSS, MiB |",
      "|---|---:|---:|---:|---:|---:|",
      `| Stocktake (\`stocktake run\`, lowdb on disk) | ${f(ours.p50)} | ${f(ours.p95)} | ${f(ours.mean)} | ${f(idleBefore.stocktake)} | ${f(idleAfter.stocktake)} |`,
      `| echo bot (same SDK) | ${f(theirs.p50)} | ${f(theirs.p95)} | ${f(theirs.mean)} | ${f(idleBefore.echo)} | ${f(idleAfter.echo)} |`,
      "",
      `p50 ratio Stocktake / echo: **${ratio.toFixed(2)}×** (target ≤ 1.2×). Stocktake idle RSS ${f(idleAfter.stocktake)} MiB (target < 120 MiB).`,
      "",
      `RSS is VmRSS from /proc/PID/status, no forced GC: ${SETTLE_MS / 1000} s after the setup commands, and (idle RSS) ${IDLE_MS / 1000} s after the last command.`,
      "Both bots run their TypeScript through tsx (`bin/stocktake.js`, `node --import tsx`), whose loader thread accounts for about 34 MiB of each.",
    ].join("\n");
    process.stdout.write(`${table}\n`);
    writeFileSync(join(ROOT, "bench", "matrix-results.md"), `# Matrix benchmark\n\n${table}\n`);
  } finally {
    for (const child of children) child.kill("SIGTERM");
    temp.cleanup();
  }
}

await main();
process.exit(0);
