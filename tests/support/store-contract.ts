import { afterEach, describe, expect, it } from "vitest";
import { makeFeature } from "./plan.js";
import type { Feature, PlanState } from "../../src/model/schema.js";
import type { Draft, PlanStore } from "../../src/ports.js";
import type { ChangeRequest } from "../../src/plan/reducer.js";
import { fail, ok, type Result } from "../../src/util/result.js";
import { FakeClock } from "./fake-chat.js";

const AT = "2013-01-23T12:00:00.000Z";

const project: ChangeRequest = {
  entity: "project",
  project: "xen",
  op: "create",
  value: { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: AT, createdBy: "t" },
};
const release: ChangeRequest = {
  entity: "release",
  project: "xen",
  release: "4.3",
  op: "create",
  value: { id: "4.3", cycleMonths: 9, cycleStart: null, milestones: [], createdAt: AT, createdBy: "t" },
};

const feature = (id: string, order: number): Feature => makeFeature(id, { order });

const create = (id: string, order = 1): ChangeRequest => ({ entity: "feature", project: "xen", release: "4.3", feature: id, op: "create", value: feature(id, order) });
const setBucket = (id: string, bucket: string): ChangeRequest => ({ entity: "feature", project: "xen", release: "4.3", feature: id, op: "update", fields: { bucket } });
const draft = (...changes: ChangeRequest[]) => (): Result<Draft<undefined>> => ok({ changes, value: undefined });

export interface Harness {
  store: PlanStore;
  /** Closes and opens the store again: memory stores cannot, and skip those checks. */
  reopen?: () => Promise<PlanStore>;
}

/** Every PlanStore passes these: memory and lowdb in tests/unit/store, PostgreSQL in tests/integration/store. */
export function contract(name: string, open: (clock: FakeClock) => Promise<Harness>, close: () => Promise<void>) {
  describe(`PlanStore contract: ${name}`, () => {
    afterEach(close);

    it("applies changes, assigns increasing sequence numbers, and keeps one txn per update", async () => {
      const { store } = await open(new FakeClock());
      const first = await store.update({ by: "alice", command: "setup" }, draft(project, release, create("blktap3")));
      expect(first.ok && first.value.events.map((event) => [event.seq, event.txn])).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      const second = await store.update({ by: "bob", command: "!status blktap3 at-risk" }, draft(setBucket("blktap3", "at-risk")));
      expect(second.ok && second.value.events[0]).toMatchObject({ seq: 4, txn: 4, by: "bob", before: { bucket: "fair" }, after: { bucket: "at-risk" } });
      expect(store.read().seq).toBe(4);
      expect(store.read().projects["xen"]?.releases["4.3"]?.features["blktap3"]?.bucket).toBe("at-risk");
    });

    it("writes nothing when the update fails, or when a change in it is invalid", async () => {
      const { store } = await open(new FakeClock());
      await store.update({ by: "a", command: "setup" }, draft(project, release, create("blktap3")));
      const before = JSON.stringify(store.read());
      const refused = await store.update({ by: "a", command: "x" }, () => fail("not-found", "nope"));
      expect(refused).toEqual({ ok: false, error: { code: "not-found", message: "nope" } });
      // The second change is invalid (bucket), so the first one must be rolled back too.
      const invalid = await store.update({ by: "a", command: "x" }, draft(create("vtpm", 2), setBucket("blktap3", "purple")));
      expect(invalid.ok).toBe(false);
      const missing = await store.update({ by: "a", command: "x" }, draft(setBucket("nothing", "done")));
      expect(missing.ok).toBe(false);
      expect(JSON.stringify(store.read())).toBe(before);
      expect(await store.history({ limit: 100 })).toHaveLength(3);
    });

    it("serialises concurrent updates so that none is lost", async () => {
      const { store } = await open(new FakeClock());
      await store.update({ by: "a", command: "setup" }, draft(project, release));
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.update({ by: "a", command: `add f${i}` }, (state: Readonly<PlanState>) => {
            const count = Object.keys(state.projects["xen"]!.releases["4.3"]!.features).length;
            // Each update sees the previous ones: the order numbers come out 1..50 with no repeats.
            return ok({ changes: [create(`f${i}`, count + 1)], value: undefined });
          }),
        ),
      );
      const features = Object.values(store.read().projects["xen"]!.releases["4.3"]!.features);
      expect(features).toHaveLength(50);
      expect(new Set(features.map((item) => item.order)).size).toBe(50);
    });

    it("answers history newest first, filtered by feature, person and time", async () => {
      const clock = new FakeClock(new Date(AT));
      const { store } = await open(clock);
      await store.update({ by: "a", command: "setup" }, draft(project, release, create("blktap3"), create("vtpm", 2)));
      clock.advance(60_000);
      await store.update({ by: "bob", command: "s1", origin: "test:msg1" }, draft(setBucket("blktap3", "at-risk")));
      clock.advance(60_000);
      await store.update({ by: "carol", command: "s2" }, draft(setBucket("vtpm", "done")));
      expect((await store.history({ limit: 2 })).map((event) => event.command)).toEqual(["s2", "s1"]);
      expect((await store.history({ feature: "blktap3", limit: 10 })).map((event) => event.command)).toEqual(["s1", "setup"]);
      expect((await store.history({ by: "carol", limit: 10 })).map((event) => event.command)).toEqual(["s2"]);
      expect((await store.history({ since: new Date(Date.parse(AT) + 30_000), limit: 10 })).map((event) => event.command)).toEqual(["s2", "s1"]);
      expect(store.hasOrigin("test:msg1")).toBe(true);
      expect(store.hasOrigin("test:msg2")).toBe(false);
    });

    it("keeps quiet bookkeeping out of history unless asked", async () => {
      const { store } = await open(new FakeClock());
      await store.update({ by: "a", command: "setup" }, draft(project, release));
      await store.update({ by: "a", command: "stock" }, () =>
        ok({ changes: [{ entity: "project", project: "xen", op: "update", fields: { lastStockAt: AT } }], value: undefined, quiet: true }),
      );
      expect((await store.history({ limit: 10 })).map((event) => event.command)).toEqual(["setup", "setup"]);
      expect(await store.history({ limit: 10, includeQuiet: true })).toHaveLength(3);
    });

    it("replays events oldest first from any sequence number, quiet ones included", async () => {
      const { store } = await open(new FakeClock());
      await store.update({ by: "a", command: "setup" }, draft(project, release, create("blktap3")));
      await store.update({ by: "a", command: "s" }, draft(setBucket("blktap3", "done")));
      await store.update({ by: "a", command: "stock" }, () =>
        ok({ changes: [{ entity: "project", project: "xen", op: "update", fields: { lastStockAt: AT } }], value: undefined, quiet: true }),
      );
      const seqs = async (fromSeq?: number) => {
        const found: number[] = [];
        for await (const event of store.events(fromSeq)) found.push(event.seq);
        return found;
      };
      expect(await seqs()).toEqual([1, 2, 3, 4, 5]);
      expect(await seqs(4)).toEqual([4, 5]);
      expect(await seqs(6)).toEqual([]);
      const all = [];
      for await (const event of store.events()) all.push(event);
      expect(all.slice().reverse()).toEqual(await store.history({ limit: 10, includeQuiet: true }));
    });

    it("stops an iteration at the events committed when it started", async () => {
      const { store } = await open(new FakeClock());
      await store.update({ by: "a", command: "setup" }, draft(project, release));
      const seen: number[] = [];
      for await (const event of store.events()) {
        seen.push(event.seq);
        // A change committed mid-iteration belongs to the next one (the listener sees it instead).
        if (event.seq === 1) await store.update({ by: "a", command: "add" }, draft(create("vtpm")));
      }
      expect(seen).toEqual([1, 2]);
      expect(store.read().seq).toBe(3);
    });

    it("reports itself healthy while it can record changes", async () => {
      const { store } = await open(new FakeClock());
      expect(await store.health()).toMatchObject({ ok: true });
    });

    it("gives back after a restart exactly the state and history it acknowledged", async () => {
      const harness = await open(new FakeClock());
      if (!harness.reopen) return;
      const { store } = harness;
      await store.update({ by: "a", command: "setup" }, draft(project, release, create("blktap3")));
      await store.update({ by: "b", command: "s", origin: "test:m" }, draft(setBucket("blktap3", "done")));
      const state = JSON.stringify(store.read());
      const reopened = await harness.reopen();
      expect(reopened.read()).toEqual(JSON.parse(state));
      expect((await reopened.history({ limit: 10 })).map((event) => event.seq)).toEqual([4, 3, 2, 1]);
      expect(reopened.hasOrigin("test:m")).toBe(true);
      const replayed: number[] = [];
      for await (const event of reopened.events(2)) replayed.push(event.seq);
      expect(replayed).toEqual([2, 3, 4]);
      await reopened.close();
    });
  });
}
