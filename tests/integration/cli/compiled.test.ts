import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../support/temp.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A copy of the project with its own node_modules/.cache (the packages themselves are links). */
function copyProject(dir: string): void {
  for (const entry of ["bin", "src", "adapters", "demo", "package.json", "tsconfig.json"]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, "node_modules"));
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name !== ".cache") symlinkSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name));
  }
}

const run = (dir: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(dir, "bin", "stocktake.js"), ...args], { encoding: "utf8", env: { ...process.env, STOCKTAKE_CONFIG: "", ...env } });

describe("bin/stocktake.js and its compiled sources", () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());
  copyProject(temp.dir);

  it("runs an edited source as edited, not the tree compiled before the edit", () => {
    const first = run(temp.dir, ["--help"]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Stocktake: the release-planning bot.");
    expect(readdirSync(join(temp.dir, "node_modules", ".cache", "stocktake"))).toHaveLength(1);

    const cli = join(temp.dir, "src", "cli.ts");
    writeFileSync(cli, readFileSync(cli, "utf8").replace("Stocktake: the release-planning bot.", "Stocktake, edited."));
    const second = run(temp.dir, ["--help"]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Stocktake, edited.");
    expect(second.stdout).not.toContain("the release-planning bot");
  });

  it("finds files beside the sources (the demo plan) from the compiled tree", () => {
    const demo = spawnSync(process.execPath, [join(temp.dir, "bin", "stocktake.js"), "console", "--demo"], { encoding: "utf8", input: "stock\n", env: { ...process.env, STOCKTAKE_CONFIG: "" } });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain("Xen 4.3: taking stock");
  });

  it("still runs through tsx when asked (STOCKTAKE_TSX=1), with the same result", () => {
    const viaTsx = run(temp.dir, ["--help"], { STOCKTAKE_TSX: "1" });
    expect(viaTsx.status).toBe(0);
    expect(viaTsx.stdout).toContain("Stocktake, edited.");
  });
});
