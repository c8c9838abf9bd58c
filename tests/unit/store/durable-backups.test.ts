import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { LowdbStore, StoreLoadError } from "../../../adapters/store/lowdb-store.js";
import { migrate, parsePlace } from "../../../adapters/store/migrate.js";
import { repairLowdb } from "../../../adapters/store/repair.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

/**
 * Every file fsynced while a test runs, by path, in order. Read from the FileHandle's own `sync`
 * (no vi.mock: the unit tier shares one module graph), the path from /proc/self/fd.
 */
const durable: string[] = [];
/** Each directory fsynced, with the names it held then: what a power cut after that sync keeps. */
const directories: { path: string; names: string[] }[] = [];
let restore: (() => void) | undefined;
beforeEach(async () => {
  durable.length = 0;
  directories.length = 0;
  const probe = await open(join(tmpdir(), `stocktake-probe-${process.pid}`), "w");
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const original = proto.sync;
  const spy = vi.spyOn(proto, "sync").mockImplementation(async function (this: FileHandle) {
    try {
      const path = readlinkSync(`/proc/self/fd/${this.fd}`);
      durable.push(path);
      if (statSync(path).isDirectory()) directories.push({ path, names: readdirSync(path).sort() });
    } catch {
      // Not Linux: nothing is recorded and the tests below say so.
    }
    return original.call(this);
  });
  restore = () => spy.mockRestore();
});
afterEach(() => restore?.());

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => temp.cleanup());

it("repair: the backups, which alone keep the lines it takes out, are on the disk before the history is rewritten (a power cut in between loses nothing)", async () => {
  const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
  const file = join(temp.dir, "stocktake.json");
  const history = LowdbStore.historyPathFor(file);
  const store = await LowdbStore.open(file, { clock, snapshotIdleMs: 60_000 });
  await new FakeChat({ store, clock }).setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!add vTPM");
  await store.close();
  const lines = readFileSync(history, "utf8").split("\n").filter(Boolean);
  lines[2] = `${lines[2]!.slice(0, 20)}${"\u0000".repeat(10)}${lines[2]!.slice(30)}`;
  writeFileSync(history, `${lines.join("\n")}\n`);
  await expect(LowdbStore.open(file)).rejects.toThrow(StoreLoadError);
  durable.length = 0;

  const report = await repairLowdb(file, { clock });
  expect(report.backups).toHaveLength(2);
  const written = durable.map((path) => basename(path));
  const at = (name: string) => written.indexOf(name);
  // The rewrite goes through a temporary file next to each, fsynced and renamed into place.
  const rewrite = (path: string) => written.findIndex((name) => name.startsWith(`.${basename(path)}.`) && name.endsWith(".tmp"));
  expect(rewrite(history)).toBeGreaterThanOrEqual(0);
  for (const backup of report.backups) {
    expect(at(basename(backup))).toBeGreaterThanOrEqual(0);
    expect(at(basename(backup))).toBeLessThan(rewrite(history));
    expect(at(basename(backup))).toBeLessThan(rewrite(file));
  }
});

it("start-up after a lost tail: the old snapshot, the one copy of the events the history lost, is on the disk before it is replaced", async () => {
  const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
  const file = join(temp.dir, "stocktake.json");
  const history = LowdbStore.historyPathFor(file);
  const store = await LowdbStore.open(file, { clock });
  const chat = new FakeChat({ store, clock });
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
  const keep = statSync(history).size;
  await chat.setup("!status blktap3 at-risk");
  await store.close();
  // A snapshot counting a line a power cut took back.
  truncateSync(history, keep);
  durable.length = 0;

  const again = await LowdbStore.open(file, { clock });
  await again.close();
  const backup = durable.find((path) => path.startsWith(realpathSync(temp.dir)) && path.endsWith(".before-lost-tail"));
  expect(backup).toBeDefined();
  expect(JSON.parse(readFileSync(backup!, "utf8")).projects.xen.releases["4.3"].features.blktap3.bucket).toBe("at-risk");
});

it("migrate into a data file: the renames that put the copy in place are on the disk (the directory synced) before it reports the copy done", async () => {
  const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
  const from = join(temp.dir, "from", "stocktake.json");
  const to = join(temp.dir, "to", "stocktake.json");
  mkdirSync(dirname(from));
  mkdirSync(dirname(to));
  const store = await LowdbStore.open(from, { clock });
  await new FakeChat({ store, clock }).setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
  await store.close();
  durable.length = 0;

  const outcome = await migrate({ from: parsePlace(from), to: parsePlace(to) });
  expect(outcome.events).toBeGreaterThan(0);
  // The target's directory as the copy left it was synced: a power cut after the report keeps it.
  const final = readdirSync(dirname(to)).sort();
  expect(final).toEqual(["stocktake.history.jsonl", "stocktake.json"]);
  // (The lock, held until the end, is no part of the plan.)
  const plan = (names: string[]) => names.filter((name) => !name.endsWith(".lock"));
  expect(plan(directories.filter((dir) => dir.path === realpathSync(dirname(to))).at(-1)?.names ?? [])).toEqual(final);
});
