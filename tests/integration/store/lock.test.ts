import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LockedError } from "../../../adapters/store/lock.js";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { tempDir } from "../../support/temp.js";

describe("the lowdb store's lock across processes", () => {
  const temp = tempDir();
  const file = join(temp.dir, "stocktake.json");
  afterAll(() => temp.cleanup());

  it("lets one store own the file in another process, and takes over once that owner is killed", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-e", `import("./adapters/store/lowdb-store.ts").then(async ({ LowdbStore }) => { await LowdbStore.open(${JSON.stringify(file)}); console.log("open"); setInterval(() => {}, 1000); })`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (data: Buffer) => data.toString().includes("open") && resolve());
        child.once("exit", (code) => reject(new Error(`child exited ${code}`)));
      });
      const error = await LowdbStore.open(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LockedError);
      expect((error as Error).message).toContain(`in use by process ${child.pid}`);
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    // The owner was killed: its lock is stale and taken over.
    const after = await LowdbStore.open(file);
    await after.close();
  });
});
