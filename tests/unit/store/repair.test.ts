import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore, StoreLoadError } from "../../../adapters/store/lowdb-store.js";
import { describeRepair, RepairError, repairLowdb } from "../../../adapters/store/repair.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

let temp: ReturnType<typeof tempDir>;
let file: string;
let history: string;
beforeEach(() => {
  temp = tempDir();
  file = join(temp.dir, "stocktake.json");
  history = LowdbStore.historyPathFor(file);
});
afterEach(() => temp.cleanup());

const lines = () => readFileSync(history, "utf8").split("\n").filter(Boolean);
const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));

/** A plan; the snapshot is taken after the first `snapshotAfter` commands. */
async function plan(commands: string[], snapshotAfter: number): Promise<void> {
  const store = await LowdbStore.open(file, { clock, snapshotIdleMs: 60_000 });
  const chat = new FakeChat({ store, clock });
  await chat.setup(...commands.slice(0, snapshotAfter));
  await store.snapshot();
  const snapshot = readFileSync(file, "utf8");
  await chat.setup(...commands.slice(snapshotAfter));
  await store.close();
  writeFileSync(file, snapshot);
}

const SETUP = ["!project new xen Xen", "!release new 4.3", "!add blktap3", "!add vTPM", "!status blktap3 fair"];
/** Damages the line holding event `seq`. */
function damage(seq: number): string {
  const all = lines();
  const at = all.findIndex((line) => JSON.parse(line).seq === seq);
  // Bit rot keeps the length: a run of the line zeroed.
  const line = all[at]!;
  const bad = line.slice(0, 20) + "\u0000".repeat(10) + line.slice(30);
  all[at] = bad;
  writeFileSync(history, all.join("\n") + "\n");
  return bad;
}
const seqOf = (command: string) => lines().map((line) => JSON.parse(line)).find((event) => event.command === command)!.seq as number;

describe("stocktake repair (issue 11, item 6)", () => {
  it("takes out an unreadable line the snapshot already holds: the plan keeps the change, the bot starts again", async () => {
    await plan(SETUP, SETUP.length);
    const expected = JSON.parse(readFileSync(file, "utf8")).projects;
    const seq = seqOf("!add vTPM");
    damage(seq);
    const before = readFileSync(history);
    await expect(LowdbStore.open(file)).rejects.toThrow(StoreLoadError);

    const report = await repairLowdb(file, { clock });
    expect(report.skippedLines).toEqual([expect.objectContaining({ line: seq, reason: "not a JSON line" })]);
    expect(report.skippedCommands).toEqual([]);
    const text = describeRepair(report, false);
    expect(text).toContain(`line ${seq} (byte`);
    expect(text).toContain("Backups of the files as they were");
    // The backup is the history as it was, byte for byte.
    const backup = report.backups.find((path) => path.includes(".history.jsonl."))!;
    expect(readFileSync(backup)).toEqual(before);

    const store = await LowdbStore.open(file, { clock });
    expect(store.read().projects).toEqual(expected);
    expect((await store.history({ limit: 50 })).map((event) => event.seq)).not.toContain(seq);
    await new FakeChat({ store, clock }).setup("!status vTPM at-risk");
    await store.close();
    const again = await LowdbStore.open(file, { clock });
    expect(again.read().projects["xen"]!.releases["4.3"]!.features["vtpm"]?.bucket ?? Object.values(again.read().projects["xen"]!.releases["4.3"]!.features).find((f) => f.title === "vTPM")!.bucket).toBe("at-risk");
    await again.close();
    // Repairing a sound plan changes nothing.
    const second = await repairLowdb(file, { clock });
    expect(second.changed).toBe(false);
    expect(describeRepair(second, false)).toMatch(/Nothing to repair/);
  });

  it("takes out a whole command when one of its lines is lost, and the commands that depended on it, naming each", async () => {
    await plan([...SETUP.slice(0, 2), "!release new 4.4 --cycle 9", "!add netfront", "!status netfront done", "!add blkback"], 2);
    const txnEvents = lines().map((line) => JSON.parse(line)).filter((event) => event.command === "!release new 4.4 --cycle 9");
    expect(txnEvents.length).toBeGreaterThan(1);
    damage(txnEvents[1]!.seq);
    await expect(LowdbStore.open(file)).rejects.toThrow(/stocktake repair/);

    const dry = await repairLowdb(file, { clock, dryRun: true });
    const untouched = readFileSync(history, "utf8");
    expect(dry.changed).toBe(true);
    expect(readdirSync(temp.dir).filter((name) => name.endsWith(".bak"))).toEqual([]);
    expect(describeRepair(dry, true)).toContain("Dry run: nothing was written");

    const report = await repairLowdb(file, { clock });
    expect(readFileSync(report.backups[0]!, "utf8")).toBe(untouched);
    const skipped = report.skippedCommands.map((command) => [command.command, command.inPlan]);
    expect(skipped[0]).toEqual(["!release new 4.4 --cycle 9", false]);
    expect(report.skippedCommands[0]!.events).toEqual(txnEvents.filter((_, i) => i !== 1).map((event) => event.seq));
    // The features went to 4.4, which is gone now: those commands no longer apply and are named too.
    expect(skipped.slice(1).map(([command]) => command)).toEqual(["!add netfront", "!status netfront done", "!add blkback"]);
    expect(report.skippedCommands.slice(1).every((command) => /no longer applies/.test(command.reason))).toBe(true);
    expect(describeRepair(report, false)).toMatch(/4 commands are no longer in the plan \(each was acknowledged/);

    const store = await LowdbStore.open(file, { clock });
    expect(Object.keys(store.read().projects["xen"]!.releases)).toEqual(["4.3"]);
    expect(store.read().projects["xen"]!.currentRelease).toBe("4.3");
    // A new change follows the last number used, past the gap.
    await new FakeChat({ store, clock }).setup("!add blktap3");
    await store.close();
    const reopened = await LowdbStore.open(file, { clock });
    expect(Object.keys(reopened.read().projects["xen"]!.releases["4.3"]!.features)).toHaveLength(1);
    await reopened.close();
  });

  it("rebuilds the plan from the history when the snapshot cannot be read", async () => {
    await plan(SETUP, SETUP.length);
    const expected = JSON.parse(readFileSync(file, "utf8")).projects;
    writeFileSync(file, '{"schemaVersion": 1, "seq": ');
    await expect(LowdbStore.open(file)).rejects.toThrow(StoreLoadError);
    const report = await repairLowdb(file, { clock });
    expect(report.snapshotProblem).toMatch(/cannot be read/);
    expect(describeRepair(report, false)).toMatch(/rebuilt from the history/);
    const store = await LowdbStore.open(file, { clock });
    expect(store.read().projects).toEqual(expected);
    await store.close();
  });

  it("refuses a history two processes wrote, and writes nothing", async () => {
    await plan(SETUP, 2);
    const all = lines();
    writeFileSync(history, [...all, all.at(-1)!].join("\n") + "\n");
    const before = readFileSync(history, "utf8");
    await expect(repairLowdb(file, { clock })).rejects.toThrow(RepairError);
    expect(readFileSync(history, "utf8")).toBe(before);
    expect(readdirSync(temp.dir).filter((name) => name.endsWith(".bak"))).toEqual([]);
  });
});
