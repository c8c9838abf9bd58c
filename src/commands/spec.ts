import type { z } from "zod";
import type { PlanEvent, PlanState } from "../model/schema.js";
import type { Scope } from "../access/scope.js";
import type { Clock, Draft, HistoryQuery, Invoker, ListMailer } from "../ports.js";
import type { Reply } from "../reply/reply.js";
import type { Result } from "../util/result.js";
import type { CoreConfig } from "../config/core-config.js";
import { commandName, type CommandInfo, type FlagInfo, type Permission } from "./catalogue.js";
import { paramsOf, type ParamSpec } from "./params.js";
import type { Token } from "./tokenize.js";

export type { Permission };

/** How long a message with a body (`!import` and a pasted mail) may be: a long status mail, not a book. */
export const MAX_BODY_CHARS = 100_000;
export { commandName };

export interface CommandContext {
  invoker: Invoker;
  /** The project the conversation talks about, resolved once when the command arrived. */
  projectId: string | undefined;
  /** Its current release, or why there is none, as of when the command arrived. */
  scope: Result<Scope>;
  /** Platform-qualified room or channel. */
  conversation: string;
  /** Why the adapter takes the conversation to be bridged to IRC (see `IncomingMessage.bridge`). */
  bridge?: readonly string[];
  clock: Clock;
  config: CoreConfig;
  /** The current state, read-only. */
  plan: Readonly<PlanState>;
  /** Runs `fn` on the latest state and durably records the changes it asks for. */
  change<T>(fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<T>>;
  history(query: HistoryQuery): Promise<PlanEvent[]>;
  /**
   * After this reply, `!yes` from the same person in this room (within a few minutes) runs this
   * command again with these arguments, as a command line would give them.
   */
  ask(args: Record<string, unknown>): void;
  /** Runs, once, the change this person was last asked about in this room: what `!yes` does. */
  confirm(): Promise<Reply>;
  /** Every command, for help. */
  commands: readonly CommandSpec[];
  /** Posting to the project's mailing list, when the config enables mail. */
  mail: ListMailer | undefined;
  /** The project's public web page, when `http.publicUrl` is set and the project is not private. */
  pageUrl(projectId: string): string | undefined;
  /**
   * When this room last got a project's full summary (ISO 8601), for `!stock --since last`. Kept
   * per room and outside the plan: a read writes no history and moves nobody else's "last".
   */
  lastSummary: { at(projectId: string): string | undefined; mark(projectId: string, at: Date): void };
}

/**
 * A command is data: help, usage and Discord slash commands are all generated from it. Its
 * positional parameters are declared once, in `args`, with `param.…` (see params.ts).
 */
export interface CommandDefinition<S extends z.ZodObject> {
  path: readonly string[];
  aliases?: readonly (readonly string[])[];
  summary: string;
  flags?: readonly FlagInfo[];
  /** The word between two free-text parameters: "rename FEATURE to TITLE", "move FEATURE under PARENT". */
  separator?: string;
  /** For word orders the generic binder cannot read ("milestone set feature freeze 25 March 2013"). */
  bind?: (words: readonly Token[]) => Result<Record<string, string>>;
  /**
   * A flag that takes, untouched, the lines of the message after the command's own line (a pasted
   * mail for `!import`): they are not split into words, and the message may be up to MAX_BODY_CHARS.
   */
  body?: string;
  /** Validates the arguments however they arrive: parsed from text or from a slash command. */
  args: S;
  permission: Permission;
  examples?: readonly string[];
  run(ctx: CommandContext, args: z.output<S>): Promise<Reply> | Reply;
}

/** A command as the registry and help see it: its parameters read from `args` once. */
export interface CommandSpec extends Omit<CommandDefinition<z.ZodObject>, "run" | "aliases" | "flags">, CommandInfo {
  params: readonly ParamSpec[];
  run(ctx: CommandContext, args: unknown): Promise<Reply> | Reply;
}

/**
 * Keeps the link between a spec's schema and its `run` checked while storing specs in one array.
 * Refuses, at start-up, an argument that is neither a described parameter nor a declared flag.
 */
export function defineCommand<S extends z.ZodObject>(definition: CommandDefinition<S>): CommandSpec {
  const params = paramsOf(definition.args);
  const flags = new Set((definition.flags ?? []).map((flag) => flag.name));
  for (const name of Object.keys(definition.args.shape)) {
    const param = params.find((candidate) => candidate.name === name);
    if (param ? !param.description.trim() : !flags.has(name)) {
      throw new Error(`${commandName(definition)}: “${name}” needs a description: declare it with param.… in args, or list it in flags`);
    }
  }
  return { ...definition, aliases: definition.aliases ?? [], flags: definition.flags ?? [], params };
}

/** A command's usage as a command reference: "status", "FEATURE BUCKET". */
export function usageParts(spec: CommandSpec): { path: string; args: string } {
  const parts: string[] = [];
  spec.params.forEach((param, index) => {
    let word = param.choices ? param.choices.join("|") : param.name.toUpperCase();
    if (index > 0 && spec.separator && isFreeText(param) && spec.params.slice(0, index).some(isFreeText)) {
      word = `${spec.separator} ${word}`;
    }
    parts.push(param.required === false ? `[${word}]` : word);
  });
  for (const flag of spec.flags ?? []) parts.push(flag.value ? `[--${flag.name} ${flag.value}]` : `[--${flag.name}]`);
  return { path: commandName(spec), args: parts.join(" ") };
}

export function usage(spec: CommandSpec, prefix: string): string {
  const { path, args } = usageParts(spec);
  return `${prefix}${path}${args === "" ? "" : ` ${args}`}`;
}

export function isFreeText(param: ParamSpec): boolean {
  return param.kind === "feature" || param.kind === "text" || param.kind === "date";
}
