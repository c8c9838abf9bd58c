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
      "projects.xen.maintainer: unknown setting; expected one of releaseManagers, maintainers, rooms, private. Did you mean maintainers?",
      expect.stringMatching(/^log\.level: /),
      expect.stringMatching(/^colour: unknown setting; expected one of prefix, botName, /),
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
    expect(() => loadConfig(broken)).toThrow(/broken\.json:\n  - not valid JSON at line 1, column 12: the file ends before the JSON is complete/);
    expect(() => loadConfig(join(temp.dir, "missing.yaml"))).toThrow(/cannot read the file \(ENOENT\)/);
  });

  describe("each problem says where, what was found, what is expected, and what was meant (issue 10, item 13)", () => {
    it.each<[string, unknown, string]>([
      ["a port that is not a number", { http: { port: "abc" } }, 'http.port: found "abc"; expected a port number'],
      ["a fraction for a whole number", { http: { port: 1.5 } }, "http.port: found 1.5; expected a whole number"],
      ["a port out of range", { http: { port: 99999 } }, "http.port: found 99999; expected a port number from 0 to 65535"],
      ["a misspelt setting", { projects: { xen: { releaseManager: ["matrix:@g:x.org"] } } }, "projects.xen.releaseManager: unknown setting; expected one of releaseManagers, maintainers, rooms, private. Did you mean releaseManagers?"],
      ["a word in the wrong case", { log: { level: "INFO" } }, 'log.level: found "INFO"; expected one of fatal, error, warn, info, debug, trace, silent. Did you mean info?'],
      ["two letters swapped", { schedule: { subscriptions: { "matrix:!a:b": { cadence: "dialy" } } } }, 'schedule.subscriptions.matrix:!a:b.cadence: found "dialy"; expected one of auto, daily, weekly. Did you mean daily?'],
      ["a store kind misspelt", { store: { kind: "postgress" } }, 'store.kind: found "postgress"; expected one of lowdb, postgres. Did you mean postgres?'],
      ["text for a switch", { discord: { enabled: "yes" } }, 'discord.enabled: found "yes"; expected true or false'],
      ["an empty prefix", { prefix: "" }, "prefix: found empty text; expected text that is not empty"],
      ["a list for a section", { projects: [] }, "projects: found an empty list; expected a section of settings (key: value)"],
      ["a secret of the wrong kind", { matrix: { accessToken: 5 } }, "matrix.accessToken: found a value (not shown: it looks like a secret); expected text"],
      ["a bare id", { projects: { xen: { maintainers: ["ian"] } } }, 'projects.xen.maintainers.0: found "ian"; expected an id with its platform: matrix:@ian:SERVER, discord:USER_ID, irc:NETWORK/ACCOUNT or console:ian'],
      ["a Matrix id without its platform", { admins: ["@george:xenproject.org"] }, 'admins.0: found "@george:xenproject.org"; expected an id with its platform: matrix:@NAME:SERVER, discord:USER_ID, irc:NETWORK/ACCOUNT or console:NAME. Did you mean matrix:@george:xenproject.org?'],
      ["a Discord id without its platform", { admins: ["81234567890123456"] }, 'admins.0: found "81234567890123456"; expected an id with its platform: matrix:@NAME:SERVER, discord:USER_ID, irc:NETWORK/ACCOUNT or console:NAME. Did you mean discord:81234567890123456?'],
      ["a name with spaces", { admins: ["Ian Jackson"] }, 'admins.0: found "Ian Jackson"; expected an id with its platform: matrix:@NAME:SERVER, discord:USER_ID, irc:NETWORK/ACCOUNT or console:NAME'],
    ])("%s", (_name, raw, expected) => {
      expect(problems(raw)).toEqual([expected]);
    });

    it("never passes on the validation library's own wording", () => {
      const all = problems({ http: { port: 1.5 }, log: { level: 3 }, prefix: 7, admins: "x", projects: { xen: { rooms: [1], private: "no" } }, store: { kind: 1 } });
      expect(all.length).toBeGreaterThanOrEqual(7);
      for (const line of all) {
        expect(line).toMatch(/^[\w.:!]+: found .+; expected /);
        expect(line).not.toMatch(/Invalid input|received|expected int\b|expected string\b|expected number\b/);
      }
    });

    it("accepts every platform's ids", () => {
      expect(problems({ admins: ["matrix:@g:x.org", "discord:81234567890123456", "irc:oftc/george", "console:local"] })).toEqual([]);
    });

    const file = (name: string, text: string) => {
      const path = join(temp.dir, name);
      writeFileSync(path, text);
      try {
        loadConfig(path, {});
        return "OK";
      } catch (error) {
        return (error as Error).message.split("\n").slice(1).join("\n");
      }
    };

    it("a trailing comma in JSON is an error, pointed at the comma", () => {
      expect(file("comma.json", '{"prefix": "!",\n "admins": [],\n}\n')).toBe("  - not valid JSON at line 2, column 14: a comma after the last item (JSON allows no trailing comma)");
      expect(file("comma-list.json", '{"admins": ["console:local",]}')).toBe("  - not valid JSON at line 1, column 28: a comma after the last item (JSON allows no trailing comma)");
    });

    it("a YAML error names a line within the file: where the quote or bracket was opened", () => {
      expect(file("quote.yaml", "prefix: '!\nbotName: x\nadmins: []\nlog: {}\n")).toBe("  - not valid YAML at line 1: Missing closing 'quote");
      expect(file("dquote.yaml", 'botName: x\nprefix: "!\nadmins: []\nlog: {}\n')).toBe('  - not valid YAML at line 2: Missing closing "quote');
      expect(file("bracket.yaml", "botName: x\nadmins: [console:local,\n  console:other\nlog: {}\n")).toMatch(/^  - not valid YAML at line 2: /);
    });
  });
});
