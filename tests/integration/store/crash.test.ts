import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { seededRandom, seedFrom } from "../../support/seeded-random.js";
import { tempDir } from "../../support/temp.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const ROUNDS = 8;

// Every random choice comes from one seed: when each round's kill comes after READY, and the seed
// of each child, which picks the buckets its commands move features to. The seed is printed at the
// start and again on failure; STOCKTAKE_CRASH_SEED=N replays it. A replay sends the same commands
// and kills after the same delays, but a delay is wall-clock time, so how many commands the child
// had acknowledged by then still depends on the machine's speed.
const SEED = seedFrom("STOCKTAKE_CRASH_SEED");
const REPLAY = `STOCKTAKE_CRASH_SEED=${SEED} npx vitest run --project integration tests/integration/store/crash.test.ts`;

interface Ack {
  step: "add" | "status";
  bucket: string;
}

/** Runs the child until it has acknowledged a little, then kills it `killAfterMs` after READY. */
function runAndKill(file: string, start: number, killAfterMs: number, childSeed: number, acked: Map<string, Ack>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file, String(start), String(childSeed)], { stdio: ["ignore", "pipe", "pipe"] });
    let buffer = "";
    let errors = "";
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr.on("data", (data: Buffer) => (errors += data.toString()));
    child.stdout.on("data", (data: Buffer) => {
      buffer += data.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "READY") killTimer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        const ack = /^ACK (\S+) (add|status) (\S+)$/.exec(line);
        if (ack) acked.set(ack[1]!, { step: ack[2] as Ack["step"], bucket: ack[3]! });
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
    console.log(`crash test seed ${SEED}; to replay: ${REPLAY}`);
    onTestFailed(() => console.log(`crash test failed with seed ${SEED}; to replay: ${REPLAY}`));
    const random = seededRandom(SEED);
    const file = join(temp.dir, "stocktake.json");
    const acked = new Map<string, Ack>();
    let start = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = 30 + random() * 300;
      const childSeed = Math.floor(random() * 2 ** 32);
      await runAndKill(file, start, killAfterMs, childSeed, acked);
      start += 100_000;
      // After every kill the files open cleanly and hold every acknowledged change.
      const store = await LowdbStore.open(file);
      const features = store.read().projects["xen"]!.releases["4.3"]!.features;
      for (const [name, { step, bucket }] of acked) {
        const feature = features[name];
        expect(feature, `${name} was acknowledged before the kill in round ${round} (seed ${SEED})`).toBeDefined();
        // The change after the acknowledged one may have landed too, but never an earlier state.
        if (step === "status") expect(feature?.bucket, `${name} in round ${round} (seed ${SEED})`).toBe(bucket);
      }
      await store.close();
      expect(() => JSON.parse(readFileSync(file, "utf8"))).not.toThrow();
    }
    expect(acked.size).toBeGreaterThan(ROUNDS);
  }, 120_000);
});
