import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileLock, LockedError, startTimeOf } from "../../../adapters/store/lock.js";
import { tempDir } from "../../support/temp.js";

let temp: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  temp = tempDir();
  path = join(temp.dir, "stocktake.json.lock");
});
afterEach(() => temp.cleanup());

const lockOf = (owner: object) => writeFileSync(path, JSON.stringify({ host: hostname(), since: "2013-01-23T12:00:00.000Z", ...owner }));
const holder = () => JSON.parse(readFileSync(path, "utf8")) as { pid: number; started?: string };
/** A live process that is not this one: the test runner's parent. */
const otherLive = process.ppid;

describe("the data file's lock", () => {
  it("takes over a lock whose process is gone, and names itself in it", () => {
    lockOf({ pid: 2 ** 22 + 1 });
    const lock = new FileLock(path);
    lock.acquire();
    expect(holder().pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("takes over an empty lock (a crash mid-write of an older version)", () => {
    writeFileSync(path, "");
    const lock = new FileLock(path);
    lock.acquire();
    expect(holder().pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(startTimeOf(otherLive) !== undefined)("tells a reused pid apart: a live process that started later is not the owner", () => {
    lockOf({ pid: otherLive, started: "another-boot:1" });
    const lock = new FileLock(path);
    lock.acquire();
    expect(holder().pid).toBe(process.pid);
    lock.release();
  });

  it("refuses while the owner (same pid, same start time) still runs, and leaves its lock alone", () => {
    lockOf({ pid: otherLive, ...(startTimeOf(otherLive) === undefined ? {} : { started: startTimeOf(otherLive) }) });
    const before = readFileSync(path, "utf8");
    expect(() => new FileLock(path).acquire()).toThrow(LockedError);
    expect(() => new FileLock(path).acquire()).toThrow(`in use by process ${otherLive}`);
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("records its own start time, so the next process can tell", () => {
    const lock = new FileLock(path);
    lock.acquire();
    expect(holder().started).toBe(startTimeOf(process.pid));
    lock.release();
  });

  it("does not remove a lock on release that is no longer its own", () => {
    const lock = new FileLock(path);
    lock.acquire();
    lockOf({ pid: otherLive });
    lock.release();
    expect(holder().pid).toBe(otherLive);
  });
});
