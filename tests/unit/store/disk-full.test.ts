import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { emptyState, type PlanEvent } from "../../../src/model/schema.js";
import { EventSourcedStore, type Journal } from "../../../src/store/event-store.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });

/** A journal whose disk fills up when told to: the write fails as fs.writeSync does on a full disk. */
class FillingJournal implements Journal {
  full = false;
  readonly events: PlanEvent[] = [];
  async append(events: readonly PlanEvent[]): Promise<void> {
    if (this.full) throw enospc();
    this.events.push(...structuredClone(events));
  }
  async *newestFirst(): AsyncIterable<PlanEvent> {
    for (let i = this.events.length - 1; i >= 0; i--) yield this.events[i]!;
  }
  async *oldestFirst(): AsyncIterable<PlanEvent> {
    yield* this.events.slice();
  }
}

class FillingStore extends EventSourcedStore {
  constructor(journal: FillingJournal, clock: FakeClock) {
    super(emptyState(), journal, clock);
  }
}

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

describe("a full disk", () => {
  it("refuses a change with “not saved: the disk is full”, not an apology, and changes nothing", async () => {
    const clock = new FakeClock();
    const journal = new FillingJournal();
    const chat = new FakeChat({ clock, store: new FillingStore(journal, clock) });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
    journal.full = true;
    const answer = await chat.say("!status blktap3 done");
    expect(answer).toBe("Not saved: the disk is full. Nothing was changed; try again once an operator has freed some space.");
    expect(answer).not.toMatch(/something went wrong/i);
    expect(chat.store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.bucket).not.toBe("done");
    journal.full = false;
    await chat.setup("!status blktap3 done");
    expect(chat.store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.bucket).toBe("done");
  });

  it("makes /healthz's store check fail: access() alone says a full disk is writable", async () => {
    temp = tempDir();
    let full = false;
    const store = await LowdbStore.open(join(temp.dir, "stocktake.json"), {
      writeProbe: async () => {
        if (full) throw enospc();
      },
    });
    expect(await store.health()).toEqual({ ok: true, detail: "the data directory is writable" });
    full = true;
    expect(await store.health()).toEqual({ ok: false, detail: "the disk is full: changes cannot be saved (ENOSPC)" });
    await store.close();
  });

  it("the real probe writes and removes its file in the data directory", async () => {
    temp = tempDir();
    const store = await LowdbStore.open(join(temp.dir, "stocktake.json"));
    expect(await store.health()).toEqual({ ok: true, detail: "the data directory is writable" });
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(temp.dir).filter((name) => name.includes("healthz"))).toEqual([]);
    await store.close();
  });

  it("quitting while the disk is full closes without a stack trace and the next start has every change", async () => {
    temp = tempDir();
    const file = join(temp.dir, "stocktake.json");
    const store = await LowdbStore.open(file, { snapshotIdleMs: 60_000 });
    const chat = new FakeChat({ store });
    await chat.setup("!project new xen Xen");
    store.snapshot = () => Promise.reject(enospc());
    await expect(store.close()).resolves.toBeUndefined();
    const again = await LowdbStore.open(file);
    expect(Object.keys(again.read().projects)).toEqual(["xen"]);
    await again.close();
  });
});
