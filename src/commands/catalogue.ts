/**
 * The commands as plain data: names, parameters, flags, who may run them. What an adapter needs to
 * offer commands in its own way (Discord slash commands), without the schemas or the code that
 * runs them. Imports nothing, so it can move to the ports beside the other types adapters see.
 */

/** Who may run a command: everyone, maintainers and up, release managers and up, admins. */
export type Permission = "read" | "change" | "manage" | "admin";

export type ParamKind = "feature" | "text" | "word" | "bucket" | "date";

export interface ParamInfo {
  name: string;
  kind: ParamKind;
  description: string;
  required: boolean;
  /** Fixed choices, shown in help and offered as Discord choices. */
  choices?: readonly string[];
}

export interface FlagInfo {
  name: string;
  description: string;
  /** Placeholder of the value it takes ("DATE"); absent for an on/off flag. */
  value?: string;
}

export interface CommandInfo {
  path: readonly string[];
  aliases: readonly (readonly string[])[];
  summary: string;
  /** Positional parameters, in the order they are typed. */
  params: readonly ParamInfo[];
  flags: readonly FlagInfo[];
  permission: Permission;
}

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
