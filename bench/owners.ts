/**
 * `npm run bench:owners`: what naming owners as people costs the `!stock` summary at 10 000 features
 * (3 334 of them owned, by 50 owner strings). The same plan built and rendered twice per round:
 * with no `people` in the config (every owner plain text, as before), and with a person for every
 * owner string (every owner a person piece, rendered as a pill, a mention or a name). Rounds
 * alternate A B A B so load on the machine falls on both alike. Writes bench/owners-results.md.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { renderReply as renderDiscord } from "../adapters/discord/render.js";
import { renderForMatrix } from "../adapters/matrix/render.js";
import type { Person } from "../src/config/core-config.js";
import type { Release } from "../src/model/schema.js";
import { stockReply } from "../src/plan/stock-summary.js";
import { renderIrc } from "../src/reply/render-irc.js";
import { renderPlain } from "../src/reply/render-plain.js";
import type { Reply } from "../src/reply/reply.js";
import { feature } from "./plan-fixture.js";
import { percentile } from "./status-timing.js";

const FEATURES = 10_000;
const ROUNDS = 30;
const WARM_UP = 5;
const NOW = new Date("2013-01-23T12:00:00Z");

const release: Release = {
  id: "4.3",
  milestones: [],
  features: Object.fromEntries(Array.from({ length: FEATURES }, (_, i) => [`f${i}`, feature(i)])),
  cycleMonths: null,
} as unknown as Release;
const project = { id: "xen", name: "Xen", currentRelease: "4.3", releases: { "4.3": release } } as never;

/** A person for each owner string of the fixture (`owner0` … `owner49`), known on every platform. */
const people: Record<string, Person> = Object.fromEntries(
  Array.from({ length: 50 }, (_, i) => [`owner${i}`, { name: `Owner Number ${i}`, matrix: `@owner${i}:xen.org`, discord: String(810000 + i), irc: `oftc/owner${i}` }]),
);

const renders: [string, (reply: Reply) => unknown][] = [
  ["built only", () => undefined],
  ["plain text (console, mail)", (reply) => renderPlain(reply)],
  ["Matrix HTML events", (reply) => renderForMatrix({ ...reply, full: true }, { msgtype: "notice" })],
  ["Discord embeds, full", (reply) => renderDiscord({ ...reply, full: true }, { embeds: true, slashHints: false, prefix: "!" })],
  ["IRC lines, full", (reply) => renderIrc({ ...reply, full: true }, { lineBudget: 10, prefix: "!" })],
];

const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS + WARM_UP; round++) {
  for (const [what, render] of renders) {
    for (const [variant, options] of [["no people", {}], ["every owner a person", { people }]] as const) {
      const t0 = performance.now();
      render(stockReply(project, release, NOW, options));
      const ms = performance.now() - t0;
      if (round < WARM_UP) continue;
      const key = `${what}|${variant}`;
      samples.set(key, [...(samples.get(key) ?? []), ms]);
    }
  }
}

const p50 = (key: string) => percentile([...samples.get(key)!].sort((a, b) => a - b), 50);
const rows = renders.map(([what]) => {
  const plain = p50(`${what}|no people`);
  const named = p50(`${what}|every owner a person`);
  return `| ${what} | ${plain.toFixed(1)} ms | ${named.toFixed(1)} ms | ${(named / plain).toFixed(2)} |`;
});
const table = [
  `# Owners named as people`,
  ``,
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at the end; `
    + `\`!stock\` at ${FEATURES.toLocaleString("en")} features (3 334 owned) built with \`stockReply\` and rendered, medians of ${ROUNDS} interleaved rounds after ${WARM_UP} warm-ups.`,
  ``,
  `| built and rendered as | no \`people\` (owners plain text) | every owner a person | ratio |`,
  `|---|---:|---:|---:|`,
  ...rows,
  ``,
].join("\n");
process.stdout.write(table);
writeFileSync(new URL("./owners-results.md", import.meta.url), table);
