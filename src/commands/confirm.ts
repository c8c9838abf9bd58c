import { z } from "zod";
import type { Feature, Release } from "../model/schema.js";
import { matchFeature } from "../plan/resolve.js";
import type { Clock } from "../ports.js";
import { defineCommand, type CommandSpec } from "./spec.js";

/** How long a question waits for its `!yes`. */
export const CONFIRM_MINUTES = 5;

/** A change the bot asked about: the command and the arguments (as typed, names made exact) `!yes` runs. */
export interface Question {
  spec: CommandSpec;
  args: Record<string, unknown>;
  /** The command as it was typed, for the history. */
  shown: string;
}

/**
 * The open questions, one per person per room: `!yes` takes it (so it applies once), the person's
 * next other command there drops it, and it lapses after CONFIRM_MINUTES. Kept in memory: a restart
 * forgets them, which only means asking again.
 */
export class Questions {
  private readonly open = new Map<string, Question & { expires: number }>();

  constructor(private readonly clock: Clock) {}

  ask(conversation: string, invokerId: string, question: Question): void {
    const now = this.clock.now().getTime();
    for (const [key, waiting] of this.open) if (waiting.expires <= now) this.open.delete(key);
    this.open.set(keyOf(conversation, invokerId), { ...question, expires: now + CONFIRM_MINUTES * 60_000 });
  }

  take(conversation: string, invokerId: string): Question | undefined {
    const key = keyOf(conversation, invokerId);
    const waiting = this.open.get(key);
    this.open.delete(key);
    return waiting && waiting.expires > this.clock.now().getTime() ? waiting : undefined;
  }
}

function keyOf(conversation: string, invokerId: string): string {
  return JSON.stringify([conversation, invokerId]);
}

export const yesCommand = defineCommand({
  path: ["yes"],
  summary: `Apply the change the bot just asked you about (within ${CONFIRM_MINUTES} minutes).`,
  args: z.object({}),
  // Anyone may answer; the change itself is checked against its own command's permission.
  permission: "read",
  examples: ["!yes"],
  run: (ctx) => ctx.confirm(),
});

type FeatureArgument = { name: string; keyword: ((typed: string) => boolean) | undefined };

/** Each spec's arguments that name a feature, listed once rather than on every change command. */
const featureArguments = new WeakMap<CommandSpec, readonly FeatureArgument[]>();

function featureArgumentsOf(spec: CommandSpec): readonly FeatureArgument[] {
  let found = featureArguments.get(spec);
  if (!found) {
    found = [
      ...spec.params.filter((param) => param.kind === "feature").map((param) => ({ name: param.name, keyword: param.keyword })),
      ...spec.flags.filter((flag) => flag.feature).map((flag) => ({ name: flag.name, keyword: undefined })),
    ];
    featureArguments.set(spec, found);
  }
  return found;
}

/** A feature name in a change's arguments that was only guessed: the first, with what it was taken for. */
export function guessedName(spec: CommandSpec, args: Record<string, unknown>, release: Pick<Release, "id" | "features">): { name: string; typed: string; feature: Feature } | undefined {
  for (const { name, keyword } of featureArgumentsOf(spec)) {
    const typed = args[name];
    if (typeof typed !== "string" || keyword?.(typed)) continue;
    const match = matchFeature(release, typed);
    if (match.ok && match.value.guessed) return { name, typed, feature: match.value.feature };
  }
  return undefined;
}
