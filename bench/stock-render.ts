/**
 * `!stock` at N features rendered for each platform (issue 13, item 4): how long the render blocks
 * the event loop (it is synchronous) and how many events or messages it sends, filled how far.
 * Part of `npm run bench`; alone: `node --import tsx bench/stock-render.ts [features]`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { renderReply as renderDiscord } from "../adapters/discord/render.js";
import { contentBytes, ENVELOPE_BYTES, MAX_CONTENT_BYTES, renderForMatrix } from "../adapters/matrix/render.js";
import { stockReply } from "../src/plan/stock-summary.js";
import { renderPlain } from "../src/reply/render-plain.js";
import type { Reply } from "../src/reply/reply.js";
import { planState } from "./plan-fixture.js";
import { percentile } from "./status-timing.js";

const RUNS = 25;
/** Discord's limit on all embeds of a message together, in characters. */
const DISCORD_EMBED_TOTAL = 6_000;
const DISCORD_CONTENT = 2_000;

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
  const discord = { embeds: true, slashHints: false, prefix: "!" };
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
    `| \`!stock\` at ${features.toLocaleString("en")} features, rendered (blocks the event loop) | p50 | max | events/messages | fill of the limit |`,
    `|---|---:|---:|---:|---:|`,
    ...rows.map((row) => `| ${row.what} | ${row.p50.toFixed(1)} ms | ${row.max.toFixed(1)} ms | ${row.parts} | ${row.fill === undefined ? "–" : `${(row.fill * 100).toFixed(0)}%`} |`),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const features = Number(process.argv[2] ?? 10_000);
  process.stdout.write(`${renderTable(features, benchStockRenders(features)).join("\n")}\n`);
}
