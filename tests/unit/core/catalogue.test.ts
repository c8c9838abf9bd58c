import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readInvocation, slashCommands } from "../../../adapters/discord/slash-commands.js";
import { describeCommands } from "../../../src/commands/catalogue.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const imports = (path: string) => [...readFileSync(`${ROOT}/${path}`, "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((match) => match[1]!);

describe("the command catalogue", () => {
  const catalogue = describeCommands(CORE_COMMANDS);

  it("is plain data: it survives JSON unchanged, with no schema and no code", () => {
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue);
    expect(catalogue.find((command) => command.path.join(" ") === "stock")).toEqual({
      path: ["stock"],
      aliases: [["summary"]],
      summary: "The release summary: every feature by how likely it is to make it.",
      params: [
        { name: "bucket", kind: "bucket", description: "Only this bucket", required: false, choices: ["done", "on-track", "fair", "at-risk", "deferred", "dropped"] },
        { name: "full", kind: "word", description: "The whole list, even where only a few lines fit", required: false, choices: ["full"] },
      ],
      flags: [
        { name: "since", value: "DATE|last", description: "Also list what changed since then (a date, 7d, 2w, or last: the last summary)" },
        { name: "all", description: "With --since: every change, owners, notes, aliases and links too" },
        { name: "release", value: "VERSION", description: "Another release of the project, such as one that shipped" },
      ],
      permission: "read",
    });
  });

  it("lists every command, its parameters in the order they are typed", () => {
    expect(catalogue.map((command) => command.path)).toEqual(CORE_COMMANDS.map((spec) => spec.path));
    const milestone = catalogue.find((command) => command.path.join(" ") === "milestone set");
    expect(milestone?.params.map((param) => [param.name, param.kind, param.required])).toEqual([
      ["name", "text", true],
      ["date", "date", true],
      ["zone", "word", false],
    ]);
  });

  it("gives Discord the same slash commands and arguments as the specs did", () => {
    expect(slashCommands(catalogue)).toEqual(slashCommands(CORE_COMMANDS));
    const options = [{ name: "feature", type: 3, value: "blktap3" }, { name: "bucket", type: 3, value: "at risk" }];
    expect(readInvocation(catalogue, "status", options)?.args).toEqual({ feature: "blktap3", bucket: "at risk" });
  });

  it("stays import-light, and the Discord command files read only the data types in the ports", () => {
    expect(imports("src/commands/catalogue.ts").filter((path) => !/^\.\.\/(ports\.js$|model\/|util\/)/.test(path))).toEqual([]);
    for (const file of ["adapters/discord/slash-commands.ts", "adapters/discord/deploy-commands.ts"]) {
      expect(imports(file).filter((path) => path === "zod" || path.includes("/src/commands/")), file).toEqual([]);
    }
  });
});
