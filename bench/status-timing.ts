/** `!status` through the core, timed command by command: what bench/core.ts and bench/store.ts report. */
import { performance } from "node:perf_hooks";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { BUCKETS } from "../src/model/buckets.js";
import type { PlanStore } from "../src/ports.js";
import { Stocktake } from "../src/stocktake.js";

const admin = { id: "bench:admin", displayName: "admin" };

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The bucket after feature `id`'s current one, so a `!status` to it is always a real change. */
export function nextBucket(store: PlanStore, id: string): string {
  const current = store.read().projects["xen"]!.releases["4.3"]!.features[id]!.bucket;
  return BUCKETS[(BUCKETS.indexOf(current) + 1) % 4]!;
}

export interface StatusTiming {
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** `commands` `!status` commands after 200 to warm up, each a real change (the next bucket round), timed one by one. */
export async function measureStatus(store: PlanStore, features: number, commands: number): Promise<StatusTiming> {
  const [timing] = await measureStatusInterleaved([{ store, features }], commands, commands);
  return timing!;
}

/**
 * The same on several stores at once, in batches of `batch` commands taken in turn (A B C D, then
 * B C D A, …), so a burst of load on the machine (a slow fdatasync, another process) falls on every
 * row alike and their ratios compare like with like.
 */
export async function measureStatusInterleaved(runs: readonly { store: PlanStore; features: number }[], commands: number, batch: number): Promise<StatusTiming[]> {
  const bots = runs.map(({ store, features }) => ({ store, features, bot: new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }) }) }));
  const say = async ({ store, features, bot }: (typeof bots)[number], i: number, id = `f${(i * 7919) % features}`): Promise<number> => {
    const text = `!status ${id} ${nextBucket(store, id)}`;
    const t0 = performance.now();
    const reply = await bot.handle({ text, invoker: admin, conversation: "bench" });
    const ms = performance.now() - t0;
    if (reply?.tone !== "ok") throw new Error(`bench command made no change: ${text}`);
    return ms;
  };
  for (const run of bots) for (let i = 0; i < 200; i++) await say(run, i, `f${i % run.features}`);
  const times = bots.map((): number[] => []);
  const elapsed = bots.map(() => 0);
  for (let start = 0, round = 0; start < commands; start += batch, round++) {
    const end = Math.min(commands, start + batch);
    for (let k = 0; k < bots.length; k++) {
      const row = (k + round) % bots.length;
      const started = performance.now();
      for (let i = start; i < end; i++) times[row]!.push(await say(bots[row]!, i));
      elapsed[row]! += performance.now() - started;
    }
  }
  return times.map((list, row) => {
    list.sort((a, b) => a - b);
    return { perSecond: Math.round((commands / elapsed[row]!) * 1000), p50: percentile(list, 50), p99: percentile(list, 99), max: list[list.length - 1]! };
  });
}

/**
 * The same commands as `measureStatus`, in blocks: warmed up once, then each call times the next
 * `count` commands into `times`. For benchmarks that alternate blocks between plans (A B A B …),
 * so drift (JIT, GC, disk cache, other load) falls on every plan alike.
 */
export async function statusBlocks(store: PlanStore, features: number): Promise<(count: number, times: number[]) => Promise<void>> {
  const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }) });
  const next = (id: string) => nextBucket(store, id);
  for (let i = 0; i < 200; i++) await bot.handle({ text: `!status f${i % features} ${next(`f${i % features}`)}`, invoker: admin, conversation: "bench" });
  let i = 0;
  return async (count, times) => {
    for (const end = i + count; i < end; i++) {
      const id = `f${(i * 7919) % features}`;
      const text = `!status ${id} ${next(id)}`;
      const t0 = performance.now();
      const reply = await bot.handle({ text, invoker: admin, conversation: "bench" });
      times.push(performance.now() - t0);
      if (reply?.tone !== "ok") throw new Error(`bench command made no change: ${text}`);
    }
  };
}
