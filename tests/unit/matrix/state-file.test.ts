import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MatrixStateFile, REMEMBERED_EVENTS, StateFileError } from "../../../adapters/matrix/state-file.js";
import { tempDir } from "../../support/temp.js";

const temp = tempDir("stocktake-state-");
afterAll(() => temp.cleanup());

describe("MatrixStateFile", () => {
  it("keeps the sync token, login and handled events across opens, readable by its owner only", async () => {
    const path = join(temp.dir, "a", "stocktake.matrix.json");
    const state = await MatrixStateFile.open(path);
    expect(state.getSyncToken()).toBeNull();
    await state.setLogin({ homeserverUrl: "https://hs", userId: "@bot:hs", accessToken: "syt_secret", deviceId: "DEV" });
    state.markHandled("$one");
    await state.setSyncToken("s1");
    await state.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await MatrixStateFile.open(path);
    expect(again.getSyncToken()).toBe("s1");
    expect(again.login?.accessToken).toBe("syt_secret");
    expect(again.wasHandled("$one")).toBe(true);
    expect(again.wasHandled("$two")).toBe(false);
  });

  it("saves a sync token only after the batch before it was handled", async () => {
    const path = join(temp.dir, "order.json");
    const state = await MatrixStateFile.open(path);
    let release!: () => void;
    const handled = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const waiting = new Promise<void>((resolve) => (reached = resolve));
    state.tokenBarrier = () => {
      reached();
      return handled;
    };
    // Handed over at once: the SDK's next sync does not wait for the batch.
    await state.setSyncToken("s2");
    // The save has reached the wait for the batch, and is held there: nothing is on disk yet.
    await waiting;
    expect(() => readFileSync(path, "utf8")).toThrow(/ENOENT/);
    // Instead of sleeping to let an early write land: a write behind it in the same queue shows
    // what a premature save of the token would have put on disk.
    await state.storeValue("probe", "1");
    expect(JSON.parse(readFileSync(path, "utf8")).syncToken).toBeNull();
    release();
    await state.tokensSaved();
    expect(JSON.parse(readFileSync(path, "utf8")).syncToken).toBe("s2");
  });

  it("saves tokens in the order they came: a later batch handled first does not skip an earlier one", async () => {
    const path = join(temp.dir, "two-batches.json");
    const state = await MatrixStateFile.open(path);
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const barriers = [first, Promise.resolve()];
    state.tokenBarrier = () => barriers.shift()!;
    await state.setSyncToken("s1");
    await state.setSyncToken("s2");
    // s2's batch is handled, s1's not: a probe write behind s2's would-be save shows nothing moved.
    await state.storeValue("probe", "1");
    expect(JSON.parse(readFileSync(path, "utf8")).syncToken).toBeNull();
    release();
    await state.tokensSaved();
    expect(JSON.parse(readFileSync(path, "utf8")).syncToken).toBe("s2");
  });

  it("forgets the oldest handled events beyond its limit", async () => {
    const state = await MatrixStateFile.open(join(temp.dir, "many.json"));
    for (let i = 0; i <= REMEMBERED_EVENTS; i++) state.markHandled(`$${i}`);
    expect(state.wasHandled("$0")).toBe(false);
    expect(state.wasHandled(`$${REMEMBERED_EVENTS}`)).toBe(true);
  });

  it("refuses a damaged file instead of overwriting it", async () => {
    const path = join(temp.dir, "bad.json");
    writeFileSync(path, JSON.stringify({ version: 1, syncToken: 5 }));
    await expect(MatrixStateFile.open(path)).rejects.toThrow(StateFileError);
    await expect(MatrixStateFile.open(path)).rejects.toThrow(/bad\.json: (login|syncToken)/);
    expect(readFileSync(path, "utf8")).toContain('"syncToken":5');
  });
});
