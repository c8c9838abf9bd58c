/**
 * `!stock` rendered for each platform (issue 13, item 4). Two tables:
 * - the whole command as each adapter runs it: `Stocktake.handle`, then the platform's render in
 *   slices (as the adapters send it), on a release of 10 000 features and on the realistic plan;
 *   total time, the longest the event loop went without a turn (bench/loop-block.ts), and how
 *   many events, messages or lines go out. Rows interleaved (A B A B …). Beside them, the Matrix
 *   render at once (no slices), for comparison.
 * - each render alone and at once at 10 000 features: its time and how far it fills the
 *   platform's limit.
 * Part of `npm run bench`; alone: `node --import tsx bench/stock-render.ts`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { renderReply as renderDiscord, renderReplyInSlices as renderDiscordInSlices } from "../adapters/discord/render.js";
import { contentBytes, ENVELOPE_BYTES, MAX_CONTENT_BYTES, renderForMatrix, renderForMatrixInSlices } from "../adapters/matrix/render.js";
import { MemoryStore } from "../adapters/store/memory-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import type { PlanState } from "../src/model/schema.js";
import { stockReply } from "../src/plan/stock-summary.js";
import { renderInSlices } from "../src/reply/in-slices.js";
import { textBytes } from "../src/reply/irc-lines.js";
import { renderIrcSteps } from "../src/reply/render-irc.js";
import { renderPlain } from "../src/reply/render-plain.js";
import type { Reply } from "../src/reply/reply.js";
import { Stocktake } from "../src/stocktake.js";
import { watchLoop } from "./loop-block.js";
import { planState, realisticPlan, REALISTIC } from "./plan-fixture.js";
import { percentile } from "./status-timing.js";

const RUNS = 25;
/** Discord's limit on all embeds of a message together, in characters. */
const DISCORD_EMBED_TOTAL = 6_000;
const DISCORD_CONTENT = 2_000;
const admin = { id: "bench:admin", displayName: "admin" };
const discord = { embeds: true, slashHints: false, prefix: "!" };
/** What the IRC adapter fits lines to, for a bot named stocktake in #xen. */
const IRC = { lineBudget: 8, prefix: "!", maxLineLength: textBytes("stocktake", "PRIVMSG", "#xen") };

export interface RenderRow {
  what: string;
  p50: number;
  max: number;
  parts: number;
  /** The parts but the last, on average, as a share of the platform's limit. */
  fill: number | undefined;
}

function time(what: string, render: () => number[], limit: number | undefined): RenderRow {
  const times: number[] = [];
  let sizes: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    sizes = render();
    const ms = performance.now() - t0;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const full = sizes.slice(0, -1);
  const fill = limit === undefined || full.length === 0 ? undefined : full.reduce((sum, size) => sum + size, 0) / full.length / limit;
  return { what, p50: percentile(times, 50), max: times.at(-1)!, parts: sizes.length, fill };
}

function embedChars(message: ReturnType<typeof renderDiscord>[number]): number {
  return (message.embeds ?? []).reduce(
    (sum, embed) =>
      sum + (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, field) => n + field.name.length + field.value.length, 0),
    0,
  );
}

export function benchStockRenders(features: number): RenderRow[] {
  const state = planState(features, 0);
  const project = state.projects["xen"]!;
  const now = new Date("2013-01-23T12:00:00Z");
  const summary = stockReply(project, project.releases["4.3"]!, now);
  const full: Reply = { ...summary, full: true };
  const matrixBudget = MAX_CONTENT_BYTES - ENVELOPE_BYTES;
  return [
    time("plain text (console)", () => [renderPlain(summary).length], undefined),
    time("Matrix: HTML events, UTF-8 bytes of content", () => renderForMatrix(summary, { msgtype: "notice" }).map(contentBytes), matrixBudget),
    time("Discord: embeds (`!stock`, 3 messages at most)", () => renderDiscord(summary, discord).map(embedChars), DISCORD_EMBED_TOTAL),
    time("Discord: embeds, `!stock full`", () => renderDiscord(full, discord).map(embedChars), DISCORD_EMBED_TOTAL),
    time("Discord: markdown (no embed permission), `!stock full`", () => renderDiscord(full, { ...discord, embeds: false }).map((message) => message.content?.length ?? 0), DISCORD_CONTENT),
  ];
}

export function renderTable(features: number, rows: readonly RenderRow[]): string[] {
  return [
    `| \`!stock\` at ${features.toLocaleString("en")} features, rendered at once (blocks the event loop) | p50 | max | events/messages | fill of the limit |`,
    `|---|---:|---:|---:|---:|`,
    ...rows.map((row) => `| ${row.what} | ${row.p50.toFixed(1)} ms | ${row.max.toFixed(1)} ms | ${row.parts} | ${row.fill === undefined ? "–" : `${(row.fill * 100).toFixed(0)}%`} |`),
  ];
}

// ---- the whole command, as each adapter runs it ----

interface Path {
  what: string;
  command: string;
  /** Renders the reply as the adapter does; the number of events, messages or lines. */
  render: (reply: Reply) => Promise<number>;
}

const PATHS: Path[] = [
  { what: "Matrix `!stock` (HTML events)", command: "!stock", render: async (reply) => (await renderForMatrixInSlices(reply, { msgtype: "notice" })).length },
  { what: "Matrix `!stock`, rendered at once (as before, for comparison)", command: "!stock", render: async (reply) => renderForMatrix(reply, { msgtype: "notice" }).length },
  { what: "Discord `!stock` (embeds, 3 messages at most)", command: "!stock", render: async (reply) => (await renderDiscordInSlices(reply, discord)).length },
  { what: "Discord `!stock full` (embeds)", command: "!stock full", render: async (reply) => (await renderDiscordInSlices(reply, discord)).length },
  { what: "Discord `!stock full` (markdown, no embed permission)", command: "!stock full", render: async (reply) => (await renderDiscordInSlices(reply, { ...discord, embeds: false })).length },
  { what: "IRC `!stock` (condensed to the line budget)", command: "!stock", render: async (reply) => (await renderInSlices(reply, renderIrcSteps(reply, IRC))).length },
  { what: "IRC `!stock full` (lines)", command: "!stock full", render: async (reply) => (await renderInSlices(reply, renderIrcSteps(reply, IRC))).length },
];

export interface CommandRow {
  plan: string;
  what: string;
  /** Medians over the runs, in ms. */
  total: number;
  longest: number;
  /** The longest block in any run, in ms. */
  longestMax: number;
  /** The most CPU time the process used in one block, in any run, in ms. */
  longestCpuMax: number;
  parts: number;
}

interface Plan {
  name: string;
  bot: Stocktake;
}

function botFor(state: PlanState, now: Date): Stocktake {
  const clock = { now: () => now };
  return new Stocktake({ store: new MemoryStore(clock, state), clock, config: defaultCoreConfig({ admins: [admin.id] }) });
}

/** Every path on every plan, `rounds` times, interleaved: a round runs each once. */
export async function benchStockCommands(rounds = 15): Promise<CommandRow[]> {
  const plans: Plan[] = [
    // A month after every feature's last change: all those in play are stale, the summary's worst case.
    { name: "10 000 features", bot: botFor(planState(10_000, 0), new Date("2013-02-23T12:00:00Z")) },
    { name: `realistic (${REALISTIC.features} features, 20 000 events)`, bot: botFor(await realisticPlan(20_000), new Date(REALISTIC.cycleStart + REALISTIC.cycleMs + 3_600_000)) },
  ];
  const samples = new Map<string, { total: number[]; longest: number[]; cpu: number[]; parts: number }>();
  for (let round = -3; round < rounds; round++) {
    for (const plan of plans) {
      for (const path of PATHS) {
        const watched = await watchLoop(async () => {
          const reply = await plan.bot.handle({ text: path.command, invoker: admin, conversation: "bench" });
          if (!reply || reply.tone !== "info") throw new Error(`${path.command}: ${JSON.stringify(reply).slice(0, 200)}`);
          return path.render(reply);
        });
        if (round < 0) continue;
        const key = `${plan.name}\u0000${path.what}`;
        const entry = samples.get(key) ?? { total: [], longest: [], cpu: [], parts: watched.value };
        entry.total.push(watched.total);
        entry.longest.push(watched.longest);
        entry.cpu.push(watched.longestCpu);
        samples.set(key, entry);
      }
    }
  }
  return [...samples].map(([key, entry]) => {
    const [plan, what] = key.split("\u0000") as [string, string];
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    return { plan, what, total: percentile(sorted(entry.total), 50), longest: percentile(sorted(entry.longest), 50), longestMax: Math.max(...entry.longest), longestCpuMax: Math.max(...entry.cpu), parts: entry.parts };
  });
}

export function commandTable(rows: readonly CommandRow[], rounds: number): string[] {
  return [
    `| \`!stock\` through \`Stocktake.handle\`, then rendered as the adapter sends it | plan | total p50 | longest block p50 | longest block, max | its CPU time, max | events/messages/lines |`,
    `|---|---|---:|---:|---:|---:|---:|`,
    ...rows.map((row) => `| ${row.what} | ${row.plan} | ${row.total.toFixed(1)} ms | ${row.longest.toFixed(1)} ms | ${row.longestMax.toFixed(1)} ms | ${row.longestCpuMax.toFixed(1)} ms | ${row.parts} |`),
    ``,
    `${rounds} rounds, each running every row once in turn (after 3 unrecorded). A MemoryStore holds the plan. "Longest block": the longest the event loop went without a turn, from the command's start to the last part rendered (a setImmediate callback re-scheduled each turn; bench/loop-block.ts); "its CPU time": what the process used in its longest block by CPU time, all threads (a block on a busy machine can be time the process did not run). Target: under 20 ms at 10 000 features.`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rounds = Number(process.env["BENCH_ROUNDS"] ?? 15);
  process.stdout.write(`${commandTable(await benchStockCommands(rounds), rounds).join("\n")}\n\n${renderTable(10_000, benchStockRenders(10_000)).join("\n")}\n`);
}
