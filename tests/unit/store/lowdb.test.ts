import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockedError } from "../../../adapters/store/lock.js";
import { LowdbStore, StoreLoadError } from "../../../adapters/store/lowdb-store.js";
import { ok } from "../../../src/util/result.js";
import { tempDir } from "../../support/temp.js";

let temp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  temp = tempDir();
  file = join(temp.dir, "stocktake.json");
});
afterEach(() => temp.cleanup());

const AT = "2013-01-23T12:00:00.000Z";
const newProject = (id: string) => () =>
  ok({ changes: [{ entity: "project" as const, project: id, op: "create" as const, value: { id, name: id, currentRelease: null, lastStockAt: null, createdAt: AT, createdBy: "t" } }], value: undefined });

describe("the lowdb store on disk", () => {
  it("creates the data file and its history beside it", async () => {
    const store = await LowdbStore.open(file);
    await store.update({ by: "t", command: "new" }, newProject("xen"));
    await store.close();
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ schemaVersion: 1, seq: 1, projects: { xen: { name: "xen" } } });
    const lines = readFileSync(join(temp.dir, "stocktake.history.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual([1]);
  });

  it("refuses a file that fails validation, names the key path, and leaves it untouched", async () => {
    const bad = JSON.stringify({ schemaVersion: 1, seq: 0, projects: { xen: { id: "xen", name: 7 } }, conversations: {} });
    writeFileSync(file, bad);
    const error = await LowdbStore.open(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreLoadError);
    expect((error as Error).message).toMatch(/projects\.xen\.name/);
    expect((error as Error).message).toMatch(/left untouched/);
    expect(readFileSync(file, "utf8")).toBe(bad);
    // The lock was released: fixing the file is enough to open it.
    writeFileSync(file, "{}");
    await (await LowdbStore.open(file)).close();
  });

  it("refuses a file written by a newer Stocktake", async () => {
    writeFileSync(file, JSON.stringify({ schemaVersion: 99 }));
    await expect(LowdbStore.open(file)).rejects.toThrow(/newer Stocktake/);
  });

  it("migrates an unversioned file", async () => {
    writeFileSync(file, "{}");
    const store = await LowdbStore.open(file);
    expect(store.read()).toMatchObject({ schemaVersion: 1, seq: 0, projects: {} });
    await store.close();
  });

  it("never snapshots a change whose append is still under way: an idle snapshot waits for it, and a failed append is not recorded", async () => {
    const store = await LowdbStore.open(file, { snapshotEvery: 1_000, snapshotIdleMs: 60_000 });
    const log = (store as unknown as { log: { write: (...args: unknown[]) => { positions: number[]; settled: Promise<void> } } }).log;
    const write = log.write.bind(log);
    let fail!: (error: Error) => void;
    // Written, its sync under way (group commit: the store's queue has already moved on).
    log.write = () => ({ positions: [0], settled: new Promise((_, reject) => (fail = reject)) });
    const refused = store.update({ by: "t", command: "one" }, newProject("xen")).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    // The idle snapshot falls due while the change is applied in memory but not yet written.
    const snapshot = (store as unknown as { snapshotInBackground(): Promise<void> }).snapshotInBackground();
    fail(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    expect(await refused).toBeInstanceOf(Error);
    await snapshot;
    log.write = write;
    expect(store.read().projects).toEqual({});
    expect(JSON.parse(readFileSync(file, "utf8")).projects).toEqual({});
    await store.close();
  });

  it("replays history written after the last snapshot", async () => {
    const store = await LowdbStore.open(file, { snapshotEvery: 1_000, snapshotIdleMs: 60_000 });
    await store.update({ by: "t", command: "one" }, newProject("xen"));
    const snapshot = readFileSync(file, "utf8");
    await store.update({ by: "t", command: "two" }, newProject("linux"));
    await store.close();
    // As if the process died before it could write a newer snapshot.
    writeFileSync(file, snapshot);
    const reopened = await LowdbStore.open(file);
    expect(Object.keys(reopened.read().projects).sort()).toEqual(["linux", "xen"]);
    expect(reopened.read().seq).toBe(2);
    await reopened.close();
  });

  it("acknowledges the change that crosses the snapshot threshold before writing the snapshot (issue 13, item 2)", async () => {
    const store = await LowdbStore.open(file, { snapshotEvery: 2, snapshotIdleMs: 60_000 });
    await store.update({ by: "t", command: "one" }, newProject("xen"));
    await store.update({ by: "t", command: "two" }, newProject("linux"));
    // Acknowledged: its line is in the history, while the snapshot still shows the plan before it.
    const history = readFileSync(join(temp.dir, "stocktake.history.jsonl"), "utf8").trim().split("\n");
    expect(history.map((line) => JSON.parse(line).command)).toEqual(["one", "two"]);
    expect(JSON.parse(readFileSync(file, "utf8")).seq).toBe(0);
    // A crash now loses nothing: the history is the record.
    const snapshotThen = readFileSync(file, "utf8");
    await store.snapshotsSettled();
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ seq: 2, projects: { xen: {}, linux: {} } });
    await store.close();
    writeFileSync(file, snapshotThen);
    const reopened = await LowdbStore.open(file);
    expect(Object.keys(reopened.read().projects).sort()).toEqual(["linux", "xen"]);
    await reopened.close();
  });

  it("drops an unfinished last history line (never acknowledged) and goes on appending cleanly", async () => {
    const store = await LowdbStore.open(file);
    await store.update({ by: "t", command: "one" }, newProject("xen"));
    await store.close();
    const history = join(temp.dir, "stocktake.history.jsonl");
    appendFileSync(history, '{"seq":2,"txn":2,"at":"2013-01-');
    const reopened = await LowdbStore.open(file);
    expect(reopened.read().seq).toBe(1);
    await reopened.update({ by: "t", command: "two" }, newProject("linux"));
    await reopened.close();
    const lines = readFileSync(history, "utf8").split("\n").filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).command)).toEqual(["one", "two"]);
  });

  it("refuses a history with a corrupt line in the middle, and says where", async () => {
    const store = await LowdbStore.open(file, { snapshotIdleMs: 60_000 });
    await store.update({ by: "t", command: "one" }, newProject("xen"));
    const snapshot = readFileSync(file, "utf8");
    await store.update({ by: "t", command: "two" }, newProject("linux"));
    await store.close();
    writeFileSync(file, snapshot);
    const history = join(temp.dir, "stocktake.history.jsonl");
    const lines = readFileSync(history, "utf8").split("\n");
    writeFileSync(history, [lines[0], '{"seq": "two"}', ""].join("\n"));
    await expect(LowdbStore.open(file)).rejects.toThrow(/not a valid event/);
  });

  // Another process holding the lock, and taking over a killed owner's: tests/integration/store/lock.test.ts.
  it("removes snapshot temp files a killed run left, and nothing else (issue 11, item 7)", async () => {
    await (await LowdbStore.open(file)).close();
    const stale = [".stocktake.json.4242.tmp", ".stocktake.json.7.tmp"].map((name) => join(temp.dir, name));
    for (const path of stale) writeFileSync(path, "x".repeat(100_000));
    const others = [".other.json.4242.tmp", "stocktake.json.4242.tmp.keep", ".stocktake.json.notes.tmp"].map((name) => join(temp.dir, name));
    for (const path of others) writeFileSync(path, "mine");
    const store = await LowdbStore.open(file);
    await store.close();
    expect(stale.filter((path) => existsSync(path))).toEqual([]);
    expect(others.filter((path) => existsSync(path))).toEqual(others);
  });

  it("lets one store own the file in this process", async () => {
    const store = await LowdbStore.open(file);
    await expect(LowdbStore.open(file)).rejects.toBeInstanceOf(LockedError);
    await store.close();
  });

  it("reports itself unhealthy when its directory is gone or it is closed", async () => {
    const dir = join(temp.dir, "data");
    const store = await LowdbStore.open(join(dir, "stocktake.json"));
    // /healthz is public: the detail never shows where the data lives.
    expect(await store.health()).toEqual({ ok: true, detail: "the data directory is writable" });
    // The volume unmounted or the directory deleted under a running bot: changes would fail.
    rmSync(dir, { recursive: true, force: true });
    const gone = await store.health();
    expect(gone.ok).toBe(false);
    expect(gone.detail).toBe("the data directory is not writable (ENOENT)");
    expect(gone.detail).not.toContain(temp.dir);
    mkdirSync(dir);
    await store.close();
    expect(await store.health()).toEqual({ ok: false, detail: "the store is closed" });
  });
});

describe("replaying a history that two writers wrote", () => {
  const history = () => join(temp.dir, "stocktake.history.jsonl");
  async function threeEvents() {
    const store = await LowdbStore.open(file);
    for (const id of ["xen", "linux", "qemu"]) await store.update({ by: "t", command: id }, newProject(id));
    await store.close();
    return readFileSync(history(), "utf8").trim().split("\n");
  }

  it("refuses a repeated sequence number after the snapshot, naming the file and the line", async () => {
    const lines = await threeEvents();
    // A second writer appended its own event 3 (a different change) after the snapshot.
    appendFileSync(history(), lines[2]!.replace('"qemu"', '"kvm"').replaceAll('"qemu"', '"kvm"') + "\n");
    const error = await LowdbStore.open(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreLoadError);
    expect((error as Error).message).toContain(history());
    expect((error as Error).message).toMatch(/line 1\b.*event 3/);
  });

  it("refuses a repeated or out-of-order sequence number anywhere in a full replay", async () => {
    const lines = await threeEvents();
    writeFileSync(history(), [lines[0], lines[1], lines[1], lines[2]].join("\n") + "\n");
    rmSync(file);
    const error = await LowdbStore.open(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreLoadError);
    expect((error as Error).message).toMatch(/line 3\b.*event 2 follows 2/);
    writeFileSync(history(), [lines[0], lines[2], lines[1]].join("\n") + "\n");
    await expect(LowdbStore.open(file)).rejects.toThrow(/line 2\b.*event 3 follows 1/);
  });
});
