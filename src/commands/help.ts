import { z } from "zod";
import { cmd, code, joinText, type Inline, type Reply, t, type Text } from "../reply/reply.js";
import { commandName, defineCommand, usageParts, type CommandSpec } from "./spec.js";
import { param } from "./params.js";
import { findCommand } from "./registry.js";

const WHO_MAY: Record<CommandSpec["permission"], string> = {
  read: "anyone",
  change: "maintainers",
  manage: "release managers",
  admin: "admins",
};

export const helpCommand = defineCommand({
  path: ["help"],
  aliases: [["commands"]],
  summary: "The commands, or how to use one.",
  args: z.object({ command: param.text("A command, such as status", z.string().trim().max(64)).optional() }),
  permission: "read",
  examples: ["!help", "!help status", "!help release new"],
  run: (ctx, args): Reply => {
    const prefix = ctx.config.prefix;
    if (args.command) {
      const words = args.command.replace(new RegExp(`^${escapeRegExp(prefix)}`), "").split(/\s+/);
      const found = findCommand(ctx.commands, words);
      // "help milestone": a group's name (or a subcommand's alias, like "countdown") lists the group.
      const lower = words.map((word) => word.toLowerCase());
      const group = ctx.commands.filter((spec) => spec.path.length > lower.length && lower.every((word, i) => spec.path[i] === word));
      if (group.length > 0 && found?.spec.path.length !== lower.length) {
        return {
          tone: "info",
          blocks: [
            { type: "heading", text: t`${cmd(lower.join(" "))} commands` },
            { type: "list", items: group.map((spec) => ({ text: t`${usageRef(spec)}: ${summaryText(spec.summary)}` })) },
            { type: "text", text: t`${cmd("help", `${lower.join(" ")} SUBCOMMAND`)} shows how to use one.` },
          ],
        };
      }
      if (!found) return { tone: "error", blocks: [{ type: "text", text: t`There is no command “${args.command}”. ${cmd("help")} lists them.` }], private: true };
      const spec = found.spec;
      const lines: Text[] = [t`Usage: ${usageRef(spec)}`, summaryText(spec.summary)];
      for (const param of spec.params) lines.push(`  ${param.name.toUpperCase()}: ${param.description}`);
      for (const flag of spec.flags ?? []) lines.push(`  --${flag.name}${flag.value ? ` ${flag.value}` : ""}: ${flag.description}`);
      if (spec.aliases?.length) lines.push(t`Also: ${joinText(spec.aliases.map((alias) => [cmd(alias.join(" "))]), ", ")}`);
      lines.push(`Who: ${WHO_MAY[spec.permission]}.`);
      if (spec.examples?.length) lines.push(t`Examples: ${joinText(spec.examples.map(exampleText), " · ")}`);
      return { tone: "info", blocks: [{ type: "text", text: joinText(lines, "\n") }] };
    }
    return {
      tone: "info",
      blocks: [
        { type: "heading", text: "Stocktake commands" },
        { type: "list", items: ctx.commands.map((spec) => ({ text: t`${cmd(commandName(spec))}: ${summaryText(spec.summary)}` })) },
        { type: "text", text: t`${cmd("help", "COMMAND")} shows how to use one.` },
      ],
      // Where a few lines is all there is (an IRC channel): the names only, groups once ("release").
      brief: {
        label: "Commands",
        names: [...new Set(ctx.commands.map((spec) => spec.path[0]!))].map((name) => [cmd(name)]),
        after: t`${cmd("help", "COMMAND")} for one.`,
      },
    };
  },
});

/** A command's usage as a command reference: !release new VERSION [--cycle MONTHS]. */
function usageRef(spec: CommandSpec): Inline {
  const { path, args } = usageParts(spec);
  return cmd(path, args);
}

/** A spec's summary marks literals with backticks ("`none` clears"): they become code pieces. */
function summaryText(summary: string): Inline[] {
  return summary.split(/`([^`]+)`/).flatMap((part, index): Inline[] => (part === "" ? [] : [index % 2 === 1 ? code(part) : part]));
}

/** An example as written in a spec ("!status blktap3 at-risk"): a command people can type. */
function exampleText(example: string): Inline[] {
  return example.startsWith("!") ? [cmd(example.slice(1))] : [example];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
