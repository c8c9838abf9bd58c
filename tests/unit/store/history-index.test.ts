import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import type { PlanEvent } from "../../../src/model/schema.js";
import type { HistoryQuery } from "../../../src/ports.js";
import { FEATURE_KEEP } from "../../../src/store/history-index.js";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

let temp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  temp = tempDir();
  file = join(temp.dir, "stocktake.json");
});
afterEach(() => temp.cleanup());

const BUCKETS = ["fair", "at risk", "on track"];

/** A plan with one busy feature, one rarely changed one, and two people taking turns. */
async function busyPlan(clock: FakeClock, changes: number): Promise<LowdbStore> {
  const store = await LowdbStore.open(file, { clock, snapshotEvery: 50, snapshotIdleMs: 60_000 });
  const chat = new FakeChat({ store, clock });
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!add vTPM updates", "!note vTPM updates: quiet one");
  for (let i = 0; i < changes; i++) {
    clock.advance(60_000);
    const who = i % 3 === 0 ? MAINTAINER : RM;
    await chat.say(`!status blktap3 ${BUCKETS[i % BUCKETS.length]}`, who);
  }
  return store;
}

/** What a query answers when every event is read, newest first: the index must give the same. */
async function scanned(store: LowdbStore, query: HistoryQuery): Promise<PlanEvent[]> {
  const all: PlanEvent[] = [];
  for await (const event of (store as unknown as { journal: { newestFirst(): AsyncIterable<PlanEvent> } }).journal.newestFirst()) all.push(event);
  return all
    .filter((event) => !event.quiet && (query.by === undefined || event.by === query.by))
    .filter((event) => query.feature === undefined || (event.entity === "feature" && event.feature === query.feature))
    .slice(0, query.limit);
}

const QUERIES: HistoryQuery[] = [
  { project: "xen", release: "4.3", feature: "vtpm-updates", limit: 50 },
  { project: "xen", release: "4.3", feature: "blktap3", limit: 50 },
  { project: "xen", release: "4.3", feature: "blktap3", limit: FEATURE_KEEP * 3 },
  { project: "xen", by: MAINTAINER.id, limit: 20 },
  { project: "xen", by: RM.id, limit: 5_000 },
  { project: "xen", release: "4.3", feature: "no-such-feature", limit: 50 },
];

describe("the history index", () => {
  it("answers history queries exactly as reading the whole history does, also past what it keeps", async () => {
    const store = await busyPlan(new FakeClock(new Date("2013-01-01T00:00:00Z")), 300);
    for (const query of QUERIES) expect(await store.history(query), JSON.stringify(query)).toEqual(await scanned(store, query));
    expect((await store.history(QUERIES[0]!)).map((event) => event.command)).toEqual(["!note vTPM updates: quiet one", "!add vTPM updates"]);
    await store.close();
  });

  it("reads only the lines it needs: a rarely changed feature and a person's recent changes never scan the history", async () => {
    const store = await busyPlan(new FakeClock(new Date("2013-01-01T00:00:00Z")), 300);
    const journal = (store as unknown as { journal: { newestFirst(): AsyncIterable<PlanEvent> } }).journal;
    let scans = 0;
    const original = journal.newestFirst.bind(journal);
    journal.newestFirst = () => {
      scans++;
      return original();
    };
    await store.history(QUERIES[0]!);
    await store.history({ project: "xen", by: MAINTAINER.id, limit: 20 });
    expect(scans).toBe(0);
    // Asking for more of the busy feature than the index keeps reads the history.
    await store.history(QUERIES[2]!);
    expect(scans).toBe(1);
    await store.close();
  });

  it("is kept in the snapshot and completed by replay after a restart", async () => {
    const clock = new FakeClock(new Date("2013-01-01T00:00:00Z"));
    const first = await busyPlan(clock, 120);
    const expected = await Promise.all(QUERIES.map((query) => first.history(query)));
    await first.close();
    expect(JSON.parse(readFileSync(file, "utf8")).historyIndex).toMatchObject({ version: 1 });
    const again = await LowdbStore.open(file, { clock });
    expect(await Promise.all(QUERIES.map((query) => again.history(query)))).toEqual(expected);
    await again.close();
  });

  it("is rebuilt from the history when the snapshot has none or a damaged one", async () => {
    const clock = new FakeClock(new Date("2013-01-01T00:00:00Z"));
    const first = await busyPlan(clock, 80);
    const expected = await Promise.all(QUERIES.map((query) => first.history(query)));
    await first.close();
    const snapshot = JSON.parse(readFileSync(file, "utf8"));
    const shifted = {
      ...snapshot.historyIndex,
      features: snapshot.historyIndex.features.map(([key, positions, complete]: [string, number[], boolean]) => [key, positions.map((at) => at + 7), complete]),
    };
    for (const damage of [undefined, { version: 1, features: "nonsense", people: [] }, shifted]) {
      writeFileSync(file, JSON.stringify({ ...snapshot, historyIndex: damage }));
      const again = await LowdbStore.open(file, { clock });
      expect(await Promise.all(QUERIES.map((query) => again.history(query)))).toEqual(expected);
      await again.close();
    }
  });

  it("undo after many changes takes back the person's own last change", async () => {
    const clock = new FakeClock(new Date("2013-01-01T00:00:00Z"));
    const store = await busyPlan(clock, 700);
    const chat = new FakeChat({ store, clock });
    await chat.say("!note vTPM updates: Ian was here", MAINTAINER);
    await chat.say("!status blktap3 done", RM);
    expect(await chat.say("!undo", MAINTAINER)).toMatch(/vTPM updates/);
    expect(store.read().projects["xen"]!.releases["4.3"]!.features["vtpm-updates"]!.note).toBe("quiet one");
    expect(store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.bucket).toBe("done");
    await store.close();
  });
});
