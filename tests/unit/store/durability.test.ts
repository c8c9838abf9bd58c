import { describe, expect, it } from "vitest";
import { emptyState, type PlanEvent } from "../../../src/model/schema.js";
import { EventSourcedStore, type Journal } from "../../../src/store/event-store.js";
import { Scheduler } from "../../../src/schedule/scheduler.js";
import { Stocktake } from "../../../src/stocktake.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FakeTimer } from "../../support/fake-timer.js";

/** A journal that remembers, per append, whether the store asked for it to reach the disk first. */
class RecordingJournal implements Journal {
  readonly appends: { commands: string[]; durable: boolean }[] = [];
  private readonly events: PlanEvent[] = [];
  async append(events: readonly PlanEvent[], durable = true): Promise<void> {
    this.appends.push({ commands: [...new Set(events.map((event) => event.command))], durable });
    this.events.push(...events);
  }
  async *newestFirst(): AsyncIterable<PlanEvent> {
    for (let i = this.events.length - 1; i >= 0; i--) yield this.events[i]!;
  }
  async *oldestFirst(): AsyncIterable<PlanEvent> {
    yield* this.events;
  }
}

describe("what waits for the disk", () => {
  it("syncs every change people are told about and every scheduled-post claim; !stock writes nothing (issue 11, item 14)", async () => {
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const journal = new RecordingJournal();
    const store = new EventSourcedStore(emptyState(), journal, clock);
    const admin = { id: "test:admin", displayName: "admin" };
    const bot = new Stocktake({ store, clock, config: defaultCoreConfig({ admins: [admin.id] }) });
    for (const text of ["!project new xen", "!release new 4.3", "!milestone set ff 2013-03-25", "!add blktap3", "!stock", "!countdown on daily 09:00"]) {
      await bot.handle({ text, invoker: admin, conversation: "test:room" });
    }
    const timer = new FakeTimer(clock);
    const scheduler = new Scheduler({ store, config: bot.config, clock, timer, logger: silentLogger, send: async () => undefined });
    await scheduler.start();
    await timer.advanceTo(new Date("2013-03-11T09:01:00Z"), () => scheduler.settled());
    await (store as EventSourcedStore).drain();
    const lazy = journal.appends.filter((append) => !append.durable).flatMap((append) => append.commands);
    expect(lazy).toEqual([]);
    expect(journal.appends.flatMap((append) => append.commands)).not.toContain("!stock");
    expect(journal.appends.filter((append) => append.durable).flatMap((append) => append.commands)).toContain("post test:room|summary|feature-freeze|2013-03-11");
  });
});
