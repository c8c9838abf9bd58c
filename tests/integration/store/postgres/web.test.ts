import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PostgresStore } from "../../../../adapters/store/postgres/postgres-store.js";
import { defaultCoreConfig } from "../../../../src/config/core-config.js";
import { Stocktake } from "../../../../src/stocktake.js";
import { tempDir } from "../../../support/temp.js";
import { databaseUrl, freshSchema, openStore } from "./support.js";

const BIN = fileURLToPath(new URL("../../../../bin/stocktake.js", import.meta.url));
const admin = { id: "test:admin", displayName: "admin" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe.skipIf(!databaseUrl)("the web page of another stocktake process on the same database", () => {
  const url = databaseUrl!;
  const temp = tempDir();
  let schema: string;
  let drop: () => Promise<void>;
  let web: ChildProcess | undefined;
  let store: PostgresStore | undefined;

  beforeEach(async () => {
    ({ schema, drop } = await freshSchema(url));
  });
  afterEach(async () => {
    if (web && web.exitCode === null) {
      const exited = new Promise((resolve) => web!.once("exit", resolve));
      web.kill("SIGTERM");
      await exited;
    }
    await store?.close();
    await drop();
    temp.cleanup();
  });

  it("shows a change made in this process within a second", async () => {
    store = await openStore(url, schema);
    const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id], defaultProject: "xen" }) });
    const say = (text: string) => bot.handle({ text, invoker: admin, conversation: "test:room" });
    for (const line of ["!project new xen", "!release new 4.3", "!add blktap3 --bucket fair"]) expect((await say(line))?.tone).toBe("ok");

    const port = await freePort();
    const config = join(temp.dir, "web.yaml");
    writeFileSync(config, `store:\n  kind: postgres\n  url: ${JSON.stringify(url)}\n  schema: ${schema}\nhttp:\n  enabled: true\n  host: 127.0.0.1\n  port: ${port}\nlog:\n  level: warn\n`);
    let stderr = "";
    web = spawn(process.execPath, [BIN, "run", "--config", config], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
    web.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const bucket = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/p/xen.json`).catch(() => undefined);
      if (!response?.ok) return undefined;
      return ((await response.json()) as { release: { features: Record<string, { bucket: string }> } }).release.features["blktap3"]?.bucket;
    };
    await vi.waitFor(async () => expect(await bucket(), stderr).toBe("fair"), { timeout: 30_000, interval: 100 });

    for (const next of ["at-risk", "done", "on-track"]) {
      expect((await say(`!status blktap3 ${next}`))?.tone).toBe("ok");
      await vi.waitFor(async () => expect(await bucket()).toBe(next), { timeout: 1_000, interval: 10 });
    }
  }, 60_000);
});
