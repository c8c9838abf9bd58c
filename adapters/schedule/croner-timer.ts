import { Cron } from "croner";
import type { Timer } from "../../src/ports.js";

/**
 * The scheduler's clock in production. croner runs one-shot jobs at an absolute instant and copes
 * with what plain setTimeout does not: delays beyond 24.8 days and drift across long sleeps.
 */
export const cronerTimer: Timer = {
  at(instant, run) {
    const job = new Cron(instant, { maxRuns: 1, unref: true }, run);
    return { cancel: () => job.stop() };
  },
};

/**
 * A safety net for clock jumps (suspend, NTP steps): wakes the scheduler every hour at minute 0.
 * Returns the stop function.
 */
export function hourly(run: () => void): () => void {
  const job = new Cron("0 * * * *", { unref: true }, run);
  return () => job.stop();
}
