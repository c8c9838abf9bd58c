import { performance } from "node:perf_hooks";
// From node:timers, not the global: a turn of the event loop is not a timer, and tests that fake
// timers (and the global setImmediate with them) must not stop a render half-way.
import { setImmediate } from "node:timers";

/**
 * Long synchronous work written as steps: a generator that yields between pieces of its work
 * (a rendered item, a measured part). `runAtOnce` runs it through; `runInSlices` runs it a slice
 * at a time and gives the event loop a turn between slices, so rendering a summary of 10 000
 * features for Matrix or Discord does not hold up every other room, message and timer. One body
 * of code for both: the result is the same whichever runs it.
 */
export type Steps<T> = Generator<void, T, void>;

/** How long a slice may run before the loop gets a turn: well under the 20 ms a render may block it. */
export const SLICE_MS = 5;

export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface SliceOptions {
  /** Default `SLICE_MS`. */
  sliceMs?: number;
  /**
   * Give the loop a turn before the first step too: for work that follows other long work in the
   * same turn (a large summary, built by the command, rendered by the adapter right after).
   */
  yieldFirst?: boolean;
}

export async function runInSlices<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? SLICE_MS;
  if (options.yieldFirst) await nextTurn();
  let start = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - start >= sliceMs) {
      await nextTurn();
      start = performance.now();
    }
  }
}

/**
 * `runInSlices` with its first slice run now: work that is done within it (nearly every reply) is
 * returned as it is, not through a promise and the turns of the microtask queue awaiting one
 * takes; longer work goes on in slices as `runInSlices` runs it. Same steps, same slices, same result.
 */
export function runSoon<T>(steps: Steps<T>, options: SliceOptions = {}): T | Promise<T> {
  if (options.yieldFirst) return runInSlices(steps, options);
  const sliceMs = options.sliceMs ?? SLICE_MS;
  const start = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - start >= sliceMs) return runInSlices(steps, { ...options, yieldFirst: true });
  }
}

/** Resolves after the event loop has run what was waiting: I/O callbacks, timers, other immediates. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
