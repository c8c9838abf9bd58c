import type { CommandInfo } from "../ports.js";

/**
 * The commands as plain data (`CommandInfo`, in the ports): names, parameters, flags, who may run
 * them. What an adapter needs to offer commands in its own way (Discord slash commands), without
 * the schemas or the code that runs them.
 */

export type { CommandInfo, FlagInfo, ParamInfo, ParamKind, Permission } from "../ports.js";

export function commandName(command: Pick<CommandInfo, "path">): string {
  return command.path.join(" ");
}

/** Copies out only the data of command specs (or anything shaped like them), so nothing that runs or validates reaches an adapter. */
export function describeCommands(specs: readonly CommandInfo[]): CommandInfo[] {
  return specs.map((spec) => ({
    path: [...spec.path],
    aliases: spec.aliases.map((alias) => [...alias]),
    summary: spec.summary,
    params: spec.params.map(({ name, kind, description, required, choices }) => ({ name, kind, description, required, ...(choices ? { choices: [...choices] } : {}) })),
    flags: spec.flags.map(({ name, description, value }) => ({ name, description, ...(value === undefined ? {} : { value }) })),
    permission: spec.permission,
  }));
}
