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
 * Then the cross-room case (issue 13): a second Stocktake process on the realistic plan with a long
 * history (bench/plan-fixture.ts, BENCH_CROSS_HISTORY events, default 1 000 000), two rooms bound to
 * it. Each round times `!history f499` in room B alone, then again sent right after an `!undo` in
 * room A (both in flight at once: the bot works on them side by side), BENCH_CROSS_ROUNDS rounds
 * (default 40), alternating. Target: room B's p50 with the `!undo` within 1.2× of room B alone.
 *
 * Needs a homeserver: `bash scripts/synapse.sh start` (or MATRIX_HOMESERVER_URL and
 * MATRIX_REGISTRATION_SECRET). BENCH_COMMANDS sets the number of commands per bot (default 200).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { LogLevel, LogService } from "@vector-im/matrix-bot-sdk";
import { stringify } from "yaml";
import { findHomeserver, HOW_TO_ENABLE } from "../tests/integration/matrix/homeserver.js";
import { registerUser } from "../scripts/synapse-admin.mjs";
import { Person, type Account, type MatrixEvent } from "../tests/integration/matrix/support-person.js";
import { tempDir } from "../tests/support/temp.js";
import { writeRealisticPlan } from "./plan-fixture.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const COMMANDS = Number(process.env["BENCH_COMMANDS"] ?? 200);
/** The cross-room part: rounds of (room B alone, room B while room A runs an `!undo`), and the plan's history. */
const CROSS_ROUNDS = Number(process.env["BENCH_CROSS_ROUNDS"] ?? 40);
const CROSS_HISTORY = Number(process.env["BENCH_CROSS_HISTORY"] ?? 1_000_000);
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

async function roundTrip(owner: Person, room: string, bot: string, text: string): Promise<{ ms: number; reply: MatrixEvent; sent: string }> {
  const started = performance.now();
  const { reply, sent } = await owner.ask(room, bot, text, 30_000);
  return { ms: performance.now() - started, reply, sent };
}

/**
 * The homeserver's own clock from the command to the bot's reply (both events' origin_server_ts):
 * the bot's part without the sender's sync, which hands over replies that land close together in
 * one batch.
 */
async function serverMs(owner: Person, room: string, trip: { reply: MatrixEvent; sent: string }): Promise<number> {
  const command = (await owner.client.getEvent(room, trip.sent)) as MatrixEvent;
  return trip.reply.origin_server_ts - command.origin_server_ts;
}

function summary(values: number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: values.reduce((sum, v) => sum + v, 0) / values.length };
}

/**
 * Room B's reply with an `!undo` in flight in room A, beside room B alone, on a Stocktake over a
 * long history: a command in one room must not wait for work in another.
 */
async function crossRoom(homeserverUrl: string, register: (name: string) => Promise<Account>, person: Person, dir: string, children: ChildProcess[]) {
  const planDir = join(dir, "cross");
  process.stderr.write(`cross-room: writing the realistic plan with ${CROSS_HISTORY} events…\n`);
  mkdirSync(planDir);
  const dataFile = await writeRealisticPlan(planDir, CROSS_HISTORY);
  const account = await register("bench_cross");
  const configFile = join(dir, "cross.yaml");
  writeFileSync(
    configFile,
    stringify({
      admins: [`matrix:${person.userId}`],
      dataFile,
      matrix: { enabled: true, homeserverUrl, accessToken: account.accessToken, invites: { fromUsers: [person.userId] } },
    }),
  );
  const bot = await launch("stocktake (cross-room)", ["bin/stocktake.js", "run", "--config", configFile], {}, join(dir, "cross.log"), /matrix sync started/);
  children.push(bot);
  const roomA = await roomWith(person, account.userId);
  const roomB = await roomWith(person, account.userId);
  for (const room of [roomA, roomB]) {
    const { reply } = await roundTrip(person, room, account.userId, "!project use xen");
    if (!/xen/i.test(String(reply.content.body))) throw new Error(`binding a room failed: ${reply.content.body}`);
  }
  const history = "!history f499";
  const expectHistory = (reply: MatrixEvent) => {
    if (!/History of/.test(String(reply.content.body))) throw new Error(`unexpected answer to “${history}”: ${reply.content.body}`);
  };
  type Kind = "alone" | "later" | "control" | "beside" | "undo";
  const kinds: Kind[] = ["alone", "later", "control", "beside", "undo"];
  const times = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>;
  const server = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>;
  /** Room B's command sent `afterMs` after `first` in room A (0: right after, both in flight at once). */
  const together = async (first: string, afterMs = 0) => {
    const other = roundTrip(person, roomA, account.userId, first);
    if (afterMs > 0) await sleep(afterMs);
    const mine = await roundTrip(person, roomB, account.userId, history);
    expectHistory(mine.reply);
    return { mine, other: await other };
  };
  let changes = 0;
  /** A change of the sender's own in room A, before every measurement alike (and something to undo). */
  const change = async () => {
    const k = changes++;
    const answer = await roundTrip(person, roomA, account.userId, `!status f${10 + (k % 400)} ${Math.floor(k / 400) % 2 === 0 ? "at-risk" : "fair"}`);
    if (!/→|already/.test(String(answer.reply.content.body))) throw new Error(`unexpected answer: ${answer.reply.content.body}`);
  };
  const undone = (trip: { reply: MatrixEvent }) => {
    if (!/Undone|no change|Cannot undo/.test(String(trip.reply.content.body))) throw new Error(`unexpected answer to !undo: ${trip.reply.content.body}`);
  };
  type Trip = { ms: number; reply: MatrixEvent; sent: string };
  const steps: (() => Promise<[Kind, string, Trip][]>)[] = [
    async () => {
      const alone = await roundTrip(person, roomB, account.userId, history);
      expectHistory(alone.reply);
      return [["alone", roomB, alone]];
    },
    async () => {
      const { mine, other } = await together("!undo", 300);
      undone(other);
      return [["later", roomB, mine]];
    },
    // Two messages at once cost the homeserver something whatever they ask: the control sends a
    // cheap read-only command in room A instead of the `!undo`.
    async () => [["control", roomB, (await together("!show f1")).mine]],
    async () => {
      const { mine, other } = await together("!undo");
      undone(other);
      return [
        ["beside", roomB, mine],
        ["undo", roomA, other],
      ];
    },
  ];
  for (let i = 0; i < WARMUP + CROSS_ROUNDS; i++) {
    // Each round starts at another step, so none always follows the same one.
    for (let j = 0; j < steps.length; j++) {
      await change();
      const samples = await steps[(i + j) % steps.length]!();
      if (i < WARMUP) continue;
      for (const [kind, room, trip] of samples) {
        times[kind].push(trip.ms);
        server[kind].push(await serverMs(person, room, trip));
      }
    }
  }
  bot.kill("SIGTERM");
  const all = (from: Record<Kind, number[]>) => Object.fromEntries(kinds.map((kind) => [kind, summary(from[kind])])) as Record<Kind, ReturnType<typeof summary>>;
  return { ...all(times), server: all(server) };
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
    // The first two bots are done: the cross-room part runs alone.
    stocktake.kill("SIGTERM");
    echo.kill("SIGTERM");
    const cross = await crossRoom(hs.url, register, person, temp.dir, children);
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
      "",
      `Cross-room: one Stocktake on the realistic plan (500 features, 50 owners) with ${CROSS_HISTORY.toLocaleString("en")} history events, rooms A and B bound to it; ${CROSS_ROUNDS} rounds, each of (in a rotating order, each after a change of the sender's own in room A): \`!history f499\` in room B alone; the same 300 ms after an \`!undo\` in room A; sent together with \`!show f1\` in room A; sent together with an \`!undo\` in room A.`,
      "",
      "| room B's `!history f499` | p50 ms | p95 ms | mean ms | homeserver's clock, command → reply: p50 ms | p95 ms |",
      "|---|---:|---:|---:|---:|---:|",
      ...(
        [
          ["alone", "alone"],
          ["later", "sent 300 ms after an `!undo` in room A (the issue's case)"],
          ["control", "sent with `!show f1` in room A, at once (control: two messages in flight, one cheap)"],
          ["beside", "sent with an `!undo` in room A, at once"],
          ["undo", "(room A's `!undo` itself)"],
        ] as const
      ).map(([kind, label]) => `| ${label} | ${f(cross[kind].p50)} | ${f(cross[kind].p95)} | ${f(cross[kind].mean)} | ${f(cross.server[kind].p50)} | ${f(cross.server[kind].p95)} |`),
      "",
      `p50 ratio room B after an \`!undo\` / room B alone: **${(cross.later.p50 / cross.alone.p50).toFixed(2)}×** as the sender sees it, **${(cross.server.later.p50 / cross.server.alone.p50).toFixed(2)}×** on the homeserver's clock (target ≤ 1.2×). Sent together with the \`!undo\`: ${(cross.beside.p50 / cross.alone.p50).toFixed(2)}× and ${(cross.server.beside.p50 / cross.server.alone.p50).toFixed(2)}× of alone, but ${(cross.beside.p50 / cross.control.p50).toFixed(2)}× and ${(cross.server.beside.p50 / cross.server.control.p50).toFixed(2)}× of the control: two messages at once cost the homeserver that much whatever they ask; the ratio to the control is what the \`!undo\`'s own work adds.`,
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
