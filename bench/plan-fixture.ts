/**
 * The benchmarks' plans. `writePlan`: one project, one release of N features, and a history of M
 * `!status` events the snapshot already includes, written straight to storage (a million events
 * through the bot would take minutes of fsyncs). `writeRealisticPlan`: the realistic plan of issue
 * 13, its history made by the reducer.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
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

/** A history file written a megabyte at a time; `end` resolves with its size once it is all written. */
function historyWriter(path: string): { add(event: PlanEvent): Promise<void>; end(): Promise<number> } {
  const out = createWriteStream(path);
  let chunk = "";
  return {
    async add(event) {
      chunk += `${JSON.stringify(event)}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, "drain");
        chunk = "";
      }
    },
    async end() {
      out.end(chunk);
      await once(out, "finish");
      return statSync(path).size;
    },
  };
}

/** Writes a snapshot with `features` features and a history of `events` events that it already includes. */
export async function writePlan(dir: string, features: number, events: number): Promise<string> {
  const file = join(dir, "stocktake.json");
  const history = historyWriter(join(dir, "stocktake.history.jsonl"));
  for (let seq = 1; seq <= events; seq++) {
    const event = statusEvent(seq, features);
    await history.add(event);
  }
  const historyBytes = await history.end();
  const state = { ...planState(features, events), historyBytes };
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

/** The realistic plan (issue 13): one release of 500 features, 50 owners, a 9-month cycle. */
export const REALISTIC = {
  features: 500,
  owners: 50,
  cycleStart: Date.parse("2012-09-17T08:00:00Z"),
  cycleMs: 9 * 30 * 86_400_000,
  /** Changed one feature once, early on; that feature was changed again since. */
  early: { id: "matrix:@early:example.org", displayName: "early" },
  /** Changed near the start only (twice). */
  rare: "f499",
  /** Owner 7 in Matrix form: one of the 50 people making the changes, ~2% of them. */
  busy: { id: "matrix:@owner7:example.org", displayName: "owner7" },
} as const;

/** The instant just after the realistic plan's last event: the benchmarks' "now". */
export const REALISTIC_NOW = new Date(REALISTIC.cycleStart + REALISTIC.cycleMs + 3_600_000);

/**
 * Writes the realistic plan with a history of `events` events into `dir` (stocktake.json and
 * stocktake.history.jsonl), as a store leaves them. Each event is made by the project's own reducer
 * (`prepare` + `applyChange`, as a store does, so before/after are exact), spread evenly over the
 * 9-month cycle: 70% status changes, 25% notes, 5% owner changes, by the 50 owners at random (a
 * fixed seed); `early` and `rare` are placed as their descriptions say. The lines are written
 * straight to the history file rather than through a store: no fsync per event, so a million
 * events take seconds (about 15 s), not the hours a million durable commands would. Then the
 * store is opened and closed once, so the snapshot holds the history index as any later start's does.
 */
export async function writeRealisticPlan(dir: string, events: number): Promise<string> {
  const { features: FEATURES, owners: OWNERS, cycleStart, cycleMs, early, rare } = REALISTIC;
  const state = planState(FEATURES, 0);
  const all = state.projects["xen"]!.releases["4.3"]!.features;
  for (const [id, item] of Object.entries(all)) {
    item.owners = [`owner${Number(id.slice(1)) % OWNERS}`];
    item.bucket = "fair";
  }
  const history = historyWriter(join(dir, "stocktake.history.jsonl"));
  let random = 0x2545f491;
  const next = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };
  for (let seq = 1; seq <= events; seq++) {
    const at = new Date(cycleStart + Math.floor((cycleMs * seq) / (events + 1))).toISOString();
    let by = `matrix:@owner${Math.floor(next() * OWNERS)}:example.org`;
    // Features 0..498 take the changes; the rare one is touched twice, near the start.
    let id = `f${Math.floor(next() * (FEATURES - 1))}`;
    if (seq === 3 || seq === 9) id = rare;
    if (seq === 5) {
      by = early.id;
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
    const change = prepare(state, { entity: "feature", project: "xen", release: "4.3", feature: id, op: "update", fields });
    applyChange(state, change);
    state.seq = seq;
    const command = "bucket" in fields ? `!status ${id} ${String(fields["bucket"])}` : "note" in fields ? `!note ${id} waiting on review` : `!owner ${id} add owner`;
    const event = { ...change, seq, txn: seq, at, by, command, origin: `matrix:$event${seq}` } as PlanEvent;
    await history.add(event);
  }
  const historyBytes = await history.end();
  const file = join(dir, "stocktake.json");
  writeFileSync(file, JSON.stringify({ ...state, historyBytes }));
  await (await LowdbStore.open(file)).close();
  return file;
}

/** The realistic plan after `events` changes, as a store opened on `writeRealisticPlan`'s files reads it. */
export async function realisticPlan(events: number): Promise<PlanState> {
  const dir = mkdtempSync(join(tmpdir(), "stocktake-realistic-"));
  try {
    const store = await LowdbStore.open(await writeRealisticPlan(dir, events));
    try {
      return structuredClone(store.read()) as PlanState;
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
