/**
 * One contender in the lock race: on `{ go, path, at }` it spins until the wall clock reaches `at`
 * (so every contender calls acquire in the same instant), tries the lock once and reports whether it
 * got it; on `{ release }` it lets go of it.
 */
import { FileLock, LockedError } from "../../../adapters/store/lock.js";

let held: FileLock | undefined;

process.on("message", (message: { go?: number; path: string; at: number } | { release: true }) => {
  if ("release" in message) {
    held?.release();
    held = undefined;
    process.send?.({ released: true });
    return;
  }
  const lock = new FileLock(message.path);
  while (Date.now() < message.at) {
    // Spin: a timer would wake each contender at a different moment.
  }
  try {
    lock.acquire();
    held = lock;
    process.send?.({ trial: message.go, got: true });
  } catch (error) {
    if (!(error instanceof LockedError)) {
      process.send?.({ trial: message.go, got: false, error: String(error) });
      return;
    }
    process.send?.({ trial: message.go, got: false });
  }
});
process.send?.({ ready: true });
