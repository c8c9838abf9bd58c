import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

export class LockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockedError";
  }
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

/** Locks this process holds, so a second store on the same file in this process is refused too. */
const heldHere = new Set<string>();

/**
 * One process owns a data file. The lock file names the owner, so a second process can say who
 * holds it; a lock left by a process that no longer runs is taken over.
 */
export class FileLock {
  private held = false;
  private readonly releaseOnExit = () => this.release();

  constructor(readonly path: string) {}

  acquire(): void {
    const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    if (heldHere.has(this.path)) {
      throw new LockedError(`${this.path.replace(/\.lock$/, "")} is already open in this process.`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.path, JSON.stringify(me), { flag: "wx" });
        this.held = true;
        heldHere.add(this.path);
        process.once("exit", this.releaseOnExit);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(this.path);
      // The same pid as ours, not held here: a previous process that got our pid (pid 1 in containers).
      if (owner && owner.host === me.host && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new LockedError(
          `${this.path.replace(/\.lock$/, "")} is in use by process ${owner.pid} (since ${owner.since}). ` +
            `Stop that Stocktake first, or point this one at another file with --data.`,
        );
      }
      if (owner && owner.host !== me.host) {
        throw new LockedError(`${this.path} is held by process ${owner.pid} on ${owner.host}; remove the lock file if that host is gone.`);
      }
      // The owner is gone (crashed or killed): the lock is stale.
      unlinkSync(this.path);
    }
    throw new LockedError(`could not take ${this.path}`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    heldHere.delete(this.path);
    process.removeListener("exit", this.releaseOnExit);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as Partial<Owner>;
    if (typeof raw.pid === "number" && typeof raw.host === "string") {
      return { pid: raw.pid, host: raw.host, since: String(raw.since ?? "unknown") };
    }
  } catch {
    // Unreadable or half-written: treat as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
