/** One watched wait: `done` once the answer is there, so `late` is not called. */
export interface Watched {
  done(): void;
}

interface Entry extends Watched {
  at: number;
  late: () => void;
  over: boolean;
}

/**
 * Says when an answer is late, for many waits that all last the same time (the slash commands'
 * defer delay): their deadlines come in the order they started, so one timer, armed for the oldest,
 * serves them all. A timer and a promise race of its own per command cost more than the rest of the
 * adapter's part of a reply, for a deadline that is almost never reached.
 */
export class LateWatch {
  /** Oldest first; answered ones are dropped from the front. */
  private readonly waiting: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  /** Calls `late` once `ms` have passed, unless `done` is called first. */
  watch(late: () => void): Watched {
    const entry: Entry = {
      at: performance.now() + this.ms,
      late,
      over: false,
      done: () => {
        entry.over = true;
      },
    };
    while (this.waiting[0]?.over) this.waiting.shift();
    this.waiting.push(entry);
    this.timer ??= this.arm(this.ms);
    return entry;
  }

  /** Forgets every wait: nothing is called any more (the adapter stopped). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of this.waiting.splice(0)) entry.over = true;
  }

  private arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.due(), ms);
    // The wait it is for keeps the process busy anyway; the timer alone must not keep it alive.
    timer.unref();
    return timer;
  }

  private due(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (!head.over && head.at > now) break;
      this.waiting.shift();
      if (head.over) continue;
      head.over = true;
      head.late();
    }
    if (this.waiting.length > 0) this.timer = this.arm(Math.max(1, this.waiting[0]!.at - now));
  }
}
