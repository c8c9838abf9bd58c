import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import type { Logger } from "../../../src/ports.js";
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
const warnings: string[] = [];
const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (_obj, msg) => void warnings.push(msg ?? ""), error: () => undefined, child: () => logger };

/** A plan whose last command wrote several events; the snapshot is from before that command. */
async function planEndingInABigCommand(): Promise<{ snapshot: string; last: number[] }> {
  const clock = new FakeClock();
  const store = await LowdbStore.open(file, { clock, snapshotIdleMs: 60_000 });
  const chat = new FakeChat({ store, clock });
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
  await store.snapshot();
  const snapshot = readFileSync(file, "utf8");
  await chat.setup("!add vTPM --under blktap3", "!release new 4.4 --carry");
  await store.close();
  const events = lines().map((line) => JSON.parse(line));
  const lastTxn = events.at(-1).txn;
  return { snapshot, last: events.filter((event) => event.txn === lastTxn).map((event) => event.seq) };
}

describe("a command is applied whole or not at all (issue 11, item 6)", () => {
  it("records on each event of a command how many events it has", async () => {
    const { last } = await planEndingInABigCommand();
    expect(last.length).toBeGreaterThan(1);
    const events = lines().map((line) => JSON.parse(line));
    for (const event of events.filter((each) => last.includes(each.seq))) expect(event.txnEvents).toBe(last.length);
    expect(events.filter((event) => event.txnEvents === undefined).every((event) => events.filter((other) => other.txn === event.txn).length === 1)).toBe(true);
  });

  it("drops a command a crash left half written at the end of the history, and says so", async () => {
    const { snapshot, last } = await planEndingInABigCommand();
    // The crash: the process died after the first event's line of the last command reached the disk.
    const keep = lines().slice(0, -(last.length - 1));
    writeFileSync(history, keep.join("\n") + "\n");
    writeFileSync(file, snapshot);
    warnings.length = 0;
    const store = await LowdbStore.open(file, { logger });
    expect(store.read().seq).toBe(last[0]! - 1);
    expect(Object.keys(store.read().projects["xen"]!.releases)).toEqual(["4.3"]);
    expect(warnings.join("\n")).toContain(`dropped the last command (event ${last[0]}): 1 of its ${last.length} events were written`);
    await store.close();
    expect(lines().length).toBe(keep.length - 1);
  });

  it("refuses a command that lost an event in the middle of the history, and points at repair", async () => {
    const { snapshot, last } = await planEndingInABigCommand();
    const all = lines();
    const firstOfLast = all.length - last.length;
    // Lose the last command's second event, then something after it.
    const damaged = [...all.slice(0, firstOfLast + 1), ...all.slice(firstOfLast + 2)];
    writeFileSync(history, damaged.join("\n") + "\n");
    writeFileSync(file, snapshot);
    await expect(LowdbStore.open(file)).rejects.toThrow(/gap.*stocktake repair/s);
  });

  it("loads an older history whose events carry no count", async () => {
    await planEndingInABigCommand();
    const expected = JSON.parse(readFileSync(file, "utf8"));
    const old = lines().map((line) => {
      const { txnEvents: _count, ...event } = JSON.parse(line);
      return JSON.stringify(event);
    });
    writeFileSync(history, old.join("\n") + "\n");
    truncateSync(file, 0);
    writeFileSync(file, "{}");
    const store = await LowdbStore.open(file);
    expect(store.read().projects).toEqual(expected.projects);
    await store.close();
  });
});
