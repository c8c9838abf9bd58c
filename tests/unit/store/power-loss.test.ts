import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import type { Logger } from "../../../src/ports.js";
import { ok } from "../../../src/util/result.js";
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

/** Keeps what was logged, so a test can check start-up said what it dropped. */
function recordingLogger(): Logger & { warnings: { obj: object; msg: string }[] } {
  const warnings: { obj: object; msg: string }[] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: object, msg?: string) => void warnings.push({ obj, msg: msg ?? "" }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const AT = "2013-01-23T12:00:00.000Z";
/** Bookkeeping written without waiting for the disk, as `!stock` once wrote its line. */
const lazyProject = (id: string) => () =>
  ok({
    changes: [{ entity: "project" as const, project: id, op: "create" as const, value: { id, name: id, currentRelease: null, lastStockAt: null, createdAt: AT, createdBy: "t" } }],
    value: undefined,
    quiet: true,
    durable: false,
  });

const lines = () => readFileSync(history, "utf8").split("\n").filter(Boolean);

describe("a power cut (issue 11, item 5)", () => {
  it("a snapshot never counts history that is not on the disk yet: unsynced bookkeeping is synced first", async () => {
    const clock = new FakeClock(new Date(AT));
    const store = await LowdbStore.open(file, { clock, snapshotIdleMs: 60_000 });
    const chat = new FakeChat({ store, clock });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
    await store.update({ by: "t", command: "bookkeeping" }, lazyProject("scratch"));
    const log = (store as unknown as { log: { bytes: number; syncedBytes: number } }).log;
    expect(log.syncedBytes).toBeLessThan(log.bytes);
    await store.snapshot();
    const counted = JSON.parse(readFileSync(file, "utf8")).historyBytes as number;
    // A power cut now takes back at most what is past the synced part of the history.
    const survives = log.syncedBytes;
    expect(counted).toBeLessThanOrEqual(survives);
    await store.close();
    truncateSync(history, survives);
    const again = await LowdbStore.open(file, { clock });
    expect(Object.keys(again.read().projects).sort()).toEqual(["scratch", "xen"]);
    await again.close();
  });

  it("starts after losing a tail the snapshot counted, rebuilds the plan from the history and names what was dropped", async () => {
    const clock = new FakeClock(new Date(AT));
    const store = await LowdbStore.open(file, { clock });
    const chat = new FakeChat({ store, clock });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!status blktap3 at-risk");
    const keep = statSync(history).size;
    await chat.setup("!status blktap3 fair");
    await store.close();
    const expected = JSON.parse(readFileSync(file, "utf8"));
    expect(expected.historyBytes).toBeGreaterThan(keep);
    // What an older Stocktake left: a snapshot counting a line the power cut took back.
    truncateSync(history, keep);

    const logger = recordingLogger();
    const again = await LowdbStore.open(file, { clock, logger });
    const seqBefore = expected.seq as number;
    expect(again.read().seq).toBe(seqBefore - 1);
    const feature = again.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!;
    expect(feature.bucket).toBe("at-risk");
    const warning = logger.warnings.find((entry) => /never reached the disk/.test(entry.msg));
    expect(warning?.msg).toContain(`1 event (${seqBefore}–${seqBefore})`);
    expect(warning?.obj).toMatchObject({ changed: ["xen 4.3 blktap3"], lastEvent: seqBefore - 1, snapshotEvent: seqBefore });
    const backup = (warning?.obj as { backup: string }).backup;
    expect(JSON.parse(readFileSync(backup, "utf8")).seq).toBe(seqBefore);
    // The rebuilt plan goes on: the next change takes the lost number, history and a reopen agree.
    await new FakeChat({ store: again, clock }).setup("!status blktap3 on-track");
    expect((await again.history({ feature: "blktap3", project: "xen", release: "4.3", limit: 10 })).map((event) => event.seq)).toEqual([seqBefore, seqBefore - 1, expect.any(Number)]);
    await again.close();
    expect(lines().map((line) => JSON.parse(line).seq)).toEqual(Array.from({ length: seqBefore }, (_, i) => i + 1));
    const third = await LowdbStore.open(file, { clock });
    expect(third.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.bucket).toBe("on-track");
    await third.close();
  });

  it("refuses, pointing at repair, when the history that is left cannot rebuild the plan", async () => {
    const store = await LowdbStore.open(file);
    await store.update({ by: "t", command: "one" }, lazyProject("xen"));
    await store.close();
    const snapshot = JSON.parse(readFileSync(file, "utf8"));
    // A history that starts past event 1 (its start lost): nothing to rebuild from.
    writeFileSync(history, JSON.stringify({ ...JSON.parse(lines()[0]!), seq: 5, txn: 5 }) + "\n");
    writeFileSync(file, JSON.stringify({ ...snapshot, historyBytes: 10_000 }));
    await expect(LowdbStore.open(file)).rejects.toThrow(/shorter.*`stocktake repair`/s);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("never trusts an index position past the end of the history: the answer comes from the history", async () => {
    const clock = new FakeClock(new Date(AT));
    const store = await LowdbStore.open(file, { clock });
    const chat = new FakeChat({ store, clock });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!status blktap3 fair");
    const query = { feature: "blktap3", project: "xen", release: "4.3", limit: 10 };
    const expected = await store.history(query);
    await store.close();
    const snapshot = JSON.parse(readFileSync(file, "utf8"));
    const past = snapshot.historyBytes + 500;
    const index = {
      ...snapshot.historyIndex,
      features: snapshot.historyIndex.features.map(([key, positions, complete]: [string, number[], boolean]) => [key, [...positions, past], complete]),
    };
    writeFileSync(file, JSON.stringify({ ...snapshot, historyIndex: index }));
    const again = await LowdbStore.open(file, { clock });
    expect(await again.history(query)).toEqual(expected);
    await again.close();
    expect(JSON.parse(readFileSync(file, "utf8")).historyIndex.features.flatMap(([, positions]: [string, number[]]) => positions).every((at: number) => at < past - 500)).toBe(true);
  });
});
