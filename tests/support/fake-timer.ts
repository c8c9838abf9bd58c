import { Scheduler, type SchedulerOptions, type Timer } from "../../src/schedule/scheduler.js";
import { silentLogger } from "../../src/util/silent-logger.js";
import type { FakeChat, FakeClock } from "./fake-chat.js";

/** A Timer driven by a FakeClock: `advanceTo` moves time forward, running what falls due in order. */
export class FakeTimer implements Timer {
  private pending: { at: number; run: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(private readonly clock: FakeClock) {}

  at(instant: Date, run: () => void): { cancel(): void } {
    const id = this.nextId++;
    this.pending.push({ at: instant.getTime(), run, id });
    return { cancel: () => (this.pending = this.pending.filter((entry) => entry.id !== id)) };
  }

  /** The earliest wake-up still armed. */
  next(): Date | undefined {
    const earliest = [...this.pending].sort((a, b) => a.at - b.at)[0];
    return earliest ? new Date(earliest.at) : undefined;
  }

  /** Runs every wake-up up to `instant`, each at its own time, waiting for `settle` after each. */
  async advanceTo(instant: Date, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = [...this.pending].sort((a, b) => a.at - b.at)[0];
      if (!due || due.at > instant.getTime()) break;
      this.pending = this.pending.filter((entry) => entry.id !== due.id);
      this.clock.set(new Date(due.at));
      due.run();
      await settle();
    }
    this.clock.set(instant);
  }
}

/** The real scheduler over a FakeChat's store and config, woken by `timer` on the chat's clock. */
export function chatScheduler(chat: FakeChat, timer: FakeTimer, send: SchedulerOptions["send"]): Scheduler {
  return new Scheduler({ store: chat.store, config: chat.bot.config, clock: chat.clock, timer, logger: silentLogger, send });
}
