import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, writeFileSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_IMPORT_BYTES } from "../../../src/mail/import.js";
import { tempDir } from "../../support/temp.js";

const BIN = fileURLToPath(new URL("../../../bin/stocktake.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/mail/${name}`, import.meta.url));

function stocktake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end("");
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+/);

describe("stocktake import", () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());
  const data = join(temp.dir, "plan.json");

  it("refuses a binary file with one line and exit code 1", async () => {
    const run = await stocktake(["import", "/bin/ls", "--project", "x", "--release", "1", "--data", data]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/binary/);
  });

  it("refuses a missing file, a directory and an oversized file with one clear line each", async () => {
    const big = join(temp.dir, "big.txt");
    const handle = openSync(big, "w");
    ftruncateSync(handle, MAX_IMPORT_BYTES + 1);
    closeSync(handle);
    for (const [file, words] of [
      [join(temp.dir, "nope.txt"), /no such file/],
      [temp.dir, /is a directory/],
      [big, /over 2 MB/],
    ] as const) {
      const run = await stocktake(["import", file, "--data", data]);
      expect(run.code, file).toBe(1);
      expect(run.stderr.trim().split("\n"), file).toHaveLength(1);
      expect(run.stderr).toMatch(words);
      noStack(run.stderr);
    }
  });

  it("says a mail of prose lists nothing, with exit code 0, and a text that is no mail could not be read, with 1", async () => {
    const prose = await stocktake(["import", fixture("synthetic-prose.txt"), "--project", "xen", "--release", "4.5", "--data", data]);
    expect(prose.code).toBe(0);
    expect(prose.stdout).toMatch(/lists no items or milestones/);
    const notes = join(temp.dir, "notes.txt");
    writeFileSync(notes, "shopping\n  - milk\neggs and more eggs\n");
    const unread = await stocktake(["import", notes, "--project", "xen", "--release", "4.5", "--data", data]);
    expect(unread.code).toBe(1);
    // Every line is reported: the prose, and the list item with no heading to say which list it is in.
    expect(unread.stdout).toContain("3 lines not read:");
    expect(unread.stdout).toContain("line 2: - milk  (an item with no heading above it, so I cannot tell which list it is in)");
  });

  it("exits 2 when the subject names no project and none is given, and imports with --project", async () => {
    const usage = await stocktake(["import", fixture("openstack-train-r6.txt"), "--data", data]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Say which project and release to import into");
    const given = await stocktake(["import", fixture("openstack-train-r6.txt"), "--project", "openstack", "--release", "train", "--data", data]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain("Imported 0 features into openstack train");
    expect(given.stdout).toContain("Timeline: Non-client library freeze 2019-09-05");
  });

  it("takes the project from a subject with no list tag that opens with it (LLVM 15.0.0 …)", async () => {
    const given = await stocktake(["import", fixture("llvm-15-schedule.txt"), "--data", data]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain("Imported 0 features into llvm 15.0.0");
    expect(given.stdout).toContain("Timeline: Release schedule reminder on Discourse 2022-07-12, release/15.x branch created 2022-07-26");
    expect(given.stdout).toContain("line 7:");
  });

  it("--dry-run shows the plan without writing it; then the import writes it, by heading", async () => {
    const file = join(temp.dir, "dry.json");
    const dry = await stocktake(["import", fixture("synthetic-headings.txt"), "--dry-run", "--data", file]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Would import 11 features (in 3 area groupings) into xen 4.19");
    expect(dry.stdout).toContain("  x86 (line 21): 2 items, 2 owners, 0 links");
    expect(dry.stdout).toContain("  * Arm [finished]\n    - Static event channels [finished]  Stefano Stabellini\n    - FF-A notifications [finished]  Jens Wiklander\n    - Arm: SMMUv3 nested translation [on track]  [CHECK]");
    expect(existsSync(file)).toBe(false);

    const real = await stocktake(["import", fixture("synthetic-headings.txt"), "--data", file]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("Imported 11 features (in 3 area groupings) into xen 4.19");
    expect(real.stdout).toContain("We are here: Feature freeze (line 10).");
  });

  it("reads an .eml with quoted-printable and an mbox with base64 multipart/alternative", async () => {
    const file = join(temp.dir, "eml.json");
    const eml = await stocktake(["import", fixture("synthetic-4.5-update.eml"), "--data", file]);
    expect(eml.code).toBe(0);
    expect(eml.stdout).toContain("Imported 3 features into xen 4.5");
    expect(eml.stdout).toContain("From Konrad Wilk <konrad@example.org>, 15 July 2014");
    const exported = await stocktake(["export", "--data", file]);
    expect(exported.stdout).toContain("* Multi-queue netfront");
    const mbox = await stocktake(["import", fixture("synthetic-4.5-update.mbox"), "--dry-run", "--data", file]);
    expect(mbox.code).toBe(0);
    expect(mbox.stdout).toContain("Would import 0 features into xen 4.5");
  });
});
