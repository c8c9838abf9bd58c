import { fork, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../support/temp.js";

const CONTENDERS = 4;
const TRIALS = Number(process.env.LOCK_RACE_TRIALS ?? 200);

type Report = { trial?: number; got?: boolean; error?: string; ready?: true; released?: true };

/** Several processes call acquire at the same instant; exactly one may win each time. */
describe("the lock when processes race for it", () => {
  const temp = tempDir();
  let children: ChildProcess[] = [];

  const next = (child: ChildProcess, want: (report: Report) => boolean) =>
    new Promise<Report>((resolve, reject) => {
      const onMessage = (report: Report) => {
        if (!want(report)) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(report);
      };
      const onExit = (code: number | null) => reject(new Error(`a contender exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });

  beforeAll(async () => {
    children = Array.from({ length: CONTENDERS }, () =>
      fork(join(import.meta.dirname, "lock-child.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    await Promise.all(children.map((child) => next(child, (report) => report.ready === true)));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGKILL")))));
    temp.cleanup();
  });

  async function race(path: string, trial: number): Promise<number> {
    const at = Date.now() + 15;
    const reports = await Promise.all(
      children.map((child) => {
        const report = next(child, (r) => r.trial === trial);
        child.send({ go: trial, path, at });
        return report;
      }),
    );
    for (const report of reports) expect(report.error).toBeUndefined();
    const winners = reports.filter((report) => report.got).length;
    await Promise.all(
      children.map((child) => {
        const released = next(child, (r) => r.released === true);
        child.send({ release: true });
        return released;
      }),
    );
    return winners;
  }

  it(`gives a free lock to exactly one of ${CONTENDERS} processes, ${TRIALS} times`, async () => {
    const counts: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) counts.push(await race(join(temp.dir, `free-${trial}.lock`), trial));
    expect(counts.filter((winners) => winners !== 1)).toEqual([]);
  }, 120_000);

  it(`gives a stale lock (empty, its process gone, or its pid reused) to exactly one, ${TRIALS} times`, async () => {
    const counts: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const path = join(temp.dir, `stale-${trial}.lock`);
      // Three kinds of stale lock in turn: half-written (empty), naming a pid nobody has, and naming a
      // live pid (this test's) that has been reused since: its start time is not the recorded one.
      const owners = ["", JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: "then" }), JSON.stringify({ pid: process.pid, host: hostname(), since: "then", started: "another-boot:1" })];
      writeFileSync(path, owners[trial % owners.length]!);
      counts.push(await race(path, TRIALS + trial));
    }
    expect(counts.filter((winners) => winners !== 1)).toEqual([]);
  }, 120_000);
});
