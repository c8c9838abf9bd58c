// Interaction → reply latency of Stocktake on Discord, beside a minimal discord.js echo bot and the
// same echo bot made durable (one write + fdatasync before each reply), all against the fake
// Discord server on loopback in this process. `npm run bench:discord`.
//
// Fairness: the same server, the same discord.js client options (intents, REST root, allowed
// mentions), one bot connected at a time so neither parses the other's traffic, warm-up before
// every measured block, and blocks interleaved A B C … C B A so drift (JIT, GC, disk cache, the
// other engineers' load) hits all of them. Latency is from the moment the server dispatches
// INTERACTION_CREATE to the moment it has read the bot's callback request: what a person waits
// for, minus Discord's own network. The disk's floor (write + fdatasync alone) is measured in
// the same rounds, and a burst of concurrent `/status` commands counts the history's fdatasyncs.

import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client, Events, GatewayIntentBits } from "discord.js";
import { startDiscordServer, type DiscordServer, type InteractionInput } from "../tests/discord-server/server.ts";
import { startStocktakeOnDiscord } from "../tests/support/discord-harness.ts";

const TOTAL = Number(process.env["BENCH_INTERACTIONS"] ?? 500);
const BLOCK = Number(process.env["BENCH_BLOCK"] ?? 50);
const WARM_UP = 25;
/** Concurrent `/status` commands in one burst, and how many bursts. */
const BURST = 50;
const BURSTS = 3;
/** Only these contenders (by key, comma-separated): for profiling one path (`BENCH_ONLY=status`). */
const ONLY = process.env["BENCH_ONLY"]?.split(",");
const RESULTS = fileURLToPath(new URL("./discord-results.md", import.meta.url));

interface Contender {
  key: string;
  name: string;
  /** Connects the bot; returns how to disconnect it. */
  start(server: DiscordServer): Promise<() => Promise<void>>;
  /** The interaction to send for the i-th measurement. */
  interaction(server: DiscordServer, i: number): InteractionInput;
}

const BUCKETS = ["fair", "at-risk"] as const;

/**
 * BENCH_BASELINE=DIR: also runs `/status` from another checkout of Stocktake (an older commit, say
 * `git archive COMMIT | tar -x -C DIR` with node_modules linked), interleaved with this one, for a
 * before/after measured in one run.
 */
const BASELINE = process.env["BENCH_BASELINE"];
type StartHarness = typeof startStocktakeOnDiscord;

function stocktake(key: string, name: string, interaction: Contender["interaction"], start: () => Promise<StartHarness> = async () => startStocktakeOnDiscord): Contender {
  return {
    key,
    name,
    async start(server) {
      // Real core, real lowdb store on a temp dir with durable (fsynced) writes, real adapter.
      const harness = await (await start())({ server });
      // Its start-up catch-up reads the channel's last messages (every earlier block's replies):
      // done before the warm-up, so it is not measured as part of the commands.
      await harness.adapter.settled();
      return () => harness.stop();
    },
    interaction,
  };
}

const echoInteraction = () => ({ name: "status", userId: undefined as unknown as string, options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: "fair" }] });

/** A minimal discord.js bot; `durable` makes it write and fdatasync a line before each reply. */
function echoBot(key: string, name: string, durable: boolean): Contender {
  return {
    key,
    name,
    async start(server) {
      // The options Stocktake's adapter uses, minus Message Content (off by default there too).
      const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], allowedMentions: { parse: [] }, rest: { api: server.restUrl } });
      const dir = durable ? await mkdtemp(join(tmpdir(), "stocktake-echo-")) : undefined;
      const fd = dir === undefined ? undefined : openSync(join(dir, "echo.jsonl"), "a");
      client.on(Events.InteractionCreate, (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        // The least a bot that keeps what it is told can do: its line on the disk, then the answer.
        if (fd !== undefined) {
          writeSync(fd, `{"id":"${interaction.id}","command":"${interaction.commandName}","by":"${interaction.user.id}"}\n`);
          fdatasyncSync(fd);
        }
        void interaction.reply({ content: "pong", allowedMentions: { parse: [] } });
      });
      const ready = once(client, Events.ClientReady);
      await client.login(server.token);
      await ready;
      return async () => {
        await client.destroy();
        if (fd !== undefined) closeSync(fd);
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      };
    },
    interaction: echoInteraction,
  };
}

const statusInteraction = (server: DiscordServer, i: number): InteractionInput => ({
  name: "status",
  userId: server.world.userId("bob"),
  options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: BUCKETS[i % 2]! }],
});

const contenders: Contender[] = [
  echoBot("echo", "discord.js echo bot", false),
  echoBot("echo-fsync", "echo bot + one write & fdatasync", true),
  stocktake("show", "Stocktake `/show` (read only)", (server) => ({ name: "show", userId: server.world.userId("carol"), options: [{ name: "feature", value: "blktap3" }] })),
  stocktake("status", "Stocktake `/status` (durable write)", statusInteraction),
  stocktake("stock", "Stocktake `/stock` (summary embed)", (server) => ({ name: "stock", userId: server.world.userId("carol") })),
  ...(BASELINE === undefined
    ? []
    : [
        stocktake("baseline", `Stocktake \`/status\`, baseline (${BASELINE})`, statusInteraction, async () => {
          const harness = (await import(`${BASELINE}/tests/support/discord-harness.ts`)) as { startStocktakeOnDiscord: StartHarness };
          return harness.startStocktakeOnDiscord;
        }),
      ]),
].filter((contender) => ONLY === undefined || ONLY.includes(contender.key));

async function roundTrip(server: DiscordServer, input: InteractionInput): Promise<number> {
  const started = performance.now();
  const handle = server.sendInteraction(input);
  const callback = await handle.callback(10_000);
  const elapsed = performance.now() - started;
  if (callback.status >= 300) throw new Error(`callback answered ${callback.status}: ${JSON.stringify(callback.response)}`);
  return elapsed;
}

/** Latencies, and the process's CPU time (µs, user + system: the bot's and the fake server's) per interaction, per block. */
interface Samples {
  latency: number[];
  cpu: number[];
}

async function block(server: DiscordServer, contender: Contender, count: number, offset: number, samples: Samples): Promise<void> {
  const stop = await contender.start(server);
  try {
    for (let i = 0; i < WARM_UP; i++) await roundTrip(server, clean(contender.interaction(server, i)));
    const mine: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) mine.push(await roundTrip(server, clean(contender.interaction(server, offset + i))));
    const used = process.cpuUsage(cpu);
    samples.cpu.push((used.user + used.system) / count);
    samples.latency.push(...mine);
    if (process.env["BENCH_VERBOSE"]) process.stderr.write(`${contender.name}: block p50 ${ms(percentile([...mine].sort((a, b) => a - b), 50))} ms\n`);
  } finally {
    await stop();
  }
}

function clean(input: InteractionInput): InteractionInput {
  const { userId, ...rest } = input;
  return userId === undefined ? rest : input;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const ms = (value: number) => value.toFixed(2);

/**
 * What one durable append costs on this disk, in this process: the floor under every Stocktake
 * command that changes something (the store fdatasyncs its history line before acknowledging).
 */
async function fsyncFloor(count: number, samples: number[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "stocktake-fsync-"));
  const fd = openSync(join(dir, "probe.jsonl"), "a");
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, `{"seq":${i},"padding":"${"x".repeat(200)}"}\n`);
      fdatasyncSync(fd);
      samples.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
}

interface Burst {
  writes: number;
  syncs: number;
  wallMs: number;
  p50: number;
  max: number;
}

/** BURST `/status` interactions dispatched at once; the history's fdatasyncs counted. */
async function bursts(server: DiscordServer): Promise<Burst[]> {
  const harness = await startStocktakeOnDiscord({ server });
  await harness.adapter.settled();
  const found: Burst[] = [];
  try {
    for (let i = 0; i < WARM_UP; i++) await roundTrip(server, statusInteraction(server, i));
    let offset = WARM_UP;
    for (let b = 0; b < BURSTS; b++) {
      const seq = harness.store.read().seq;
      const syncs = harness.store.historySyncs;
      const started = performance.now();
      const times = await Promise.all(
        Array.from({ length: BURST }, (_, i) => {
          const handle = server.sendInteraction(statusInteraction(server, offset + i));
          return handle.callback(10_000).then((callback) => {
            if (callback.status >= 300) throw new Error(`callback answered ${callback.status}`);
            return performance.now() - started;
          });
        }),
      );
      const wallMs = performance.now() - started;
      offset += BURST;
      times.sort((a, b) => a - b);
      const writes = harness.store.read().seq - seq;
      if (writes !== BURST) throw new Error(`a burst of ${BURST} /status made ${writes} changes`);
      found.push({ writes, syncs: harness.store.historySyncs - syncs, wallMs, p50: percentile(times, 50), max: times[times.length - 1]! });
    }
  } finally {
    await harness.stop();
  }
  return found;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  // No acknowledgement deadline: a slow sample must be measured, not turned into an error.
  const server = await startDiscordServer({ interactionAckTimeoutMs: 0 });
  const samples = new Map<Contender, Samples>(contenders.map((contender) => [contender, { latency: [], cpu: [] }]));
  const floor: number[] = [];
  let burst: Burst[] = [];
  try {
    const rounds = Math.ceil(TOTAL / BLOCK);
    for (let round = 0; round < rounds; round++) {
      const count = Math.min(BLOCK, TOTAL - round * BLOCK);
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) await block(server, contender, count, round * BLOCK, samples.get(contender)!);
      await fsyncFloor(count, floor);
      process.stderr.write(`round ${round + 1}/${rounds} done\n`);
    }
    if (ONLY === undefined || ONLY.includes("status")) burst = await bursts(server);
  } finally {
    await server.close();
  }
  const loadAfter = loadavg();

  const stats = contenders.map((contender) => {
    const { latency, cpu } = samples.get(contender)!;
    const sorted = [...latency].sort((a, b) => a - b);
    // The median block: a block another engineer's job landed on does not move it.
    const cpuMs = percentile([...cpu].sort((a, b) => a - b), 50) / 1000;
    return { contender, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]!, cpuMs };
  });
  const echo = stats.find((row) => row.contender.key === "echo");
  const durableEcho = stats.find((row) => row.contender.key === "echo-fsync");
  const status = stats.find((row) => row.contender.key === "status");
  floor.sort((a, b) => a - b);
  const vs = (row: (typeof stats)[number], base: (typeof stats)[number] | undefined, p: "p50" | "p95") => (base === undefined || row === base ? "—" : `${(row[p] / base[p]).toFixed(2)}×`);
  const above = (row: (typeof stats)[number], base: (typeof stats)[number] | undefined) => (base === undefined || row === base ? "—" : `${(row.p50 - base.p50).toFixed(2)}`);
  const cpuAbove = (row: (typeof stats)[number]) => (echo === undefined || row === echo ? "—" : (row.cpuMs - echo.cpuMs).toFixed(3));
  const rows = stats.map(
    (row) =>
      `| ${row.contender.name} | ${row.n} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} | ${vs(row, echo, "p50")} | ${vs(row, echo, "p95")} | ${above(row, echo)} | ${above(row, durableEcho)} | ${row.cpuMs.toFixed(3)} | ${cpuAbove(row)} |`,
  );
  const cpu = cpus();
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(" ");
  const overhead =
    echo && durableEcho && status
      ? [
          `\`/status\` p50 overhead above the echo bot: **${(status.p50 - echo.p50).toFixed(2)} ms**; above the echo bot + one fdatasync: **${(status.p50 - durableEcho.p50).toFixed(2)} ms** (target: under 0.15 ms). The durable echo bot pays ${(durableEcho.p50 - echo.p50).toFixed(2)} ms over the plain one; write + fdatasync alone, in this process, p50 ${ms(percentile(floor, 50))} ms.`,
          "",
        ]
      : [];
  const burstLines =
    burst.length > 0
      ? [
          `Bursts of ${BURST} \`/status\` interactions dispatched at once (each a real change, each answered only once its history line is fsynced):`,
          "",
          "| burst | changes written | history fdatasyncs | wall ms | reply p50 ms (from the burst's start) | last reply ms |",
          "|---:|---:|---:|---:|---:|---:|",
          ...burst.map((row, i) => `| ${i + 1} | ${row.writes} | ${row.syncs} | ${ms(row.wallMs)} | ${ms(row.p50)} | ${ms(row.max)} |`),
          "",
        ]
      : [];
  const table = [
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "CPU"}, load average ${load(loadBefore)} before, ${load(loadAfter)} after`,
    "",
    `Interaction → reply latency in ms (INTERACTION_CREATE dispatched → callback received by the server), sequential, against the fake Discord server on loopback; blocks of ${BLOCK} interleaved (A B … B A), the fdatasync floor measured in the same rounds. CPU: the process's user + system time per interaction (the bot's and the fake server's, which is the same for every bot), median of the blocks: less at the mercy of the machine's load than latency is.`,
    "",
    "| bot | n | p50 | p95 | max | p50 vs echo | p95 vs echo | p50 − echo | p50 − durable echo | CPU ms per interaction | CPU − echo |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    `| write + fdatasync alone (in process) | ${floor.length} | ${ms(percentile(floor, 50))} | ${ms(percentile(floor, 95))} | ${ms(floor[floor.length - 1]!)} | | | | | | |`,
    "",
    ...overhead,
    ...burstLines,
  ].join("\n");
  process.stdout.write(`${table}\n`);
  if (ONLY !== undefined) return;
  const header = "# Discord benchmark results\n\nWritten by `npm run bench:discord` (bench/discord.ts); newest last.\n\n";
  const existing = await readFile(RESULTS, "utf8").catch(() => undefined);
  if (existing === undefined) await writeFile(RESULTS, `${header}${table}\n`);
  else await appendFile(RESULTS, `${table}\n`);
}

await main();
