import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import { BUCKET_INFO, parseBucket } from "../../src/model/buckets.js";
import type { CommandInfo, ParamInfo } from "../../src/ports.js";

/**
 * Discord slash commands, generated from the core's command catalogue (plain data: no schemas,
 * no code to run): nothing describes a command twice. One Discord command per first word; longer
 * paths ("release new") become subcommands. Aliases are not registered: the picker would list
 * every command twice.
 */

export const DISCORD_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  commands: 100,
} as const;

/** Discord's rule for command and option names (chat-input names must also be lower case). */
export const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** By command, parameter and flag name: each interaction looks its command up among all of them. */
const discordNames = new Map<string, string>();

export function discordName(name: string): string {
  let found = discordNames.get(name);
  if (found === undefined) {
    found = name
      .toLowerCase()
      .replace(/[^-_'\p{L}\p{N}]+/gu, "-")
      .slice(0, DISCORD_LIMITS.name);
    // Only the specs' own names come here, a few hundred at most; the bound is a guard.
    if (discordNames.size >= 10_000) discordNames.clear();
    discordNames.set(name, found);
  }
  return found;
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** "full" in `stock [full]`: an optional word that is its own only choice is an on/off switch. */
function isSwitchWord(param: ParamInfo): boolean {
  return param.choices?.length === 1 && param.choices[0] === param.name;
}

function paramOption(param: ParamInfo): APIApplicationCommandBasicOption {
  const base = { name: discordName(param.name), description: shorten(param.description, DISCORD_LIMITS.description), required: param.required };
  if (isSwitchWord(param)) return { ...base, type: ApplicationCommandOptionType.Boolean };
  if (param.kind === "feature") return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
  if (param.choices && param.choices.length > 0) {
    const choices = param.choices.slice(0, DISCORD_LIMITS.choices).map((choice) => {
      const bucket = param.kind === "bucket" ? parseBucket(choice) : undefined;
      return { name: shorten(bucket ? BUCKET_INFO[bucket].label : choice, DISCORD_LIMITS.description), value: choice };
    });
    return { ...base, type: ApplicationCommandOptionType.String, choices };
  }
  return { ...base, type: ApplicationCommandOptionType.String };
}

/** Parameters in order (required ones first, as Discord insists), then flags. */
export function optionsFor(spec: CommandInfo): APIApplicationCommandBasicOption[] {
  const params = spec.params.map(paramOption);
  const flags = spec.flags.map((flag): APIApplicationCommandBasicOption => {
    const base = { name: discordName(flag.name), description: shorten(flag.description, DISCORD_LIMITS.description), required: false };
    return flag.value ? { ...base, type: ApplicationCommandOptionType.String } : { ...base, type: ApplicationCommandOptionType.Boolean };
  });
  const options = [...params.filter((option) => option.required), ...params.filter((option) => !option.required), ...flags];
  const names = new Set<string>();
  for (const option of options) {
    if (names.has(option.name)) throw new Error(`/${spec.path.join(" ")}: two options are called ${option.name}`);
    names.add(option.name);
  }
  if (options.length > DISCORD_LIMITS.options) throw new Error(`/${spec.path.join(" ")} has ${options.length} options; Discord allows ${DISCORD_LIMITS.options}`);
  return options;
}

function groupSummary(name: string, specs: readonly CommandInfo[]): string {
  return shorten(`${name.charAt(0).toUpperCase()}${name.slice(1)}: ${specs.map((spec) => spec.path.slice(1).join(" ")).join(", ")}`, DISCORD_LIMITS.description);
}

/** Commands grouped by their first word, in the registry's order. */
function byFirstWord(specs: readonly CommandInfo[]): Map<string, CommandInfo[]> {
  const groups = new Map<string, CommandInfo[]>();
  for (const spec of specs) {
    const name = discordName(spec.path[0]!);
    const group = groups.get(name);
    if (group) group.push(spec);
    else groups.set(name, [spec]);
  }
  return groups;
}

/** The JSON body for `PUT /applications/:id/commands` (or a guild's). */
export function slashCommands(specs: readonly CommandInfo[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const commands: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [];
  for (const [name, group] of byFirstWord(specs)) {
    // Guild channels only: projects, roles and announcements all belong to a server.
    const base = { type: ApplicationCommandType.ChatInput as const, name, contexts: [InteractionContextType.Guild] };
    const single = group.length === 1 && group[0]!.path.length === 1 ? group[0]! : undefined;
    if (single) {
      commands.push({ ...base, description: shorten(single.summary, DISCORD_LIMITS.description), options: optionsFor(single) });
      continue;
    }
    if (group.some((spec) => spec.path.length === 1)) {
      // Discord cannot have "/release" runnable on its own beside "/release new".
      throw new Error(`/${name} is both a command and a group of subcommands; Discord cannot register that`);
    }
    if (group.some((spec) => spec.path.length > 2)) throw new Error(`/${name}: paths of more than two words are not supported yet`);
    const options = group.map(
      (spec): APIApplicationCommandSubcommandOption => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: discordName(spec.path[1]!),
        description: shorten(spec.summary, DISCORD_LIMITS.description),
        options: optionsFor(spec),
      }),
    );
    commands.push({ ...base, description: groupSummary(name, group), options });
  }
  if (commands.length > DISCORD_LIMITS.commands) throw new Error(`${commands.length} commands; Discord allows ${DISCORD_LIMITS.commands}`);
  return commands;
}

/** An option as an interaction carries it (discord.js's CommandInteractionOption has this shape). */
export interface OptionData {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: readonly OptionData[] | undefined;
}

export interface Invocation {
  spec: CommandInfo;
  /** The core's arguments, keyed as the spec names them. */
  args: Record<string, unknown>;
  /** For autocomplete: the parameter being typed in, and what is typed so far. */
  focused?: { param: ParamInfo | undefined; value: string };
}

/**
 * The specs by the Discord name an interaction carries ("status", "release new"), the first one
 * for a name as a scan would find it: built once per catalogue, not searched on every interaction.
 */
const bySlashName = new WeakMap<readonly CommandInfo[], Map<string, CommandInfo>>();

function specsBySlashName(specs: readonly CommandInfo[]): Map<string, CommandInfo> {
  let found = bySlashName.get(specs);
  if (!found) {
    found = new Map();
    for (const spec of specs) {
      if (spec.path.length !== 1 && spec.path.length !== 2) continue;
      // Discord names have no spaces, so "release new" is no command's own name.
      const key = spec.path.map((word) => discordName(word)).join(" ");
      if (!found.has(key)) found.set(key, spec);
    }
    bySlashName.set(specs, found);
  }
  return found;
}

/** Which spec an interaction runs, and its arguments in the core's terms. */
export function readInvocation(specs: readonly CommandInfo[], name: string, data: readonly OptionData[]): Invocation | undefined {
  const sub = data.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
  const options = sub ? (sub.options ?? []) : data;
  const spec = specsBySlashName(specs).get(sub ? `${name} ${sub.name}` : name);
  if (!spec) return undefined;
  const values = new Map(options.map((option) => [option.name, option]));
  const args: Record<string, unknown> = {};
  for (const param of spec.params) {
    const value = values.get(discordName(param.name))?.value;
    if (value === undefined || value === "") continue;
    if (isSwitchWord(param)) {
      if (value === true) args[param.name] = param.name;
    } else {
      args[param.name] = String(value);
    }
  }
  for (const flag of spec.flags ?? []) {
    const value = values.get(discordName(flag.name))?.value;
    if (value === undefined || value === "") continue;
    args[flag.name] = flag.value ? String(value) : value === true;
  }
  const focused = options.find((option) => option.focused);
  if (!focused) return { spec, args };
  const param = spec.params.find((candidate) => discordName(candidate.name) === focused.name);
  return { spec, args, focused: { param, value: String(focused.value ?? "") } };
}
