/**
 * The benchmarks' plan: one project, one release of N features, and a history of M `!status` events
 * the snapshot already includes, written straight to storage (a million events through the bot
 * would take minutes of fsyncs).
 */
import { createWriteStream, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import type { ChangeRequest } from "../src/model/change.js";
import type { Feature, PlanEvent, PlanState } from "../src/model/schema.js";
import { BUCKETS } from "../src/model/buckets.js";
import { applyChange, prepare } from "../src/plan/reducer.js";

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

/** The realistic plan (issue 13): 500 features, 50 owners, changed through the reducer over a 9-month cycle. */
export const REALISTIC = {
  features: 500,
  owners: 50,
  cycleStart: Date.parse("2012-09-17T08:00:00Z"),
  cycleMs: 9 * 30 * 86_400_000,
  /** Changed near the start only (twice). */
  rare: "f499",
  /** Changed once by this person early on, and again since by someone else. */
  early: "matrix:@early:example.org",
} as const;

/**
 * The realistic plan after `events` changes, each made as a store makes it (`prepare`, then
 * `applyChange`) and passed to `onEvent` in order: status moves (70%), notes (25%) and owner
 * changes (5%) by 50 people, spread evenly over the cycle, from a fixed random seed. Features
 * 0..498 take the changes; f499 is touched twice near the start; f7 once by `REALISTIC.early`.
 */
export async function realisticPlan(events: number, onEvent: (event: PlanEvent) => void | Promise<void> = () => undefined): Promise<PlanState> {
  const { features: FEATURES, owners: OWNERS, cycleStart: CYCLE_START, cycleMs: CYCLE_MS, rare: RARE } = REALISTIC;
  const state = planState(FEATURES, 0);
  const features = state.projects["xen"]!.releases["4.3"]!.features;
  for (const [id, feature] of Object.entries(features)) {
    feature.owners = [`owner${Number(id.slice(1)) % OWNERS}`];
    feature.bucket = "fair";
  }
  let random = 0x2545f491;
  const next = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };
  for (let seq = 1; seq <= events; seq++) {
    const at = new Date(CYCLE_START + Math.floor((CYCLE_MS * seq) / (events + 1))).toISOString();
    let by = `matrix:@owner${Math.floor(next() * OWNERS)}:example.org`;
    let id = `f${Math.floor(next() * (FEATURES - 1))}`;
    if (seq === 3 || seq === 9) id = RARE;
    if (seq === 5) {
      by = REALISTIC.early;
      id = "f7";
    }
    if (seq === 6) id = "f7";
    // Nobody touches f7 again: a later change back to the early person's value would make it undoable.
    if (seq > 6 && id === "f7") id = "f8";
    const stamp = { updatedAt: at, updatedBy: by };
    // Seq 5 and 6 both set f7's status, so the early person's change cannot be undone any more.
    const kind = seq === 5 || seq === 6 ? 0 : next();
    const fields: Record<string, unknown> =
      kind < 0.7
        ? { bucket: seq === 5 || seq === 6 ? BUCKETS[seq - 5]! : BUCKETS[Math.floor(next() * BUCKETS.length)]!, ...stamp }
        : kind < 0.95
          ? { note: `note ${seq}: waiting on review`, ...stamp }
          : { owners: [`owner${Math.floor(next() * OWNERS)}`], ...stamp };
    const request: ChangeRequest = { entity: "feature", project: "xen", release: "4.3", feature: id, op: "update", fields };
    const change = prepare(state, request);
    applyChange(state, change);
    state.seq = seq;
    const command = "bucket" in fields ? `!status ${id} ${String(fields["bucket"])}` : "note" in fields ? `!note ${id} waiting on review` : `!owner ${id} add owner`;
    await onEvent({ ...change, seq, txn: seq, at, by, command, origin: `matrix:$event${seq}` } as PlanEvent);
  }
  return state;
}
