import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { LowdbStore, StoreLoadError } from "../../../adapters/store/lowdb-store.js";
import { repairLowdb } from "../../../adapters/store/repair.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

/** Every file the store layer wrote durably (fsynced, and its directory), in order. */
const durable = vi.hoisted(() => [] as string[]);
vi.mock("../../../adapters/store/durable-file.js", async (original) => {
  const actual = await original<typeof import("../../../adapters/store/durable-file.js")>();
  return {
    ...actual,
    writeFileAtomically: async (path: string, ...rest: [string | Buffer, number?]) => {
      await actual.writeFileAtomically(path, ...rest);
      durable.push(path);
    },
    copyFileDurably: async (from: string, to: string) => {
      await actual.copyFileDurably(from, to);
      durable.push(to);
    },
  };
});

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
  durable.length = 0;
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
  const at = (path: string) => written.indexOf(basename(path));
  for (const backup of report.backups) {
    expect(at(backup)).toBeGreaterThanOrEqual(0);
    expect(at(backup)).toBeLessThan(at(history));
    expect(at(backup)).toBeLessThan(at(file));
  }
});
