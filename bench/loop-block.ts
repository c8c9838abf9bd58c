/**
 * How long work holds the event loop at a time: a callback re-scheduled with setImmediate runs
 * once per turn of the loop, so the longest gap between two of its runs is the longest stretch
 * of synchronous work in between (the monitor's own cost, a few microseconds a turn, included).
 * On a busy machine that stretch may include time the process was not running at all, so the
 * CPU time the process used over the same stretch is kept beside it (all its threads: garbage
 * collection helpers count too).
 */
import { performance } from "node:perf_hooks";

export interface Watched<T> {
  value: T;
  /** From start to the value, in ms. */
  total: number;
  /** The longest stretch the loop had no turn, in ms. */
  longest: number;
  /** CPU time the process used in its longest stretch (by CPU time), in ms. */
  longestCpu: number;
}

export async function watchLoop<T>(run: () => Promise<T>): Promise<Watched<T>> {
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let last = performance.now();
  let lastCpu = cpu();
  let longest = 0;
  let longestCpu = 0;
  let watching = true;
  const mark = () => {
    const now = performance.now();
    const used = cpu();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, used - lastCpu);
    last = now;
    lastCpu = used;
  };
  const tick = () => {
    mark();
    if (watching) setImmediate(tick);
  };
  // Settle first: the gap before the first tick is the monitor's own start, not the work's.
  await new Promise((resolve) => setImmediate(resolve));
  last = performance.now();
  lastCpu = cpu();
  setImmediate(tick);
  const t0 = performance.now();
  const value = await run();
  const total = performance.now() - t0;
  watching = false;
  mark();
  return { value, total, longest, longestCpu };
}
