import { commandName, type CommandSpec } from "./spec.js";

export interface Found {
  spec: CommandSpec;
  /** How many words the command's name took. */
  length: number;
}

/** The command whose name (or alias) is the longest match for the first words. */
export function findCommand(commands: readonly CommandSpec[], words: readonly string[]): Found | undefined {
  const lower = words.map((word) => word.toLowerCase());
  let best: Found | undefined;
  // In registry order, so that of two equally long names the first listed wins, as before the index.
  for (const { spec, path } of byFirstWord(commands).get(lower[0] ?? "") ?? []) {
    if (path.length > lower.length || (best && path.length <= best.length)) continue;
    if (path.every((part, i) => part === lower[i])) best = { spec, length: path.length };
  }
  return best;
}

/**
 * Names and aliases by their first word, built once per registry: a message looks its command up
 * several times (hurried reading, dispatch), and scanning every spec each time showed in the IRC
 * reply latency. Keyed by the array, and rebuilt if it has grown since.
 */
const indexes = new WeakMap<readonly CommandSpec[], { size: number; index: Map<string, { spec: CommandSpec; path: readonly string[] }[]> }>();

function byFirstWord(commands: readonly CommandSpec[]): Map<string, { spec: CommandSpec; path: readonly string[] }[]> {
  const cached = indexes.get(commands);
  if (cached && cached.size === commands.length) return cached.index;
  const index = new Map<string, { spec: CommandSpec; path: readonly string[] }[]>();
  for (const spec of commands) {
    for (const path of [spec.path, ...(spec.aliases ?? [])]) {
      const first = path[0] ?? "";
      const entries = index.get(first) ?? [];
      entries.push({ spec, path });
      index.set(first, entries);
    }
  }
  indexes.set(commands, { size: commands.length, index });
  return index;
}

/** Refuses duplicate names and alias collisions at start-up, not when someone types them. */
export function checkRegistry(commands: readonly CommandSpec[]): void {
  const seen = new Map<string, string>();
  for (const spec of commands) {
    for (const path of [spec.path, ...(spec.aliases ?? [])]) {
      const key = path.join(" ");
      const owner = seen.get(key);
      if (owner !== undefined) throw new Error(`command name “${key}” is used by both ${owner} and ${commandName(spec)}`);
      seen.set(key, commandName(spec));
    }
    // Discord cannot register a command that is also a group of subcommands; make it `X status`.
    const group = spec.path.length === 1 && commands.find((other) => other.path.length > 1 && other.path[0] === spec.path[0]);
    if (group) throw new Error(`“${spec.path[0]}” is both a command and a group (“${commandName(group)}”); name it “${spec.path[0]} status” with “${spec.path[0]}” as an alias`);
    const flags = new Set<string>();
    for (const flag of spec.flags ?? []) {
      if (flags.has(flag.name)) throw new Error(`${commandName(spec)} declares --${flag.name} twice`);
      flags.add(flag.name);
    }
  }
}

/** Top-level names (the first word of each command), for "did you mean". */
export function topLevelNames(commands: readonly CommandSpec[]): string[] {
  return [...new Set(commands.flatMap((spec) => [spec.path, ...(spec.aliases ?? [])].map((path) => path[0]!)))];
}
