import type { z } from "zod";
import type { PlanEvent, PlanState } from "../model/schema.js";
import type { Permission } from "../access/permissions.js";
import type { Scope } from "../access/scope.js";
import type { Clock, Draft, HistoryQuery, Invoker } from "../ports.js";
import type { Reply } from "../reply/reply.js";
import type { Result } from "../util/result.js";
import type { CoreConfig } from "../config/core-config.js";
import type { Token } from "./tokenize.js";

export type { Permission };

export type ParamKind = "feature" | "text" | "word" | "bucket" | "date";

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  description: string;
  /** Default true. */
  required?: boolean;
  /** For optional trailing words: only taken when the word fits ("AoE", "full"). */
  accepts?: (word: string) => boolean;
  /** Fixed choices, shown in help and offered as Discord choices. */
  choices?: readonly string[];
}

export interface FlagSpec {
  name: string;
  description: string;
  /** Placeholder of the value it takes ("DATE"); absent for an on/off flag. */
  value?: string;
}

export interface CommandContext {
  invoker: Invoker;
  /** The project the conversation talks about, resolved once when the command arrived. */
  projectId: string | undefined;
  /** Its current release, or why there is none, as of when the command arrived. */
  scope: Result<Scope>;
  /** Platform-qualified room or channel. */
  conversation: string;
  clock: Clock;
  config: CoreConfig;
  /** The current state, read-only. */
  plan: Readonly<PlanState>;
  /** Runs `fn` on the latest state and durably records the changes it asks for. */
  change<T>(fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<T>>;
  history(query: HistoryQuery): Promise<PlanEvent[]>;
  /** Every command, for help. */
  commands: readonly CommandSpec[];
  /** The project's public web page, when `http.publicUrl` is set and the project is not private. */
  pageUrl(projectId: string): string | undefined;
}

/** A command is data: help, usage and Discord slash commands are all generated from it. */
export interface CommandSpec<A = unknown> {
  path: readonly string[];
  aliases?: readonly (readonly string[])[];
  summary: string;
  params: readonly ParamSpec[];
  flags?: readonly FlagSpec[];
  /** The word between two free-text parameters: "rename FEATURE to TITLE", "move FEATURE under PARENT". */
  separator?: string;
  /** For word orders the generic binder cannot read ("milestone set feature freeze 25 March 2013"). */
  bind?: (words: readonly Token[]) => Result<Record<string, string>>;
  /** Validates the arguments however they arrive: parsed from text or from a slash command. */
  args: z.ZodType<A>;
  permission: Permission;
  examples?: readonly string[];
  run(ctx: CommandContext, args: A): Promise<Reply> | Reply;
}

/** Keeps the link between a spec's schema and its `run` checked while storing specs in one array. */
export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}

export function commandName(spec: Pick<CommandSpec, "path">): string {
  return spec.path.join(" ");
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
