import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { Stocktake } from "../../../src/stocktake.js";
import { FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

const CHILD = fileURLToPath(new URL("./scheduler-child.ts", import.meta.url));

/** Starts the scheduler in its own process at `now`, waits until it has run, then kills it. */
function runAt(file: string, now: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file, now], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let errors = "";
    child.stderr.on("data", (data: Buffer) => (errors += data.toString()));
    child.stdout.on("data", (data: Buffer) => {
      out += data.toString();
      if (out.includes("DONE\n")) child.kill("SIGKILL");
    });
    child.once("exit", (_code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`scheduler child ended on its own:\n${errors}`));
      else resolve(out.split("\n").filter((line) => line.startsWith("POST") || line.startsWith("LOG")));
    });
  });
}

describe("scheduled posts across restarts", () => {
  const temp = tempDir();
  const file = join(temp.dir, "stocktake.json");
  afterAll(() => temp.cleanup());

  beforeAll(async () => {
    const clock = new FakeClock(new Date("2023-09-10T08:00:00Z"));
    const store = await LowdbStore.open(file, { clock });
    const admin = { id: "test:admin", displayName: "admin" };
    const bot = new Stocktake({ store, clock, config: defaultCoreConfig({ admins: [admin.id] }) });
    for (const line of ["!project new Xen", "!release new 4.18", "!milestone set feature freeze 2023-09-15 AoE", "!add blktap3 --bucket at-risk", "!countdown on daily mon 09:00 UTC"]) {
      const reply = await bot.handle({ text: line, invoker: admin, conversation: "test:room" });
      if (reply?.tone === "error") throw new Error(`${line} failed`);
    }
    await store.close();
  });

  it("never posts twice, posts a missed one once within the grace window, and skips older ones", async () => {
    // Sunday 10 Sep, just after the 09:00 slot.
    expect(await runAt(file, "2023-09-10T09:00:30Z")).toEqual(["POST 2023-09-10T09:00:30Z Xen 4.18: Feature freeze in 5 days (Fri 15 Sep 2023, AoE); 1 feature at risk: blktap3."]);
    // Killed and started again a few minutes later: that post is not made again.
    expect(await runAt(file, "2023-09-10T09:05:00Z")).toEqual([]);
    // Down over Monday's 09:00 slot, back three hours later: within the 6 h grace, posted once.
    expect(await runAt(file, "2023-09-11T12:00:00Z")).toEqual(["POST 2023-09-11T12:00:00Z Xen 4.18: taking stock, weekly summary"]);
    expect(await runAt(file, "2023-09-11T12:01:00Z")).toEqual([]);
    // Down for two slots, back eleven hours after the later one: both skipped, and said so.
    expect(await runAt(file, "2023-09-13T20:00:00Z")).toEqual(["LOG post skipped: a later one is due", "LOG post skipped: missed by more than the grace window"]);
    // The next slot comes as usual.
    expect(await runAt(file, "2023-09-14T09:00:01Z")).toEqual(["POST 2023-09-14T09:00:01Z Xen 4.18: Feature freeze is tomorrow (Fri 15 Sep 2023, AoE); 1 feature at risk: blktap3."]);
  }, 60_000);
});
