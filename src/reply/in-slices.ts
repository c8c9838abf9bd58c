import { runInSlices, runSoon, type Steps } from "../util/steps.js";
import type { Reply } from "./reply.js";

/**
 * A reply with this many items was built by a long command (a summary of a large release), which
 * ran in this same turn of the event loop: its render gives the loop a turn before starting, so
 * the command and the first slice of the render do not add up to one long block.
 */
export const LARGE_REPLY_ITEMS = 200;

/** Items in the reply's lists and sections, sub-items included. */
export function itemCount(reply: Reply): number {
  let count = 0;
  for (const block of reply.blocks) {
    if (block.type === "list") for (const item of block.items) count += 1 + (item.children?.length ?? 0);
    else if (block.type === "sections") for (const section of block.sections) for (const item of section.items) count += 1 + (item.children?.length ?? 0);
  }
  return count;
}

/** Runs a renderer's steps for `reply` in slices (see `runInSlices`), a turn first when the reply is large. */
export function renderInSlices<T>(reply: Reply, steps: Steps<T>): Promise<T> {
  return runInSlices(steps, { yieldFirst: itemCount(reply) >= LARGE_REPLY_ITEMS });
}

/** `renderInSlices`, its first slice run now: a reply rendered within it is returned as it is (see `runSoon`). */
export function renderSoon<T>(reply: Reply, steps: Steps<T>): T | Promise<T> {
  return runSoon(steps, { yieldFirst: itemCount(reply) >= LARGE_REPLY_ITEMS });
}
