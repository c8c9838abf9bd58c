// Stocktake on IRC: command → reply latency through a local IRC server, beside an echo client on
// the same library (irc-framework) in the same run, and the time to deliver a 48-line
// `!stock full` under the flood limit against that limit's own minimum. `npm run bench:irc`.
//
// The server: InspIRCd from scripts/services.sh when it runs (no per-client throttling in its test
// config), else ngIRCd from scripts/ircd.sh (it delays clients that send more than about three
// lines a second, so the person paces its commands there). Fairness: the same server, channel and
// person (a raw socket), one bot connected at a time, warm-up before every measured block, blocks
// interleaved A B B A. Latency is from the person's PRIVMSG written to the first line of the
// answer received: what a person waits for, minus the network.

import { appendFile, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import irc from "irc-framework";
import { findIrcServer } from "../tests/integration/irc/ircd.ts";
import { readEnvFile } from "../tests/support/env-file.ts";
import { nickServ } from "../tests/integration/irc/services.ts";
import { CHANNEL, NETWORK, startStocktakeOnIrc, XEN_ROOM } from "../tests/support/irc-harness.ts";
import { IrcPerson, type IrcLine } from "../tests/support/irc-person.ts";

const PER_BLOCK = Number(process.env["BENCH_IRC_BLOCK"] ?? 40);
const WARM_UP = 5;
const RESULTS = fileURLToPath(new URL("./irc-results.md", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** A rate high enough that the bot's own bucket never holds a one-line answer back. */
const OPEN_FLOOD = { linesPerSecond: 50, burst: 50 };

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
    return { host: values["STOCKTAKE_SERVICES_HOST"] ?? "127.0.0.1", port: Number(values["STOCKTAKE_SERVICES_PORT"]), name: "InspIRCd 3 + Atheme (scripts/services.sh)", paceMs: 20, services: true };
  }
  const found = await findIrcServer();
  if (!found.ok) throw new Error(`no IRC server: ${found.reason}. Start one: bash scripts/ircd.sh start (or scripts/services.sh start)`);
  return { ...found.value, name: "ngIRCd (scripts/ircd.sh)", paceMs: 400, services: false };
}

interface Contender {
  name: string;
  nick: string;
  command: (i: number) => string;
  start(at: Server): Promise<() => Promise<void>>;
}

function stocktake(name: string, command: Contender["command"], maintainer: string): Contender {
  return {
    name,
    nick: "stocktake",
    command,
    async start(at) {
      // Real core, real lowdb store on a temp dir with durable writes, real adapter.
      const harness = await startStocktakeOnIrc({ server: at, irc: { flood: OPEN_FLOOD }, config: { projects: { xen: { rooms: [XEN_ROOM], maintainers: [`irc:${NETWORK}/${maintainer}`] } } } });
      return () => harness.stop();
    },
  };
}

const echo: Contender = {
  name: "irc-framework echo client",
  nick: "echobot",
  command: (i) => `!echo ${i}`,
  async start(at) {
    const client = new irc.Client();
    const registered = new Promise<void>((resolve) => client.once("registered", () => resolve()));
    client.connect({ host: at.host, port: at.port, nick: "echobot", username: "echobot", gecos: "echo", auto_reconnect: false, message_max_length: 500 });
    await registered;
    const joined = new Promise<void>((resolve) => client.once("join", () => resolve()));
    client.join(CHANNEL);
    await joined;
    client.on("privmsg", (event: { target: string; message: string }) => client.notice(event.target, event.message));
    return async () => {
      const closed = new Promise((resolve) => client.once("close", resolve));
      client.quit("done");
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    };
  },
};

const fromBot = (nick: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === nick;

async function roundTrip(person: IrcPerson, contender: Contender, i: number): Promise<number> {
  const mark = person.mark();
  const sent = performance.now();
  person.say(CHANNEL, contender.command(i));
  const line = await person.waitFor(fromBot(contender.nick), 10_000, mark);
  // The rest of a several-line answer must not pass for the next one's first line.
  for (let seen = -1; seen !== person.mark(); ) {
    seen = person.mark();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return line.at - sent;
}

/** Until the server says `nick` is free: the bot before has quit, so the next gets its own nick. */
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

async function block(at: Server, person: IrcPerson, contender: Contender, offset: number, samples: number[]): Promise<void> {
  await nickFree(person, contender.nick);
  const stop = await contender.start(at);
  try {
    // The bot's JOIN reaches the person before it can answer there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < WARM_UP + PER_BLOCK; i++) {
      const ms = await roundTrip(person, contender, offset + i);
      if (i >= WARM_UP) samples.push(ms);
      await new Promise((resolve) => setTimeout(resolve, at.paceMs));
    }
  } finally {
    await stop();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => value.toFixed(2);

/** `!stock full` from the first line to the last, under a bucket of `rate` lines a second after `burst`. */
async function fullStock(at: Server, person: IrcPerson, flood: { linesPerSecond: number; burst: number }): Promise<{ lines: number; seconds: number; minimum: number }> {
  await nickFree(person, "stocktake");
  const harness = await startStocktakeOnIrc({ server: at, irc: { flood } });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mark = person.mark();
    const sent = performance.now();
    person.say(CHANNEL, "!stock full");
    await person.waitFor((line) => fromBot("stocktake")(line) && /^Xen 4\.3: taking stock$/.test(line.text), 10_000, mark);
    // The reply is whole once nothing more comes for a while after the last line the bucket allows.
    let count = 0;
    for (;;) {
      const seen = person.seen(fromBot("stocktake"), mark).length;
      if (seen > 0 && seen === count) break;
      count = seen;
      await new Promise((resolve) => setTimeout(resolve, 1_500 + 1_000 / flood.linesPerSecond));
    }
    const lines = person.seen(fromBot("stocktake"), mark);
    const seconds = (lines.at(-1)!.at - sent) / 1000;
    return { lines: lines.length, seconds, minimum: Math.max(0, lines.length - flood.burst) / flood.linesPerSecond };
  } finally {
    await harness.stop();
  }
}

async function main(): Promise<void> {
  const at = await server();
  const nick = `bench${Math.random().toString(16).slice(2, 8)}`;
  const person = await IrcPerson.connect(at, nick);
  // Logged in to an account of its own where there are services, so `!status` is a change, not a refusal.
  if (at.services) await nickServ(person, `REGISTER bench-${nick}-pw ${nick}@stocktake.test`, /is now registered/);
  await person.join(CHANNEL);
  const contenders = [
    echo,
    stocktake("Stocktake `!show blktap3` (read only)", () => "!show blktap3", nick),
    ...(at.services ? [stocktake("Stocktake `!status` (durable write)", (i) => `!status blktap3 ${i % 2 ? "fair" : "at-risk"}`, nick)] : []),
  ];
  const samples = new Map(contenders.map((contender) => [contender, [] as number[]]));
  // A B C C B A: drift over the run (JIT, GC, disk cache) hits every contender alike.
  const order = [...contenders, ...[...contenders].reverse()];
  for (const [index, contender] of order.entries()) {
    await block(at, person, contender, index * 1000, samples.get(contender)!);
    process.stderr.write(`${contender.name}: ${samples.get(contender)!.length} samples\n`);
  }
  const rows = contenders.map((contender) => {
    const sorted = [...samples.get(contender)!].sort((a, b) => a - b);
    return { contender, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! };
  });
  const base = rows[0]!;
  const floods = [
    { linesPerSecond: 2, burst: 3 },
    { linesPerSecond: 5, burst: 5 },
  ];
  const deliveries = [];
  for (const flood of floods) deliveries.push({ flood, ...(await fullStock(at, person, flood)) });
  await person.quit();

  const cpu = cpus();
  const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
  let table = `### ${stamp} UTC — Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.split(" ").slice(0, 2).join(" ") ?? "CPU"}, ${at.name}\n\n`;
  table += "Command → first line of the answer in ms (the person's PRIVMSG written → the bot's NOTICE read), sequential, through the local IRC server. Target: Stocktake within 1.2× of the echo client.\n\n";
  table += "| bot | n | p50 | p95 | max | p50 vs echo | p95 vs echo |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const row of rows) {
    const vs = row === base ? "— | —" : `${(row.p50 / base.p50).toFixed(2)}× | ${(row.p95 / base.p95).toFixed(2)}×`;
    table += `| ${row.contender.name} | ${row.n} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} | ${vs} |\n`;
  }
  table += "\n`!stock full` delivered under the flood limit (the command written → its last line read), against the limit's own minimum ((lines − burst) ÷ rate):\n\n";
  table += "| flood limit | lines | delivered in s | minimum s | over the minimum |\n|---|---:|---:|---:|---:|\n";
  for (const row of deliveries) {
    table += `| ${row.flood.linesPerSecond}/s, burst ${row.flood.burst} | ${row.lines} | ${row.seconds.toFixed(2)} | ${row.minimum.toFixed(2)} | ${((row.seconds - row.minimum) * 1000).toFixed(0)} ms |\n`;
  }
  process.stdout.write(`\n${table}`);
  const existing = await readFile(RESULTS, "utf8").catch(() => undefined);
  const header = "# IRC benchmark results\n\nWritten by `npm run bench:irc` (bench/irc.ts); newest last.\n\n";
  if (existing === undefined) await writeFile(RESULTS, `${header}${table}\n`);
  else await appendFile(RESULTS, `${table}\n`);
}

await main();
process.exit(0);
