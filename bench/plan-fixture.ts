/**
 * The benchmarks' plan: one project, one release of N features, and a history of M `!status` events
 * the snapshot already includes, written straight to storage (a million events through the bot
 * would take minutes of fsyncs).
 */
import { createWriteStream, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import type { Feature, PlanEvent, PlanState } from "../src/model/schema.js";
import { BUCKETS } from "../src/model/buckets.js";

export const AT = "2013-01-23T12:00:00.000Z";

export function feature(n: number): Feature {
  return {
    id: `f${n}`,
    title: `Feature number ${n}`,
    qualifier: n % 7 === 0 ? "Linux" : null,
    external: n % 11 === 0,
    bucket: BUCKETS[n % 4]!,
    owners: n % 3 === 0 ? [`owner${n % 50}`] : [],
    note: n % 5 === 0 ? `status note for ${n}` : null,
    probability: null,
    links: [],
    aliases: [],
    parent: null,
    order: n,
    createdAt: AT,
    createdBy: "bench",
    updatedAt: AT,
    updatedBy: "bench",
  };
}

/** Writes a snapshot with `features` features and a history of `events` events that it already includes. */
export async function writePlan(dir: string, features: number, events: number): Promise<string> {
  const file = join(dir, "stocktake.json");
  const history = join(dir, "stocktake.history.jsonl");
  const out = createWriteStream(history);
  let chunk = "";
  for (let seq = 1; seq <= events; seq++) {
    const event = statusEvent(seq, features);
    chunk += `${JSON.stringify(event)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
  const state = { ...planState(features, events), historyBytes: statSync(history).size };
  writeFileSync(file, JSON.stringify(state));
  return file;
}

/** The plan after `seq` events: one project, one release, `features` features. */

export function planState(features: number, seq: number): PlanState {
  return {
    schemaVersion: 1,
    seq,
    projects: {
      xen: {
        id: "xen",
        name: "Xen",
        currentRelease: "4.3",
        lastStockAt: null,
        createdAt: AT,
        createdBy: "bench",
        releases: {
          "4.3": {
            id: "4.3",
            cycleMonths: 9,
            cycleStart: "2012-09-17",
            milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "UTC" }],
            createdAt: AT,
            createdBy: "bench",
            features: Object.fromEntries(Array.from({ length: features }, (_, n) => [`f${n}`, feature(n)])),
          },
        },
      },
    },
    conversations: {},
  };
}

/** History event `seq`: a `!status` that moved one feature to at-risk. */
export function statusEvent(seq: number, features: number): PlanEvent {
  const n = seq % features;
  return {
    entity: "feature",
    project: "xen",
    release: "4.3",
    feature: `f${n}`,
    before: { bucket: "fair", updatedAt: AT, updatedBy: "bench" },
    after: { bucket: "at-risk", updatedAt: AT, updatedBy: "bench" },
    seq,
    txn: seq,
    at: AT,
    by: `matrix:@person${seq % 100}:example.org`,
    command: `!status f${n} at-risk`,
    origin: `matrix:$event${seq}`,
  };
}
