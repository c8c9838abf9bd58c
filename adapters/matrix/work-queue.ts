import type { Logger } from "../../src/ports.js";

/**
 * Runs tasks one after another per room (so replies keep the order of the commands) and rooms side
 * by side. `settled()` resolves once the tasks queued so far are done (the sync token is saved then);
 * `idle()` once nothing is left, including tasks queued meanwhile (stop waits for it).
 */
export class WorkQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(key: string, task: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task).catch((error: unknown) => this.logger.error({ err: error, room: key }, "matrix event handler failed"));
    this.tails.set(key, next);
    this.pending.add(next);
    void next.finally(() => {
      this.pending.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** The tasks queued until now, not those queued later: a slow room holds up only its own tasks. */
  settled(): Promise<void> {
    return Promise.allSettled([...this.pending]).then(() => undefined);
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
