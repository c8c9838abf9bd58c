import { z } from "zod";
import { describe, expect, it } from "vitest";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { checkRegistry, findCommand } from "../../../src/commands/registry.js";
import { defineCommand, type CommandSpec } from "../../../src/commands/spec.js";

const spec = (path: string[], aliases: string[][] = []): CommandSpec =>
  defineCommand({ path, aliases, summary: "test", args: z.object({}), permission: "read", run: () => ({ tone: "ok", blocks: [] }) });

describe("the command registry", () => {
  it("accepts the core's commands", () => {
    expect(() => checkRegistry(CORE_COMMANDS)).not.toThrow();
  });

  it("refuses duplicate names and alias collisions at start-up", () => {
    expect(() => checkRegistry([spec(["stock"]), spec(["stock"])])).toThrow(/“stock” is used by both stock and stock/);
    expect(() => checkRegistry([spec(["stock"], [["summary"]]), spec(["summary"])])).toThrow(/“summary” is used by both/);
  });

  it("refuses a command that is also a group, which Discord cannot register", () => {
    expect(() => checkRegistry([spec(["room"]), spec(["room", "irc"])])).toThrow(/“room” is both a command and a group/);
    expect(() => checkRegistry([spec(["room", "status"], [["room"]]), spec(["room", "irc"])])).not.toThrow();
  });

  it("finds the longest matching name, aliases included", () => {
    const commands = [spec(["room", "status"], [["room"]]), spec(["room", "irc"])];
    expect(findCommand(commands, ["room", "irc", "on"])?.spec.path).toEqual(["room", "irc"]);
    expect(findCommand(commands, ["room"])?.spec.path).toEqual(["room", "status"]);
    expect(findCommand(commands, ["ROOM", "Status"])).toMatchObject({ length: 2 });
    expect(findCommand(commands, ["nothing"])).toBeUndefined();
  });
});
