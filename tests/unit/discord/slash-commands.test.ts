import { ApplicationCommandOptionType, type APIApplicationCommandOption } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { DISCORD_LIMITS, NAME_PATTERN, readInvocation, slashCommands } from "../../../adapters/discord/slash-commands.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { param } from "../../../src/commands/params.js";
import { defineCommand } from "../../../src/commands/spec.js";
import { z } from "zod";

const commands = slashCommands(CORE_COMMANDS);
const byName = (name: string) => commands.find((command) => command.name === name);

/** Every check Discord makes that a generated command could plausibly fail. */
function problems(options: readonly APIApplicationCommandOption[] | undefined, where: string): string[] {
  const found: string[] = [];
  const list = options ?? [];
  if (list.length > DISCORD_LIMITS.options) found.push(`${where}: ${list.length} options`);
  let optionalSeen = false;
  for (const option of list) {
    const at = `${where} ${option.name}`;
    if (!NAME_PATTERN.test(option.name) || option.name !== option.name.toLowerCase()) found.push(`${at}: bad name`);
    if (option.description.length < 1 || option.description.length > 100) found.push(`${at}: description length ${option.description.length}`);
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      found.push(...problems(option.options, at));
      continue;
    }
    if (option.required) {
      if (optionalSeen) found.push(`${at}: required after an optional one`);
    } else optionalSeen = true;
    if ("choices" in option && option.choices) {
      if (option.choices.length > DISCORD_LIMITS.choices) found.push(`${at}: ${option.choices.length} choices`);
      if ("autocomplete" in option && option.autocomplete) found.push(`${at}: choices and autocomplete`);
      for (const choice of option.choices) if (choice.name.length < 1 || choice.name.length > 100) found.push(`${at}: choice ${choice.name}`);
    }
  }
  return found;
}

describe("slash commands generated from the command specs", () => {
  it("are valid for Discord: names, descriptions, option counts, required before optional", () => {
    expect(commands.length).toBeLessThanOrEqual(DISCORD_LIMITS.commands);
    const found: string[] = [];
    for (const command of commands) {
      if (!NAME_PATTERN.test(command.name) || command.name !== command.name.toLowerCase()) found.push(`/${command.name}: bad name`);
      if (command.description.length < 1 || command.description.length > 100) found.push(`/${command.name}: description`);
      found.push(...problems(command.options, `/${command.name}`));
      // Discord also caps a command's names, descriptions and choices at 4 000 characters together.
      expect(JSON.stringify(command).length, command.name).toBeLessThan(4_000);
    }
    expect(found).toEqual([]);
  });

  it("describe every top-level command once, and no alias", () => {
    const names = commands.map((command) => command.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["stock", "status", "add", "milestone", "release", "project", "export", "help"]));
    expect(names).not.toContain("summary");
    expect(names).not.toContain("set");
  });

  it("turn multi-word paths into subcommands", () => {
    expect(byName("release")?.options?.map((option) => [option.type, option.name])).toEqual([
      [ApplicationCommandOptionType.Subcommand, "new"],
      [ApplicationCommandOptionType.Subcommand, "use"],
      [ApplicationCommandOptionType.Subcommand, "list"],
      [ApplicationCommandOptionType.Subcommand, "close"],
    ]);
    expect(byName("milestone")?.options?.map((option) => option.name)).toEqual(["set", "remove"]);
  });

  it("offer feature names by autocomplete, buckets and formats as choices, flags as options", () => {
    expect(byName("status")?.options).toEqual([
      { type: ApplicationCommandOptionType.String, name: "feature", description: "Feature name, alias or id", required: true, autocomplete: true },
      expect.objectContaining({
        type: ApplicationCommandOptionType.String,
        name: "bucket",
        required: true,
        choices: [
          { name: "finished", value: "done" },
          { name: "on track", value: "on-track" },
          { name: "fair", value: "fair" },
          { name: "at risk", value: "at-risk" },
          { name: "deferred", value: "deferred" },
          { name: "dropped", value: "dropped" },
        ],
      }),
      expect.objectContaining({ type: ApplicationCommandOptionType.String, name: "probability", required: false }),
    ]);
    const stock = byName("stock")?.options ?? [];
    expect(stock.map((option) => [option.name, option.type])).toEqual([
      ["bucket", ApplicationCommandOptionType.String],
      ["full", ApplicationCommandOptionType.Boolean],
      ["since", ApplicationCommandOptionType.String],
      ["all", ApplicationCommandOptionType.Boolean],
      ["release", ApplicationCommandOptionType.String],
    ]);
    expect(byName("remove")?.options?.find((option) => option.name === "yes")?.type).toBe(ApplicationCommandOptionType.Boolean);
  });

  it("shorten long descriptions to Discord's 100 characters", () => {
    const long = defineCommand({
      path: ["long"],
      summary: "x".repeat(300),
      args: z.object({ "Some Param": param.text("y".repeat(150), z.string()) }),
      permission: "read",
      run: () => ({ tone: "ok", blocks: [] }),
    });
    const [command] = slashCommands([long]);
    expect(command?.description).toHaveLength(100);
    expect(command?.description.endsWith("…")).toBe(true);
    expect(command?.options?.[0]).toMatchObject({ name: "some-param" });
    expect(command?.options?.[0]?.description).toHaveLength(100);
  });

  it("refuse a command that is both runnable and a group, which Discord cannot register", () => {
    const spec = (path: string[]) => defineCommand({ path, summary: "s", args: z.object({}), permission: "read", run: () => ({ tone: "ok", blocks: [] }) });
    expect(() => slashCommands([spec(["release"]), spec(["release", "new"])])).toThrow(/both a command and a group/);
  });
});

describe("reading an interaction back into the core's arguments", () => {
  it("maps options to the spec's parameter and flag names", () => {
    const invocation = readInvocation(CORE_COMMANDS, "status", [
      { name: "feature", type: 3, value: "blktap3" },
      { name: "bucket", type: 3, value: "at-risk" },
      { name: "probability", type: 3, value: "30" },
    ]);
    expect(invocation?.spec.path).toEqual(["status"]);
    expect(invocation?.args).toEqual({ feature: "blktap3", bucket: "at-risk", probability: "30" });
  });

  it("finds subcommands and turns switches back into words and booleans", () => {
    expect(readInvocation(CORE_COMMANDS, "release", [{ name: "new", type: 1, options: [{ name: "version", type: 3, value: "4.4" }, { name: "cycle", type: 3, value: "9" }] }])).toMatchObject({
      spec: { path: ["release", "new"] },
      args: { version: "4.4", cycle: "9" },
    });
    expect(readInvocation(CORE_COMMANDS, "stock", [{ name: "full", type: 5, value: true }])?.args).toEqual({ full: "full" });
    expect(readInvocation(CORE_COMMANDS, "stock", [{ name: "full", type: 5, value: false }])?.args).toEqual({});
    expect(readInvocation(CORE_COMMANDS, "remove", [{ name: "feature", type: 3, value: "x" }, { name: "yes", type: 5, value: true }])?.args).toEqual({ feature: "x", yes: true });
  });

  it("says which parameter is being typed in, for autocomplete", () => {
    const invocation = readInvocation(CORE_COMMANDS, "status", [{ name: "feature", type: 3, value: "blk", focused: true }]);
    expect(invocation?.focused).toMatchObject({ param: { name: "feature", kind: "feature" }, value: "blk" });
  });

  it("knows no command that was not generated", () => {
    expect(readInvocation(CORE_COMMANDS, "summary", [])).toBeUndefined();
    expect(readInvocation(CORE_COMMANDS, "release", [{ name: "explode", type: 1, options: [] }])).toBeUndefined();
  });
});
