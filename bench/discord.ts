// Interaction → reply latency of Stocktake on Discord, beside a minimal discord.js echo bot, both
// against the fake Discord server on loopback in this process. `npm run bench:discord`.
//
// Fairness: the same server, the same discord.js client options (intents, REST root, allowed
// mentions), one bot connected at a time so neither parses the other's traffic, warm-up before
// every measured block, and blocks interleaved A B B A so drift (JIT, GC, disk cache) hits both.
// Latency is from the moment the server dispatches INTERACTION_CREATE to the moment it has read
// the bot's callback request: what a person waits for, minus Discord's own network.

import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client, Events, GatewayIntentBits } from "discord.js";
import { startDiscordServer, type DiscordServer, type InteractionInput } from "../tests/discord-server/server.ts";
import { startStocktakeOnDiscord } from "../tests/support/discord-harness.ts";

const TOTAL = Number(process.env["BENCH_INTERACTIONS"] ?? 500);
const BLOCK = 100;
const WARM_UP = 25;
const RESULTS = fileURLToPath(new URL("./discord-results.md", import.meta.url));

interface Contender {
  name: string;
  /** Connects the bot; returns how to disconnect it. */
  start(server: DiscordServer): Promise<() => Promise<void>>;
  /** The interaction to send for the i-th measurement. */
  interaction(server: DiscordServer, i: number): InteractionInput;
}

const BUCKETS = ["fair", "at-risk"] as const;

function stocktake(name: string, interaction: Contender["interaction"]): Contender {
  return {
    name,
    async start(server) {
      // Real core, real lowdb store on a temp dir with durable (fsynced) writes, real adapter.
      const harness = await startStocktakeOnDiscord({ server });
      return () => harness.stop();
    },
    interaction,
  };
}

const echo: Contender = {
  name: "discord.js echo bot",
  async start(server) {
    // The options Stocktake's adapter uses, minus Message Content (off by default there too).
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], allowedMentions: { parse: [] }, rest: { api: server.restUrl } });
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) void interaction.reply({ content: "pong", allowedMentions: { parse: [] } });
    });
    const ready = once(client, Events.ClientReady);
    await client.login(server.token);
    await ready;
    return () => client.destroy();
  },
  interaction: () => ({ name: "status", userId: undefined as unknown as string, options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: "fair" }] }),
};

const contenders: Contender[] = [
  echo,
  stocktake("Stocktake `/show` (read only)", (server) => ({ name: "show", userId: server.world.userId("carol"), options: [{ name: "feature", value: "blktap3" }] })),
  stocktake("Stocktake `/status` (durable write)", (server, i) => ({
    name: "status",
    userId: server.world.userId("bob"),
    options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: BUCKETS[i % 2]! }],
  })),
  stocktake("Stocktake `/stock` (summary embed)", (server) => ({ name: "stock", userId: server.world.userId("carol") })),
];

async function roundTrip(server: DiscordServer, input: InteractionInput): Promise<number> {
  const started = performance.now();
  const handle = server.sendInteraction(input);
  const callback = await handle.callback(10_000);
  const elapsed = performance.now() - started;
  if (callback.status >= 300) throw new Error(`callback answered ${callback.status}: ${JSON.stringify(callback.response)}`);
  return elapsed;
}

async function block(server: DiscordServer, contender: Contender, count: number, offset: number, samples: number[]): Promise<void> {
  const stop = await contender.start(server);
  try {
    for (let i = 0; i < WARM_UP; i++) await roundTrip(server, clean(contender.interaction(server, i)));
    const mine: number[] = [];
    for (let i = 0; i < count; i++) mine.push(await roundTrip(server, clean(contender.interaction(server, offset + i))));
    samples.push(...mine);
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
 * What one durable append costs on this disk: the floor under every Stocktake command that
 * changes something (the store fdatasyncs its history line before the change is acknowledged).
 */
async function fsyncFloor(): Promise<{ p50: number; p95: number }> {
  const dir = await mkdtemp(join(tmpdir(), "stocktake-fsync-"));
  const fd = openSync(join(dir, "probe.jsonl"), "a");
  const times: number[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      writeSync(fd, `{"seq":${i},"padding":"${"x".repeat(200)}"}\n`);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  // No acknowledgement deadline: a slow sample must be measured, not turned into an error.
  const server = await startDiscordServer({ interactionAckTimeoutMs: 0 });
  const samples = new Map<Contender, number[]>(contenders.map((contender) => [contender, []]));
  try {
    const rounds = Math.ceil(TOTAL / BLOCK);
    for (let round = 0; round < rounds; round++) {
      const count = Math.min(BLOCK, TOTAL - round * BLOCK);
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) await block(server, contender, count, round * BLOCK, samples.get(contender)!);
      process.stderr.write(`round ${round + 1}/${rounds} done\n`);
    }
  } finally {
    await server.close();
  }

  const stats = contenders.map((contender) => {
    const sorted = [...samples.get(contender)!].sort((a, b) => a - b);
    return { contender, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! };
  });
  const base = stats[0]!;
  const floor = await fsyncFloor();
  const rows = stats.map(
    (row) =>
      `| ${row.contender.name} | ${row.n} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} | ${row === base ? "—" : `${(row.p50 / base.p50).toFixed(2)}×`} | ${row === base ? "—" : `${(row.p95 / base.p95).toFixed(2)}×`} |`,
  );
  const cpu = cpus();
  const table = [
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "CPU"}`,
    "",
    "Interaction → reply latency in ms (INTERACTION_CREATE dispatched → callback received by the server), sequential, against the fake Discord server on loopback. Target: Stocktake within 1.2× of the echo bot.",
    "",
    `One durable append (write + fdatasync) on this disk: p50 ${ms(floor.p50)} ms, p95 ${ms(floor.p95)} ms. \`/status\` pays one per command; \`/stock\` appends its last-summary bookkeeping without a sync, and \`/show\` writes nothing, so theirs is the adapter's and the core's own cost.`,
    "",
    "| bot | n | p50 | p95 | max | p50 vs echo | p95 vs echo |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
  process.stdout.write(`${table}\n`);
  const header = "# Discord benchmark results\n\nWritten by `npm run bench:discord` (bench/discord.ts); newest last.\n\n";
  const existing = await readFile(RESULTS, "utf8").catch(() => undefined);
  if (existing === undefined) await writeFile(RESULTS, `${header}${table}\n`);
  else await appendFile(RESULTS, `${table}\n`);
}

await main();
