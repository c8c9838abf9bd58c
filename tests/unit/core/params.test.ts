import { z } from "zod";
import { describe, expect, it } from "vitest";
import { BUCKETS } from "../../../src/model/buckets.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { param } from "../../../src/commands/params.js";
import { defineCommand, type CommandDefinition } from "../../../src/commands/spec.js";

const command = <S extends z.ZodObject>(args: S, more: Partial<CommandDefinition<S>> = {}) =>
  defineCommand({ path: ["test"], summary: "test", args, permission: "read", run: () => ({ tone: "ok", blocks: [] }), ...more });

describe("a command's parameters, read from its args schema", () => {
  it("come in the schema's order, with kind, description and required-ness", () => {
    const spec = command(
      z.object({
        feature: param.feature("Which one"),
        bucket: param.bucket("Where to"),
        when: param.date("When", z.string()).optional(),
        note: param.text("Why", z.string()).default(""),
      }),
    );
    expect(spec.params).toEqual([
      { name: "feature", kind: "feature", description: "Which one", required: true },
      { name: "bucket", kind: "bucket", description: "Where to", required: true, choices: BUCKETS },
      { name: "when", kind: "date", description: "When", required: false },
      { name: "note", kind: "text", description: "Why", required: false },
    ]);
  });

  it("take their choices from an enum, also behind a pipe, or from what the declaration says", () => {
    const accepts = (word: string) => word === "full";
    const spec = command(
      z.object({
        cadence: param.word("How often", z.enum(["daily", "weekly"])).optional(),
        mode: param.word("Mode", z.string().trim().toLowerCase().pipe(z.enum(["on", "off"]))),
        full: param.word("All of it", z.string(), { choices: ["full"], accepts }).optional().transform((word) => word !== undefined),
      }),
    );
    expect(spec.params.map(({ name, choices, required }) => ({ name, choices, required }))).toEqual([
      { name: "cadence", choices: ["daily", "weekly"], required: false },
      { name: "mode", choices: ["on", "off"], required: true },
      { name: "full", choices: ["full"], required: false },
    ]);
    expect(spec.params[2]?.accepts).toBe(accepts);
  });

  it("leave flags out, and still validate both", () => {
    const spec = command(z.object({ feature: param.feature("Which one"), yes: z.boolean().optional() }), { flags: [{ name: "yes", description: "Sure" }] });
    expect(spec.params.map((p) => p.name)).toEqual(["feature"]);
    expect(spec.args.parse({ feature: " blktap3 ", yes: true })).toEqual({ feature: "blktap3", yes: true });
  });

  it("describe a shared schema differently in each command that uses it", () => {
    const move = CORE_COMMANDS.find((spec) => spec.path[0] === "move")!;
    expect(move.params.map((p) => [p.name, p.description])).toEqual([
      ["feature", "The feature to move"],
      ["parent", "The feature it belongs under, or top"],
    ]);
  });

  it("refuse, at start-up, an argument that is neither a described parameter nor a flag", () => {
    expect(() => command(z.object({ feature: z.string() }))).toThrow(/test: “feature” needs a description/);
    expect(() => command(z.object({ feature: param.feature("  ") }))).toThrow(/“feature” needs a description/);
    expect(() => command(z.object({ yes: z.boolean() }), { flags: [{ name: "no", description: "x" }] })).toThrow(/“yes”/);
  });

  it("are all described in the core's commands", () => {
    const undescribed = CORE_COMMANDS.flatMap((spec) => spec.params.filter((p) => !p.description.trim()).map((p) => `${spec.path.join(" ")} ${p.name}`));
    expect(undescribed).toEqual([]);
  });
});
