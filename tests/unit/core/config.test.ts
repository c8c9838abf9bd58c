import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configProblems } from "../../support/config-problems.js";
import { loadConfig, parseConfig } from "../../../src/config/config.js";
import { tempDir } from "../../support/temp.js";

const temp = tempDir();
afterAll(() => temp.cleanup());

const problems = configProblems;

describe("config", () => {
  it("fills in defaults for an empty config", () => {
    expect(parseConfig({}, "test")).toMatchObject({ prefix: "!", dataFile: "data/stocktake.json", admins: [], projects: {}, console: { enabled: false } });
  });

  it("reports every problem at once, with its key path", () => {
    expect(
      problems({
        prefix: "",
        projects: { xen: { maintainer: ["x"], releaseManagers: "george" } },
        log: { level: "loud" },
        colour: "blue",
      }),
    ).toEqual([
      expect.stringMatching(/^prefix: /),
      expect.stringMatching(/^projects\.xen\.releaseManagers: /),
      "projects.xen: unknown setting maintainer",
      expect.stringMatching(/^log\.level: /),
      "(top level): unknown setting colour",
    ]);
  });

  it("takes secrets from the environment and never echoes them", () => {
    expect(parseConfig({ botName: "${BOT}" }, "test", { BOT: "planner" }).botName).toBe("planner");
    expect(problems({ botName: "${MISSING_VAR}" })).toEqual(["botName: environment variable MISSING_VAR is not set"]);
  });

  it("reads YAML and JSON files and names the file in errors", () => {
    const yaml = join(temp.dir, "stocktake.yaml");
    writeFileSync(yaml, "prefix: '?'\nprojects:\n  xen:\n    maintainers: [matrix:@ian:xen.org]\n");
    expect(loadConfig(yaml).config.projects["xen"]?.maintainers).toEqual(["matrix:@ian:xen.org"]);
    const broken = join(temp.dir, "broken.json");
    writeFileSync(broken, '{"prefix": ');
    expect(() => loadConfig(broken)).toThrow(/broken\.json:\n  - not valid YAML or JSON/);
    expect(() => loadConfig(join(temp.dir, "missing.yaml"))).toThrow(/cannot read the file \(ENOENT\)/);
  });
});
