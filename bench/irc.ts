// Stocktake on IRC: command → reply latency through a local IRC server, beside an echo client on
// the same library (irc-framework) in the same run, and the time to deliver a 48-line
// `!stock full` under the flood limit against that limit's own minimum. `npm run bench:irc`.
//
// The server: InspIRCd from scripts/services.sh when it runs (no per-client throttling in its test
// config), else ngIRCd from scripts/ircd.sh (it delays clients that send more than about three
// lines a second, so the person paces its commands there).
//
// Like for like: the echo client and Stocktake run together in one process of their own
// (bench/irc-bots.ts), on the same library with the same connect options, each alone with the
// person in a channel of its own on the same server, both answering with a NOTICE through the same
// token bucket at the same settings; a five-line answer is held against the echo answering in five
// lines too (see SHAPED_ECHO_COMMAND). The person (a raw socket, in this process) measures from its
// PRIVMSG written to the first line of the answer read: what a person waits for, minus the network.
// Rows are interleaved (echoes, `!show`, `!status`, then the next round in another order), so drift
// over the run (JIT, GC, disk cache, other load on the machine) hits every contender alike, and
// each answer is checked to be the one asked for. Stocktake logs as by default (pino, info, a line
// per command, to a file), and posts no announcements into the measured channel. One durable
// append (write + fdatasync) is timed in every round too: the floor a `!status` pays above the echo.

import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { closeSync, existsSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { fork, type ChildProcess } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findIrcServer } from "../tests/integration/irc/ircd.ts";
import { readEnvFile } from "../tests/support/env-file.ts";
import { nickServ } from "../tests/integration/irc/services.ts";
import { CHANNEL } from "../tests/support/irc-harness.ts";
import { IrcPerson, type IrcLine } from "../tests/support/irc-person.ts";
import { ECHO_COMMAND, ECHO_NICK, SHAPED_ECHO_COMMAND, type BotsOptions } from "./irc-bots.ts";

const ROUNDS = Number(process.env["BENCH_IRC_ROUNDS"] ?? 200);
const WARM_UP = 10;
const RESULTS = fileURLToPath(new URL("./irc-results.md", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const BOTS = fileURLToPath(new URL("./irc-bots.ts", import.meta.url));
const ECHO_CHANNEL = "#echo";
/** A rate high enough that neither bucket holds a one-line answer back, given the gap below. */
const OPEN_FLOOD = { linesPerSecond: 50, burst: 50 };
/** After an answer's last line: long enough for the bucket to win back the longest answer's lines (5 at 50/s). */
const GAP_MS = 120;
/** No further line for this long: the answer is whole, and its rest cannot pass for the next one's first line. */
const QUIET_MS = 50;

interface Server {
  host: string;
  port: number;
  name: string;
  /** Between two commands from the person, so the server does not throttle the person. */
  paceMs: number;
  /** Whether people can log in to services accounts there (a role for `!status`). */
  services: boolean;
}

async function server(): Promise<Server> {
  const services = `${REPO_ROOT}.tmp/services.env`;
  if (existsSync(services)) {
    const values = readEnvFile(services);
    return { host: values["STOCKTAKE_SERVICES_HOST"] ?? "127.0.0.1", port: Number(values["STOCKTAKE_SERVICES_PORT"]), name: "InspIRCd 3 + Atheme (scripts/services.sh)", paceMs: 0, services: true };
  }
  const found = await findIrcServer();
  if (!found.ok) throw new Error(`no IRC server: ${found.reason}. Start one: bash scripts/ircd.sh start (or scripts/services.sh start)`);
  return { ...found.value, name: "ngIRCd (scripts/ircd.sh)", paceMs: 400, services: false };
}

interface Contender {
  name: string;
  /** The echo row of the same shape (lines) to hold this one against; none for an echo. */
  shape?: Contender;
  nick: string;
  channel: string;
  command: (i: number) => string;
  /** The first line of the right answer: a refusal or another bot's line must not be timed as one. */
  expect: (i: number) => RegExp;
}

/** Starts bench/irc-bots.ts with `options`; resolves once its bots are connected and in their channels. */
async function startBots(options: BotsOptions): Promise<() => Promise<void>> {
  const child: ChildProcess = fork(BOTS, [], { env: { ...process.env, BENCH_IRC_BOTS: JSON.stringify(options) }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`bench/irc-bots.ts exited (${code}) before its bots were ready`)));
  });
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send({ stop: true });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill();
  };
}

const fromBot = (nick: string, channel: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === nick && line.params[0]?.toLowerCase() === channel;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function roundTrip(person: IrcPerson, contender: Contender, i: number): Promise<{ ms: number; lines: number }> {
  const mark = person.mark();
  const sent = performance.now();
  person.say(contender.channel, contender.command(i));
  const line = await person.waitFor(fromBot(contender.nick, contender.channel), 10_000, mark);
  if (!contender.expect(i).test(line.text)) throw new Error(`${contender.name}: not the answer asked for: ${line.raw}`);
  for (let seen = -1; seen !== person.mark(); ) {
    seen = person.mark();
    await sleep(QUIET_MS);
  }
  return { ms: line.at - sent, lines: person.seen(fromBot(contender.nick, contender.channel), mark).length };
}

/** What one durable append (write + fdatasync) costs on the disk the store writes to, now. */
function fsyncOnce(fd: number, i: number): number {
  const started = performance.now();
  writeSync(fd, `{"seq":${i},"padding":"${"x".repeat(200)}"}\n`);
  fdatasyncSync(fd);
  return performance.now() - started;
}

async function nickFree(person: IrcPerson, nick: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const mark = person.mark();
    person.send(`ISON ${nick}`);
    const answer = await person.waitFor((line) => line.command === "303", 5_000, mark);
    if (answer.text.trim() === "") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${nick} is still in use`);
}

/** Until `nick` has joined `channel` (the person is there already): only then can it answer there. */
async function joined(person: IrcPerson, nick: string, channel: string, since: number): Promise<void> {
  await person.waitFor((line) => line.command === "JOIN" && line.from === nick && line.params[0]?.toLowerCase() === channel, 30_000, since);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => value.toFixed(2);

interface Row {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  lines?: number;
}

function row(name: string, samples: readonly number[], lines?: number): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)!, ...(lines === undefined ? {} : { lines }) };
}

/** `!stock full` from the first line to the last, under a bucket of `rate` lines a second after `burst`. */
async function fullStock(at: Server, person: IrcPerson, flood: { linesPerSecond: number; burst: number }): Promise<{ lines: number; seconds: number; minimum: number }> {
  await nickFree(person, "stocktake");
  const since = person.mark();
  const stop = await startBots({ server: at, flood });
  try {
    await joined(person, "stocktake", CHANNEL, since);
    const mine = fromBot("stocktake", CHANNEL);
    // A bot that has answered before, as a running one has: a fresh process's first command loads and
    // compiles code, which is not what the flood limit costs. Then the bucket fills up again.
    const warm = person.mark();
    person.say(CHANNEL, "!show blktap3");
    await person.waitFor(mine, 10_000, warm);
    for (let count = -1; count !== person.seen(mine, warm).length; ) {
      count = person.seen(mine, warm).length;
      await sleep(1_500 + 1_000 / flood.linesPerSecond);
    }
    await sleep((flood.burst / flood.linesPerSecond) * 1000 + 200);
    const mark = person.mark();
    const sent = performance.now();
    person.say(CHANNEL, "!stock full");
    await person.waitFor((line) => mine(line) && /^Xen 4\.3: taking stock$/.test(line.text), 10_000, mark);
    // The reply is whole once nothing more comes for a while after the last line the bucket allows.
    let count = 0;
    for (;;) {
      const seen = person.seen(mine, mark).length;
      if (seen > 0 && seen === count) break;
      count = seen;
      await sleep(1_500 + 1_000 / flood.linesPerSecond);
    }
    const lines = person.seen(mine, mark);
    const seconds = (lines.at(-1)!.at - sent) / 1000;
    return { lines: lines.length, seconds, minimum: Math.max(0, lines.length - flood.burst) / flood.linesPerSecond };
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  const at = await server();
  const nick = `bench${Math.random().toString(16).slice(2, 8)}`;
  const person = await IrcPerson.connect(at, nick);
  // Logged in to an account of its own where there are services, so `!status` is a change, not a refusal.
  if (at.services) await nickServ(person, `REGISTER bench-${nick}-pw ${nick}@stocktake.test`, /is now registered/);
  await person.join(CHANNEL);
  await person.join(ECHO_CHANNEL);
  // blktap3 starts at risk (tests/support/fixture.ts): every round changes it, none is "already so".
  const statusOf = (i: number) => (i % 2 ? "at-risk" : "fair");
  const echo: Contender = { name: "irc-framework echo client", nick: ECHO_NICK, channel: ECHO_CHANNEL, command: (i) => `${ECHO_COMMAND} ${i}`, expect: (i) => new RegExp(`^${ECHO_COMMAND} ${i}$`) };
  const shapedEcho: Contender = { name: "echo client, in `!show`'s shape", nick: ECHO_NICK, channel: ECHO_CHANNEL, command: (i) => `${SHAPED_ECHO_COMMAND} ${i}`, expect: (i) => new RegExp(`^${SHAPED_ECHO_COMMAND} ${i}$`) };
  const contenders: Contender[] = [
    echo,
    shapedEcho,
    { name: "Stocktake `!show blktap3` (read only)", shape: shapedEcho, nick: "stocktake", channel: CHANNEL, command: () => "!show blktap3", expect: () => /blktap3/i },
    ...(at.services
      ? [{ name: "Stocktake `!status` (durable write)", shape: echo, nick: "stocktake", channel: CHANNEL, command: (i: number) => `!status blktap3 ${statusOf(i)}`, expect: (i: number) => new RegExp(`^${nick}: blktap3: .* → ${statusOf(i).replace("-", " ")}`) }]
      : []),
  ];

  await nickFree(person, ECHO_NICK);
  await nickFree(person, "stocktake");
  const since = person.mark();
  const stop = await startBots({ server: at, flood: OPEN_FLOOD, echoChannel: ECHO_CHANNEL, ...(at.services ? { maintainer: nick } : {}) });
  const samples = new Map(contenders.map((contender) => [contender, [] as number[]]));
  const lines = new Map(contenders.map((contender) => [contender, 0]));
  const fsyncs: number[] = [];
  const probeDir = await mkdtemp(join(tmpdir(), "stocktake-fsync-"));
  const probe = openSync(join(probeDir, "probe.jsonl"), "a");
  const load = loadavg()[0]!;
  try {
    await joined(person, ECHO_NICK, ECHO_CHANNEL, since);
    await joined(person, "stocktake", CHANNEL, since);
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      // Each contender goes first, second and last equally often.
      const order = contenders.map((_, k) => contenders[(k + round) % contenders.length]!);
      for (const contender of order) {
        const { ms: took, lines: answered } = await roundTrip(person, contender, round);
        if (round >= WARM_UP) samples.get(contender)!.push(took);
        lines.set(contender, answered);
        await sleep(Math.max(GAP_MS, at.paceMs));
      }
      if (round >= WARM_UP) fsyncs.push(fsyncOnce(probe, round));
    }
  } finally {
    closeSync(probe);
    await rm(probeDir, { recursive: true, force: true });
    await stop();
  }
  process.stderr.write(`latency rounds done (${ROUNDS})\n`);
  const rows = new Map(contenders.map((contender) => [contender, row(contender.name, samples.get(contender)!, lines.get(contender))]));
  const base = rows.get(echo)!;
  const fsync = row("one durable append (write + fdatasync, this disk)", fsyncs);
  const statusContender = contenders.find((contender) => contender.name.includes("!status"));
  const status = statusContender && rows.get(statusContender);

  // BENCH_IRC_DELIVERY=0 leaves out the half-minute flood-limit part (while working on latency).
  const floods = process.env["BENCH_IRC_DELIVERY"] === "0" ? [] : [
    { linesPerSecond: 2, burst: 3 },
    { linesPerSecond: 5, burst: 5 },
  ];
  const deliveries = [];
  for (const flood of floods) deliveries.push({ flood, ...(await fullStock(at, person, flood)) });
  await person.quit();

  const cpu = cpus();
  const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
  let table = `### ${stamp} UTC — Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.split(" ").slice(0, 2).join(" ") ?? "CPU"}, ${at.name}, load ${load.toFixed(2)}\n\n`;
  table += `Command → first line of the answer in ms (the person's PRIVMSG written → the bot's NOTICE read), sequential, through the local IRC server. The bots in one process, the person in another; ${ROUNDS} interleaved rounds after ${WARM_UP} of warm-up; both bots answer with a NOTICE through the same token bucket (${OPEN_FLOOD.linesPerSecond}/s, burst ${OPEN_FLOOD.burst}); Stocktake logs a line per command as by default. Target: Stocktake within 1.2× of the echo client. The server relays every line of an answer before the first reaches the person, so \`!show\` (five lines) is also held against the echo answering in the same five lines (\`${SHAPED_ECHO_COMMAND}\`).\n\n`;
  table += "| bot | lines | n | p50 | p95 | max | p50 vs echo | p95 vs echo | p50 vs echo of its shape | p95 vs echo of its shape |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  for (const [contender, r] of rows) {
    const same = contender.shape && rows.get(contender.shape)!;
    const vs = r === base ? "— | —" : `${ratio(r.p50, base.p50)} | ${ratio(r.p95, base.p95)}`;
    const vsShape = same ? `${ratio(r.p50, same.p50)} | ${ratio(r.p95, same.p95)}` : "— | —";
    table += `| ${r.name} | ${r.lines} | ${r.n} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${vs} | ${vsShape} |\n`;
  }
  table += `| ${fsync.name} | | ${fsync.n} | ${ms(fsync.p50)} | ${ms(fsync.p95)} | ${ms(fsync.max)} | | | | |\n`;
  if (status) {
    const floor = base.p50 + fsync.p50;
    table += `\n\`!status\` against the echo plus one durable append (${ms(base.p50)} + ${ms(fsync.p50)} = ${ms(floor)} ms at p50): ${(status.p50 / floor).toFixed(2)}×, ${ms(status.p50 - floor)} ms above it.\n`;
  }
  if (deliveries.length > 0) table += "\n`!stock full` delivered under the flood limit (the command written → its last line read), against the limit's own minimum ((lines − burst) ÷ rate):\n\n";
  if (deliveries.length > 0) table += "| flood limit | lines | delivered in s | minimum s | over the minimum |\n|---|---:|---:|---:|---:|\n";
  for (const delivery of deliveries) {
    table += `| ${delivery.flood.linesPerSecond}/s, burst ${delivery.flood.burst} | ${delivery.lines} | ${delivery.seconds.toFixed(2)} | ${delivery.minimum.toFixed(2)} | ${((delivery.seconds - delivery.minimum) * 1000).toFixed(0)} ms |\n`;
  }
  process.stdout.write(`\n${table}`);
  const existing = await readFile(RESULTS, "utf8").catch(() => undefined);
  const header = "# IRC benchmark results\n\nWritten by `npm run bench:irc` (bench/irc.ts); newest last.\n\n";
  if (existing === undefined) await writeFile(RESULTS, `${header}${table}\n`);
  else await appendFile(RESULTS, `${table}\n`);
}

await main();
process.exit(0);
