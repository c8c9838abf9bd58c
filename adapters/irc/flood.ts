/**
 * A token bucket: `burst` lines may go at once, then `linesPerSecond`. Networks kill a client that
 * floods ("Excess Flood") and ngIRCd delays it; staying under their limit is the sender's job.
 * Takers are served one at a time, in order, so lines keep their order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private turn: Promise<void> = Promise.resolve();
  /** Takers queued in `take` and not yet served: while there are any, `tryTake` must not jump ahead. */
  private waiting = 0;

  constructor(
    private readonly linesPerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /**
   * Takes a token now if one is there and nobody is waiting for one, so a line after a quiet
   * spell goes out in the same turn of the event loop that made it. False: `take` and wait.
   */
  tryTake(): boolean {
    if (this.waiting > 0) return false;
    this.refill();
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves when one line may be sent. */
  take(): Promise<void> {
    this.waiting++;
    const mine = this.turn.then(async () => {
      try {
        this.refill();
        // A hair under one token is float noise from sleeping exactly the deficit, not a reason to sleep again.
        while (this.tokens < 1 - 1e-9) {
          await this.sleep(((1 - this.tokens) / this.linesPerSecond) * 1000);
          this.refill();
        }
        this.tokens -= 1;
      } finally {
        this.waiting--;
      }
    });
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.linesPerSecond);
    this.last = now;
  }
}
