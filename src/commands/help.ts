import { z } from "zod";
import type { Reply } from "../reply/reply.js";
import { param } from "./params.js";
import { commandName, defineCommand, usage, type CommandSpec } from "./spec.js";
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
      if (!found) return { tone: "error", blocks: [{ type: "text", text: `There is no command “${args.command}”. \`${prefix}help\` lists them.` }], private: true };
      const spec = found.spec;
      const lines = [`Usage: ${usage(spec, prefix)}`, spec.summary];
      for (const param of spec.params) lines.push(`  ${param.name.toUpperCase()}: ${param.description}`);
      for (const flag of spec.flags ?? []) lines.push(`  --${flag.name}${flag.value ? ` ${flag.value}` : ""}: ${flag.description}`);
      if (spec.aliases?.length) lines.push(`Also: ${spec.aliases.map((alias) => prefix + alias.join(" ")).join(", ")}`);
      lines.push(`Who: ${WHO_MAY[spec.permission]}.`);
      if (spec.examples?.length) lines.push(`Examples: ${spec.examples.join(" · ")}`);
      return { tone: "info", blocks: [{ type: "text", text: lines.join("\n") }] };
    }
    return {
      tone: "info",
      blocks: [
        { type: "heading", text: "Stocktake commands" },
        { type: "list", items: ctx.commands.map((spec) => ({ text: `${prefix}${commandName(spec)}: ${spec.summary}` })) },
        { type: "text", text: `\`${prefix}help COMMAND\` shows how to use one.` },
      ],
    };
  },
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
