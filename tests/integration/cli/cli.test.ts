import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_PATH, FIXTURE, featureSections } from "../../support/fixture.js";
import { tempDir } from "../../support/temp.js";

const BIN = fileURLToPath(new URL("../../../bin/stocktake.js", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function stocktake(args: string[], input?: string, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"], ...(cwd ? { cwd } : {}), env: { ...process.env, STOCKTAKE_CONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

describe("the stocktake command line", () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());
  const data = join(temp.dir, "plan.json");

  it("imports the status mail and exports its feature sections unchanged", async () => {
    const imported = await stocktake(["import", FIXTURE_PATH, "--data", data]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Imported 40 features (sub-items counted, not the 1 feature they are under) into xen 4.3");
    expect(imported.stdout).toContain("Lines 1–24 are the mail's introduction: not imported.");

    const exported = await stocktake(["export", "--data", data]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith("[Xen] 4.3 Planning: Taking stock\n")).toBe(true);
    expect(featureSections(exported.stdout)).toBe(featureSections(FIXTURE));

    const markdown = await stocktake(["export", "--format", "markdown", "--data", data]);
    expect(markdown.stdout).toContain("## Features at risk\n\n- Remove hardcoded mobprobe's in xencommons");
    const json = await stocktake(["export", "--format", "json", "--data", data]);
    expect(Object.keys(JSON.parse(json.stdout).release.features)).toHaveLength(41);
  });

  it("keeps what the console changed, across runs, on the data file", async () => {
    const file = join(temp.dir, "console.json");
    const first = await stocktake(["console", "--data", file], "project new xen\nrelease new 4.3\n!add blktap3 --bucket at-risk\nstatus blktap3 fair\n");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("* blktap3: at risk → fair [fair]");
    const second = await stocktake(["console", "--data", file], "stock\nhistory\n");
    expect(second.stdout).toContain("== Features marked as Fair ==\n\n* blktap3");
    expect(second.stdout).toContain("local: blktap3: status at risk → fair");
  });

  it("shows the demo plan at once with --demo", async () => {
    const demo = await stocktake(["console", "--demo"], "stock\n");
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain("Xen 4.3: taking stock");
    expect(demo.stdout).toMatch(/Month 4 of 9, feature freeze in 61 days/);
    expect(featureSections(demo.stdout.slice(demo.stdout.indexOf("== Finished")))).toBe(featureSections(FIXTURE));
  });

  it("runs with no config at all on the default data file", async () => {
    const run = await stocktake([], "project new Xen\nstock\n", temp.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created Xen (xen)");
    expect(run.stdout).toMatch(/Xen has no current release/);
  });

  it("checks a config and reports every problem with its key path", async () => {
    const bad = join(temp.dir, "bad.yaml");
    writeFileSync(bad, "prefix: ''\nprojects:\n  xen:\n    maintainer: [x]\nmatrixx: {}\n");
    const checked = await stocktake(["check-config", bad]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain("prefix: ");
    expect(checked.stderr).toContain("projects.xen.maintainer: unknown setting; expected one of releaseManagers, maintainers, rooms, private. Did you mean maintainers?");
    expect(checked.stderr).toContain("matrixx: unknown setting; expected one of prefix, ");
    expect(checked.stderr).toContain("Did you mean matrix?");
    const example = await stocktake(["check-config", fileURLToPath(new URL("../../../stocktake.example.yaml", import.meta.url))]);
    expect(example.code).toBe(0);
    expect(example.stdout).toContain(": OK");
    expect(example.stdout).toContain("web page: http://127.0.0.1:8080\n");
  });

  it("runs the adapters from the config and shuts down cleanly on SIGTERM, with logs on stderr", async () => {
    const file = join(temp.dir, "run.json");
    const configFile = join(temp.dir, "run.yaml");
    writeFileSync(configFile, `dataFile: ${JSON.stringify(file)}\nconsole:\n  enabled: true\n  user: release-manager\n`);
    const child = spawn(process.execPath, [BIN, "run", "--config", configFile], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    const answered = new Promise<void>((resolve) =>
      child.stdout.on("data", (data: Buffer) => {
        stdout += data.toString();
        if (stdout.includes("Added blktap3")) resolve();
      }),
    );
    child.stdin.write("project new xen\nrelease new 4.3\nadd blktap3 --bucket at-risk\n");
    await answered;
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const lines = stderr.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; command?: string; outcome?: string; who?: string; ms?: number });
    expect(lines.find((line) => line.msg === "command" && line.command === "add")).toMatchObject({ outcome: "ok", who: "console:release-manager", ms: expect.any(Number) });
    expect(lines.some((line) => line.msg.startsWith("stopping"))).toBe(true);
    const exported = await stocktake(["export", "--data", file]);
    expect(exported.stdout).toContain("== Features at risk ==\n\n* blktap3");
  });

  it("explains usage mistakes instead of crashing", async () => {
    const unknown = await stocktake(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command “frobnicate”");
    const noFile = await stocktake(["import"]);
    expect(noFile.code).toBe(2);
    const badFlag = await stocktake(["export", "--nope"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("says what is wrong with a data file that is not JSON, without a stack trace, and leaves it as it was (issue 10, item 12)", async () => {
    const broken = join(temp.dir, "broken.json");
    writeFileSync(broken, "{ this is not json");
    for (const args of [["export", "--data", broken], ["console", "--data", broken]]) {
      const run = await stocktake(args, "stock\n");
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr).toMatch(/broken\.json is not valid JSON .*left as it is/);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    expect(readFileSync(broken, "utf8")).toBe("{ this is not json");
  });

  it("a damaged history line stops start-up pointing at repair; repair takes it out, lists it, and the plan opens again (issue 11, item 6)", async () => {
    const plan = join(temp.dir, "repair.json");
    const history = join(temp.dir, "repair.history.jsonl");
    await stocktake(["console", "--data", plan], "project new xen\nrelease new 4.3\nadd blktap3\nadd vTPM\nquit\n");
    const lines = readFileSync(history, "utf8").split("\n");
    const line = lines[3]!;
    lines[3] = line.slice(0, 20) + "\u0000".repeat(8) + line.slice(28);
    writeFileSync(history, lines.join("\n"));

    const refused = await stocktake(["export", "--data", plan]);
    expect(refused.code).toBe(1);
    const at = lines.slice(0, 3).reduce((bytes, each) => bytes + Buffer.byteLength(each) + 1, 0);
    expect(refused.stderr).toContain(`(byte ${at})`);
    expect(refused.stderr).toContain("stocktake repair");
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const dry = await stocktake(["repair", "--dry-run", "--data", plan]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`line 4 (byte ${at})`);
    expect(readFileSync(history, "utf8")).toBe(lines.join("\n"));

    const repaired = await stocktake(["repair", "--data", plan]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/1 line of .* cannot be read and was taken out/);
    expect(repaired.stdout).toContain("opens again");
    const exported = await stocktake(["export", "--data", plan]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("vTPM");
  });

  it("takes the export format as a word, as chat does, and refuses two different ones", async () => {
    const json = await stocktake(["export", "json", "--data", data]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ project: { id: "xen" } });
    const markdown = await stocktake(["export", "markdown", "--data", data]);
    expect(markdown.stdout).toMatch(/^## /m);
    const twice = await stocktake(["export", "json", "--format", "markdown", "--data", data]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("the format is given twice");
  });

  it("answers a usage error with one line and a pointer to --help, not the whole help", async () => {
    const run = await stocktake(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("stocktake: unknown command “frobnicate”\n(stocktake --help lists the commands and options)\n");
  });

  it("creates no data file when it only reads one (export from a folder that does not exist)", async () => {
    const missing = join(temp.dir, "nowhere", "plan.json");
    const run = await stocktake(["export", "--data", missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has no projects yet");
    expect(existsSync(join(temp.dir, "nowhere"))).toBe(false);
  });
});
