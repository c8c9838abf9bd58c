import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { tempDir } from "../../support/temp.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const ROUNDS = 8;

/** Runs the child until it has acknowledged a little, then kills it at a random moment. */
function runAndKill(file: string, start: number, acked: Map<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file, String(start)], { stdio: ["ignore", "pipe", "pipe"] });
    let buffer = "";
    let errors = "";
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr.on("data", (data: Buffer) => (errors += data.toString()));
    child.stdout.on("data", (data: Buffer) => {
      buffer += data.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "READY") killTimer = setTimeout(() => child.kill("SIGKILL"), 30 + Math.random() * 300);
        const ack = /^ACK (\S+) (\S+)$/.exec(line);
        if (ack) acked.set(ack[1]!, ack[2]!);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(killTimer);
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`child ended with ${code ?? signal} before it was killed:\n${errors}`));
    });
  });
}

describe("a crash at any moment", () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it("loses no acknowledged change and leaves valid files", async () => {
    const file = join(temp.dir, "stocktake.json");
    const acked = new Map<string, string>();
    let start = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await runAndKill(file, start, acked);
      start += 100_000;
      // After every kill the files open cleanly and hold every acknowledged change.
      const store = await LowdbStore.open(file);
      const features = store.read().projects["xen"]!.releases["4.3"]!.features;
      for (const [name, bucket] of acked) {
        const feature = features[name];
        expect(feature, `${name} was acknowledged before the kill in round ${round}`).toBeDefined();
        // The change after the acknowledged one may have landed too, but never an earlier state.
        if (bucket === "at-risk") expect(feature?.bucket).toBe("at-risk");
      }
      await store.close();
      expect(() => JSON.parse(readFileSync(file, "utf8"))).not.toThrow();
    }
    expect(acked.size).toBeGreaterThan(ROUNDS);
  }, 120_000);
});
