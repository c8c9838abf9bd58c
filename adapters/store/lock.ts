import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
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
  /** The owner's start time (Linux: /proc/<pid>/stat field 22), so a reused pid is not taken for it. */
  started?: string;
}

/** Locks this process holds, so a second store on the same file in this process is refused too. */
const heldHere = new Set<string>();

/** Takeover attempts before giving up, when other processes keep taking the lock first. */
const ATTEMPTS = 5;

/**
 * One process owns a data file. The lock file names the owner, so a second process can say who
 * holds it; a lock left by a process that no longer runs is taken over.
 *
 * Hand-written rather than a library (proper-lockfile and friends judge staleness by mtime, which
 * needs a heartbeat and guesses wrong on a paused process). Every step that decides is one system
 * call: the lock is written whole to a file of our own and link()ed into place (exclusive: only one
 * link can succeed, and the lock is never seen half-written); a stale lock is removed only while
 * holding a second lock named for that stale lock's exact content, after reading it again under
 * that lock, so nobody can remove a lock that a live process has just written.
 */
export class FileLock {
  private held: string | undefined;
  private readonly releaseOnExit = () => this.release();

  constructor(readonly path: string) {}

  acquire(): void {
    if (heldHere.has(this.path)) {
      throw new LockedError(`${this.path.replace(/\.lock$/, "")} is already open in this process.`);
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const mine = createExclusive(this.path);
      if (mine !== undefined) {
        this.held = mine;
        heldHere.add(this.path);
        process.once("exit", this.releaseOnExit);
        return;
      }
      const seen = readRaw(this.path);
      if (seen === undefined) continue; // Released (or taken over) between our link and our read.
      this.refuseIfLive(seen);
      takeOverStale(this.path, seen);
    }
    throw new LockedError(`could not take ${this.path}: other processes kept taking it; try again`);
  }

  private refuseIfLive(raw: string): void {
    const owner = parseOwner(raw);
    if (!owner) return; // Empty or unreadable: left by a crash mid-write of an older version.
    if (owner.host !== hostname()) {
      throw new LockedError(`${this.path} is held by process ${owner.pid} on ${owner.host}; remove the lock file if that host is gone.`);
    }
    if (isRunning(owner)) {
      throw new LockedError(
        `${this.path.replace(/\.lock$/, "")} is in use by process ${owner.pid} (since ${owner.since}). ` +
          `Stop that Stocktake first, or point this one at another file with --data.`,
      );
    }
  }

  release(): void {
    const mine = this.held;
    if (mine === undefined) return;
    this.held = undefined;
    heldHere.delete(this.path);
    process.removeListener("exit", this.releaseOnExit);
    // Only our own lock: if it was removed by hand and someone else took it, theirs stays.
    if (readRaw(this.path) === mine) unlinkQuietly(this.path);
  }
}

/** Writes a lock naming this process at `path` if there is none; the lock's content, or undefined. */
function createExclusive(path: string): string | undefined {
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const started = startTimeOf(process.pid);
  if (started !== undefined) me.started = started;
  // The nonce makes every lock's content unique, so "still the same lock" can be told by content.
  const raw = JSON.stringify({ ...me, nonce: randomBytes(8).toString("hex") });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.new`;
  writeFileSync(draft, raw, { flag: "wx" });
  try {
    linkSync(draft, path);
    return raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return undefined;
  } finally {
    unlinkQuietly(draft);
  }
}

/**
 * Removes the stale lock whose content is `stale`, unless another process is doing so. The guard is
 * itself a FileLock, named for the stale content: only contenders for the same stale lock meet there,
 * and a guard left by a crash is stale in turn and taken over the same way.
 */
function takeOverStale(path: string, stale: string): void {
  const guard = new FileLock(`${path}.takeover-${fingerprint(stale)}`);
  try {
    guard.acquire();
  } catch (error) {
    if (error instanceof LockedError) return; // Someone else is taking it over: try again from the start.
    throw error;
  }
  try {
    // Under the guard nobody else removes this lock; if it still has the stale content, it is the stale one.
    if (readRaw(path) === stale) unlinkQuietly(path);
  } finally {
    guard.release();
  }
}

function fingerprint(raw: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < raw.length; index++) hash = Math.imul(hash ^ raw.charCodeAt(index), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseOwner(raw: string): Owner | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<Owner>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return {
        pid: parsed.pid,
        host: parsed.host,
        since: String(parsed.since ?? "unknown"),
        ...(typeof parsed.started === "string" ? { started: parsed.started } : {}),
      };
    }
  } catch {
    // Unreadable: treat as stale.
  }
  return undefined;
}

/** The owner still runs: its pid is alive and, where the start time is known, started when it did. */
function isRunning(owner: Owner): boolean {
  // Our pid but not held here: a previous process that had our pid (pid 1 in containers).
  if (owner.pid === process.pid) return false;
  if (!isAlive(owner.pid)) return false;
  const now = startTimeOf(owner.pid);
  return owner.started === undefined || now === undefined || now === owner.started;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Linux: clock ticks since boot when `pid` started (field 22 of /proc/<pid>/stat), with the boot id. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 is the command in parentheses and may hold spaces; count from after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = fields[22 - 3];
    if (ticks === undefined) return undefined;
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${boot}:${ticks}`;
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
