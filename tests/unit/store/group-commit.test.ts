import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { emptyState, type PlanEvent } from "../../../src/model/schema.js";
import { EventSourcedStore, type Journal, type JournalWrite } from "../../../src/store/event-store.js";
import { plainText } from "../../../src/reply/inline.js";
import { ok } from "../../../src/util/result.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

const eio = () => Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO", errno: -5, syscall: "fdatasync" });

/**
 * A group-committing journal whose syncs the test finishes: `settle(n)` makes the oldest n writes
 * durable, `fail()` fails the sync of all that are left, taking them back as the history file does.
 */
class HeldJournal implements Journal {
  readonly events: PlanEvent[] = [];
  private readonly waiting: { from: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  get unsettled(): number {
    return this.waiting.length;
  }

  write(events: readonly PlanEvent[]): JournalWrite {
    const from = this.events.length;
    this.events.push(...structuredClone(events));
    const settled = new Promise<void>((resolve, reject) => this.waiting.push({ from, resolve, reject }));
    return { positions: events.map((_, i) => from + i), settled };
  }

  settle(count: number): void {
    for (const write of this.waiting.splice(0, count)) write.resolve();
  }

  fail(error: unknown): void {
    const failed = this.waiting.splice(0);
    if (failed[0]) this.events.length = failed[0].from;
    for (const write of failed) write.reject(error);
  }

  async append(events: readonly PlanEvent[]): Promise<void> {
    await this.write(events).settled;
  }

  async readAt(positions: readonly number[]): Promise<PlanEvent[]> {
    return positions.map((position) => this.events[position]!);
  }

  async *newestFirst(): AsyncIterable<PlanEvent> {
    for (let i = this.events.length - 1; i >= 0; i--) yield this.events[i]!;
  }

  async *oldestFirst(): AsyncIterable<PlanEvent> {
    yield* this.events.slice();
  }
}

class HeldStore extends EventSourcedStore {
  constructor(journal: HeldJournal, clock: FakeClock) {
    super(emptyState(), journal, clock);
  }
}

/** Lets queued microtasks and the store's queue run until `done()` holds (no timers, no sleeping). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error("never happened");
}

async function heldChat(): Promise<{ chat: FakeChat; journal: HeldJournal }> {
  const clock = new FakeClock();
  const journal = new HeldJournal();
  const chat = new FakeChat({ clock, store: new HeldStore(journal, clock) });
  const setup = chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!status blktap3 at-risk");
  // Each setup step waits for its own sync.
  for (let step = 0; step < 4; step++) {
    await until(() => journal.unsettled > 0);
    journal.settle(1);
  }
  await setup;
  return { chat, journal };
}

const bucket = (chat: FakeChat) => chat.store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.bucket;

describe("group commit (issue 13, item 5)", () => {
  it("a burst of 50 concurrent changes costs fewer fdatasyncs than changes, and each is acknowledged only once its own line is on the disk", async () => {
    temp = tempDir();
    const file = join(temp.dir, "stocktake.json");
    const store = await LowdbStore.open(file, { snapshotIdleMs: 60_000 });
    const chat = new FakeChat({ store });
    await chat.setup("!project new xen Xen", "!release new 4.3", ...Array.from({ length: 50 }, (_, i) => `!add feature${i}`));
    const log = (store as unknown as { log: { syncedBytes: number } }).log;
    const syncsBefore = store.historySyncs;
    const seqBefore = store.read().seq;

    const acknowledged = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const result = await store.update({ by: "console:admin", command: `!status feature${i} at-risk` }, () =>
          ok({ changes: [{ entity: "feature", project: "xen", release: "4.3", feature: `feature${i}`, op: "update", fields: { bucket: "at-risk" } }], value: undefined }),
        );
        if (!result.ok) throw new Error(plainText(result.error.message));
        // What the disk has at the moment the change is acknowledged.
        return { seq: result.value.events[0]!.seq, synced: log.syncedBytes };
      }),
    );
    const syncs = store.historySyncs - syncsBefore;
    expect(store.read().seq).toBe(seqBefore + 50);
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(50);

    // Each line's end, from the file: every acknowledgement came once the synced part covered its line.
    const ends = new Map<number, number>();
    let at = 0;
    for (const line of readFileSync(LowdbStore.historyPathFor(file), "utf8").split("\n").slice(0, -1)) {
      at += Buffer.byteLength(line, "utf8") + 1;
      ends.set((JSON.parse(line) as PlanEvent).seq, at);
    }
    for (const { seq, synced } of acknowledged) expect(synced).toBeGreaterThanOrEqual(ends.get(seq)!);
    // All of them, once each, in order.
    expect(acknowledged.map((ack) => ack.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => seqBefore + 1 + i));
    expect([...ends.keys()].filter((seq) => seq > seqBefore)).toEqual(Array.from({ length: 50 }, (_, i) => seqBefore + 1 + i));
    await store.close();
  });

  it("a change with nothing behind it is synced before it is acknowledged, by one fdatasync of its own", async () => {
    temp = tempDir();
    const store = await LowdbStore.open(join(temp.dir, "stocktake.json"), { snapshotIdleMs: 60_000 });
    const chat = new FakeChat({ store });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
    const log = (store as unknown as { log: { syncedBytes: number; bytes: number } }).log;
    const syncs = store.historySyncs;
    expect(await chat.say("!status blktap3 at-risk")).toMatch(/fair → at risk/);
    expect(log.syncedBytes).toBe(log.bytes);
    expect(store.historySyncs).toBe(syncs + 1);
    await store.close();
  });

  it("a failed sync refuses the change and every one written after it, takes them back newest first, and keeps the one acknowledged before", async () => {
    const { chat, journal } = await heldChat();
    const seq = chat.store.read().seq;
    const first = chat.say("!note blktap3 waiting on review");
    await until(() => journal.unsettled === 1);
    // Both change the same field: taken back oldest first, the plan would end on “done”.
    const second = chat.say("!status blktap3 done");
    const third = chat.say("!status blktap3 fair");
    await until(() => journal.unsettled === 3);
    journal.settle(1);
    journal.fail(eio());
    expect(await first).toMatch(/waiting on review/);
    expect(await second).toBe("Not saved: the data file cannot be written (EIO). Nothing was changed; an operator has to look at the disk.");
    expect(await third).toBe("Not saved: the data file cannot be written (EIO). Nothing was changed; an operator has to look at the disk.");
    expect(bucket(chat)).toBe("at-risk");
    expect(chat.store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.note).toBe("waiting on review");
    expect(chat.store.read().seq).toBe(seq + 1);

    // The next change follows the acknowledged one, in the state and in the journal.
    const next = chat.say("!status blktap3 done");
    await until(() => journal.unsettled === 1);
    journal.settle(1);
    expect(await next).toMatch(/at risk → finished/);
    expect(journal.events.map((event) => event.seq)).toEqual(Array.from({ length: seq + 2 }, (_, i) => i + 1));
    expect(journal.events.at(-1)!.command).toBe("!status blktap3 done");
  });

  it("a command that reads the plan while a change is still being synced answers from the settled plan: not the change a failed sync took back", async () => {
    const { chat, journal } = await heldChat();
    const change = chat.say("!status blktap3 done");
    await until(() => journal.unsettled === 1);
    expect(bucket(chat)).toBe("done");
    // Started while the change is only in memory: it waits for the sync, which fails.
    const show = chat.say("!show blktap3");
    journal.fail(eio());
    expect(await change).toMatch(/^Not saved/);
    const shown = await show;
    expect(shown).toMatch(/at risk/i);
    expect(shown).not.toMatch(/finished/i);
  });

  it("and shows the change once the sync succeeds", async () => {
    const { chat, journal } = await heldChat();
    const change = chat.say("!status blktap3 done");
    await until(() => journal.unsettled === 1);
    const show = chat.say("!show blktap3");
    journal.settle(1);
    expect(await change).toMatch(/at risk → finished/);
    expect(await show).toMatch(/finished/i);
  });
});
