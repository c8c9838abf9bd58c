import { performance } from "node:perf_hooks";
import { bindWords } from "./commands/bind.js";
import { guessedName, Questions, yesCommand } from "./commands/confirm.js";
import { CORE_COMMANDS } from "./commands/index.js";
import { findCommand, topLevelNames } from "./commands/registry.js";
import { isPermitted, refusal, roleOf } from "./access/permissions.js";
import { boundProjectId, resolveRoom, scopeFor } from "./access/scope.js";
import { BUCKET_INFO } from "./model/buckets.js";
import { commandName, MAX_BODY_CHARS, usageParts, type CommandSpec } from "./commands/spec.js";
import { readHurried } from "./commands/hurried.js";
import { RunContext, type Made, type RunHost } from "./commands/run-context.js";
import { extractFlags, tokenize } from "./commands/tokenize.js";
import type { CoreConfig } from "./config/core-config.js";
import { LIMITS, type PlanEvent } from "./model/schema.js";
import { roomSettingsOf } from "./model/room-settings.js";
import { noMetrics, type Metrics } from "./metrics/metrics.js";
import { findExact, similarity, suggestFeatures } from "./plan/resolve.js";
import { featureLabel } from "./plan/summary.js";
import { systemClock, type ChatHost, type Clock, type ConversationView, type IncomingMessage, type ListMailer, type Logger, type Origin, type PlanStore, type Suggestion } from "./ports.js";
import { apology, errorRef } from "./reply/apology.js";
import { cmd, failureReply, t, textReply, type Reply, type Text } from "./reply/reply.js";
import type { FailureCode } from "./util/result.js";
import { formatIssues } from "./util/zod-errors.js";
import { silentLogger } from "./util/silent-logger.js";
import { own } from "./util/own.js";
import { cleanTyped } from "./util/typed-text.js";
import { StoreUnavailableError } from "./store/unavailable.js";

export interface StocktakeOptions {
  store: PlanStore;
  config: CoreConfig;
  clock?: Clock;
  logger?: Logger;
  commands?: readonly CommandSpec[];
  /** Counts commands by outcome and times them, for /metrics. */
  metrics?: Metrics;
  /** The public web page of a project, when there is one (`pageUrl` in src/web/links.ts). */
  pageUrl?: (projectId: string) => string | undefined;
  /** Posting to mailing lists (`!mail send`), when mail is enabled. */
  mailer?: ListMailer;
}

export type ChangeListener = (events: readonly PlanEvent[]) => void;

export type { Origin };

type Scope = ReturnType<typeof scopeFor>;

/** A command being run: what its outcome is counted and logged with. */
interface Running {
  spec: CommandSpec;
  origin: Origin;
  started: number;
}

/** How many choices autocomplete offers (Discord shows at most 25). */
const SUGGESTIONS = 25;

/** The outcome label of a failure, for /metrics and the log. */
function outcomeOf(code: FailureCode | undefined): string {
  switch (code) {
    case undefined:
      return "ok";
    case "usage":
    case "forbidden":
      return code;
    case "internal":
      return "error";
    default:
      return "refused";
  }
}

/**
 * The planning bot without a platform: text in, `Reply` out. Adapters call `handle` with what
 * people type and `execute` with structured commands (Discord slash commands).
 */
export class Stocktake implements ChatHost {
  readonly commands: readonly CommandSpec[];
  readonly config: CoreConfig;
  readonly store: PlanStore;
  readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly pageUrl: (projectId: string) => string | undefined;
  private readonly mailer: ListMailer | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private readonly questions: Questions;
  /** Room and project → when that room last got the project's full summary. In memory: bookkeeping, not the plan. */
  private readonly lastSummaries = new Map<string, string>();
  /** What each command's context uses of the bot, made once. */
  private readonly runHost: RunHost;

  constructor(options: StocktakeOptions) {
    this.store = options.store;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.commands = options.commands ?? CORE_COMMANDS;
    this.metrics = options.metrics ?? noMetrics;
    this.pageUrl = options.pageUrl ?? (() => undefined);
    this.mailer = options.mailer;
    this.questions = new Questions(this.clock);
    this.runHost = {
      store: this.store,
      clock: this.clock,
      config: this.config,
      commands: this.commands,
      mail: this.mailer,
      questions: this.questions,
      lastSummaries: this.lastSummaries,
      pageUrl: this.pageUrl,
      notify: (events) => this.notify(events),
      dispatch: async (spec, origin, shown, args, made) => this.dispatch(spec, origin, shown, () => ({ ok: true, value: args }), made),
    };
  }

  /** Called with every committed change, for announcements and the web page. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What adapters may know about a room: its explicit project binding and its settings. */
  conversation(id: string): ConversationView {
    const state = this.store.read();
    return { boundProject: boundProjectId(state, id, this.config), settings: roomSettingsOf(own(state.conversations, id)?.settings) };
  }

  /**
   * Answers a chat message. Returns undefined for messages that are not commands, so adapters stay
   * quiet in conversation.
   */
  async handle(message: IncomingMessage): Promise<Reply | undefined> {
    return this.answer(message);
  }

  /**
   * `handle`, answering at once when nothing has to be waited for (a read with no write on its
   * way, a refusal): the reply is a value, not a promise. An adapter that sends it in the same turn
   * of the event loop skips the turns of the microtask queue, and the I/O bookkeeping the loop does
   * before it runs them, that awaiting costs every reply. May throw where `handle` would reject.
   */
  answer(message: IncomingMessage): Reply | undefined | Promise<Reply | undefined> {
    const cleaned = cleanTyped(message.text);
    const reply = this.handleText(message, cleaned.text.trim());
    if (reply instanceof Promise) return reply.then((settled) => settled && withRemovedNote(settled, cleaned.removed));
    return reply && withRemovedNote(reply, cleaned.removed);
  }

  private handleText(message: IncomingMessage, text: string): Reply | undefined | Promise<Reply> {
    const { prefix } = this.config;
    let body: string;
    if (text.startsWith(prefix)) body = text.slice(prefix.length);
    else if (message.addressed) body = text;
    else return undefined;
    // "!!!", "! foo" and "!1" are not commands.
    if (!/^[a-z]/i.test(body)) return message.addressed && body.trim() === "" ? this.hint() : undefined;
    // A command that takes the message's further lines as they are (`!import` and a pasted mail).
    const newline = body.indexOf("\n");
    const head = newline === -1 ? null : tokenize(body.slice(0, newline));
    const withBody = head?.ok ? findCommand(this.commands, head.value.map((token) => (token.quoted ? "\u0000" : token.text))) : undefined;
    const bodyFlag = withBody?.spec.body;
    const limit = bodyFlag === undefined ? LIMITS.message : MAX_BODY_CHARS;
    if (text.length > limit) {
      return failureReply({ code: "too-long", message: `That message is ${text.length.toLocaleString("en")} characters; ${bodyFlag === undefined ? "commands" : "a pasted mail"} ${bodyFlag === undefined ? "are" : "is"} at most ${limit.toLocaleString("en")}.` });
    }
    if (bodyFlag !== undefined) body = body.slice(0, newline);
    // Redelivered after a crash or reconnect, and already applied: answering again would repeat it.
    if (message.id !== undefined && this.store.hasOrigin(message.id)) {
      this.logger.info({ where: message.conversation, origin: message.id }, "message already applied; ignored");
      return undefined;
    }
    const typed = tokenize(body);
    if (!typed.ok) return failureReply(typed.error);
    const tokens = readHurried(typed.value, this.commands);
    const found = findCommand(
      this.commands,
      tokens.map((token) => (token.quoted ? "\u0000" : token.text)),
    );
    if (!found) return this.unknown(tokens[0]?.text ?? body, message.addressed === true);
    const { spec } = found;
    const valued = new Set((spec.flags ?? []).filter((flag) => flag.value).map((flag) => flag.name));
    const freeText = new Set((spec.flags ?? []).filter((flag) => flag.value && flag.text).map((flag) => flag.name));
    const { words, flags } = extractFlags(tokens.slice(found.length), valued, freeText);
    const known = new Set((spec.flags ?? []).map((flag) => flag.name));
    const unknownFlag = [...flags.keys()].find((flag) => !known.has(flag));
    if (unknownFlag !== undefined) {
      const options = [...known].map((flag) => `--${flag}`).join(", ");
      return this.usageError(spec, t`${cmd(commandName(spec))} has no --${unknownFlag} option${options ? ` (options: ${options})` : ""}.`);
    }
    if (bodyFlag !== undefined && spec === withBody?.spec) flags.set(bodyFlag, text.slice(text.indexOf("\n") + 1));
    return this.run(spec, message, `${prefix}${body}`, (scope) => {
      const isFeature = (name: string) => scope.ok && findExact(scope.value.release, name) !== undefined;
      const bound = spec.bind ? spec.bind(words) : bindWords(spec, words, isFeature);
      if (!bound.ok) return bound;
      return { ok: true, value: { ...Object.fromEntries(flags), ...bound.value } };
    });
  }

  /** Runs a command whose arguments arrive already split (a slash command's options). */
  execute(path: readonly string[], args: Record<string, unknown>, origin: Origin): Promise<Reply> {
    const found = findCommand(this.commands, path);
    if (!found || found.length !== path.length) {
      return Promise.resolve(failureReply({ code: "usage", message: `There is no command “${path.join(" ")}”.` }));
    }
    if (origin.id !== undefined && this.store.hasOrigin(origin.id)) {
      return Promise.resolve({ ...textReply("That was done already.", "info"), private: true });
    }
    const removed = new Set<string>();
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      if (typeof value !== "string") {
        clean[key] = value;
        continue;
      }
      const typed = cleanTyped(value);
      typed.removed.forEach((char) => removed.add(char));
      clean[key] = typed.text;
    }
    const shown = [`/${path.join(" ")}`, ...Object.entries(clean).map(([key, value]) => `${key}:${String(value)}`)].join(" ");
    const reply = this.run(found.spec, origin, shown, () => ({ ok: true, value: clean }));
    // Nothing left out (the usual case): the reply as it is, without another promise on its way.
    return removed.size === 0 ? Promise.resolve(reply) : Promise.resolve(reply).then((done) => withRemovedNote(done, [...removed]));
  }

  /**
   * Autocomplete: the features of the conversation's current release that best match what was typed,
   * for a parameter that names a feature. Other parameters have fixed choices or none.
   */
  suggest(conversation: string, command: readonly string[], param: string, partial: string): Suggestion[] {
    const found = findCommand(this.commands, command);
    if (!found || found.spec.params.find((candidate) => candidate.name === param)?.kind !== "feature") return [];
    const scope = scopeFor(this.store.read(), conversation, this.config);
    if (!scope.ok) return [];
    return suggestFeatures(scope.value.release, partial, SUGGESTIONS).map((feature) => ({
      name: `${featureLabel(feature)} (${BUCKET_INFO[feature.bucket].label})`,
      value: feature.id,
    }));
  }

  /**
   * Runs a command: settled state for a read, permission, arguments, the command, then settled state
   * again before the reply. Synchronous as far as it can be (see `answer`): a promise only where
   * something is awaited. Every outcome, failures and bugs included, is counted and logged once.
   */
  private run(
    spec: CommandSpec,
    origin: Origin,
    shown: string,
    parse: (scope: Scope) => { ok: true; value: Record<string, unknown> } | { ok: false; error: { code: string; message: Text } },
  ): Reply | Promise<Reply> {
    const run: Running = { spec, origin, started: performance.now() };
    // Group commit (src/ports.ts): the plan may hold another command's change whose write is
    // still reaching the disk. A command that reads reads it settled (durable, or taken back
    // after a failed write); one that changes the plan is queued behind it in the store anyway.
    const before = spec.permission === "read" ? this.settled() : undefined;
    if (before) return before.then(() => this.runSettled(run, shown, parse), (error: unknown) => this.failed(run, error));
    return this.runSettled(run, shown, parse);
  }

  private runSettled(run: Running, shown: string, parse: Parameters<Stocktake["run"]>[3]): Reply | Promise<Reply> {
    const made = { change: false };
    let reply: Reply | Promise<Reply>;
    try {
      reply = this.dispatch(run.spec, run.origin, shown, parse, made);
    } catch (error) {
      return this.failed(run, error);
    }
    if (reply instanceof Promise) return reply.then((done) => this.afterRun(run, done, made), (error: unknown) => this.failed(run, error));
    return this.afterRun(run, reply, made);
  }

  /** What staged while the command ran is on the disk before a reply that may show it goes out (its own change already is when `change` returns). */
  private afterRun(run: Running, reply: Reply, made: Made): Reply | Promise<Reply> {
    const after = made.change ? undefined : this.settled();
    if (after) return after.then(() => this.finished(run, reply, outcomeOf(reply.failure)), (error: unknown) => this.failed(run, error));
    return this.finished(run, reply, outcomeOf(reply.failure));
  }

  private failed(run: Running, error: unknown): Reply {
    const name = commandName(run.spec);
    const who = run.origin.invoker.id;
    const where = run.origin.conversation;
    const unsaved = notSaved(error);
    if (unsaved) {
      this.logger.error({ err: error, command: name, who, where }, "change not saved");
      return this.finished(run, unsaved, "error");
    }
    const ref = errorRef();
    this.logger.error({ err: error, ref, command: name, who, where }, "command failed");
    return this.finished(run, apology(ref, name), "error");
  }

  /** Counts and logs the command's outcome; returns its reply. */
  private finished(run: Running, reply: Reply, outcome: string): Reply {
    const ms = performance.now() - run.started;
    const name = commandName(run.spec);
    this.metrics.count("stocktake_commands_total", { command: name, outcome });
    this.metrics.observe("stocktake_command_duration_seconds", ms / 1000);
    const line = { who: run.origin.invoker.id, where: run.origin.conversation, command: name, outcome, ms: Math.round(ms * 100) / 100 };
    // Written once the reply is on its way: the log line is for later, the person is waiting now.
    // Two turns: an HTTP client may send the reply from an immediate of its own, queued after
    // this one (undici writes a request on a kept-alive socket so, Discord's replies included).
    setImmediate(() => setImmediate(() => this.logger.info(line, "command")));
    return reply;
  }

  /** Until the changes applied so far are settled; no turn of the event loop when none waits. */
  private settled(): Promise<void> | void {
    return this.store.settled?.();
  }

  /** Permission, arguments, then the command: the room's project and release resolved once for all three. */
  private dispatch(spec: CommandSpec, origin: Origin, shown: string, parse: (scope: Scope) => ReturnType<Parameters<Stocktake["run"]>[3]>, made: Made): Reply | Promise<Reply> {
    // An open question is about the person's last command here: any other command drops it.
    if (spec !== yesCommand) this.questions.take(origin.conversation, origin.invoker.id);
    const state = this.store.read();
    const seenSeq = state.seq;
    const { projectId, bound, scope } = resolveRoom(state, origin.conversation, this.config);
    if (spec.permission !== "read" && !isPermitted(spec.permission, roleOf(origin.invoker, projectId, this.config, bound))) {
      return failureReply(refusal(commandName(spec), spec.permission, origin.invoker, projectId));
    }
    const raw = parse(scope);
    if (!raw.ok) return this.usageError(spec, raw.error.message);
    const args = spec.args.safeParse(raw.value);
    if (!args.success) return this.usageError(spec, formatIssues(args.error, 3));
    const ctx = new RunContext(this.runHost, spec, origin, shown, projectId, scope, seenSeq, made);
    // What a person typed is what gets stored: a change to a feature found only by a close spelling asks first.
    const guess = spec.permission !== "read" && scope.ok ? guessedName(spec, args.data, scope.value.release) : undefined;
    if (guess) {
      ctx.ask({ ...raw.value, [guess.name]: guess.feature.id });
      return textReply(t`There is no feature called “${guess.typed}”. Did you mean ${featureLabel(guess.feature)} (${guess.feature.id})? ${cmd("yes")} to apply.`, "info");
    }
    return spec.run(ctx, args.data);
  }

  private notify(events: readonly PlanEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.logger.error({ err: error }, "change listener failed");
      }
    }
  }

  private usageError(spec: CommandSpec, message: Text): Reply {
    const { path, args } = usageParts(spec);
    return failureReply({ code: "usage", message: t`${message}\nUsage: ${cmd(path, args)} (more: ${cmd("help", commandName(spec))})` });
  }

  private unknown(word: string, addressed: boolean): Reply | undefined {
    const names = topLevelNames(this.commands);
    const guess = names
      .map((name) => ({ name, score: similarity(word.toLowerCase(), name) }))
      .sort((a, b) => b.score - a.score)[0];
    // Other bots share rooms: an unknown "!word" far from ours is not for us.
    if (guess && guess.score >= 0.5) {
      return failureReply({ code: "usage", message: t`There is no command ${cmd(word)}. Did you mean ${cmd(guess.name)}? (${cmd("help")} lists them.)` });
    }
    return addressed ? failureReply({ code: "usage", message: t`There is no command “${word}”. ${cmd("help")} lists them.` }) : undefined;
  }

  private hint(): Reply {
    return textReply(t`Hello! Try ${cmd("stock")} for the release summary, or ${cmd("help")}.`, "info");
  }
}

/**
 * Says what was left out of what the person typed (see src/util/typed-text.ts): what is stored is
 * never silently different from what was sent.
 */
function withRemovedNote(reply: Reply, removed: readonly string[]): Reply {
  if (removed.length === 0) return reply;
  const what = removed.length === 1 ? "a control or direction character" : "control or direction characters";
  return { ...reply, blocks: [...reply.blocks, { type: "text", text: `Note: I left out ${what} (${removed.join(", ")}) from what you typed: they would make text show differently from what it says.` }] };
}

/**
 * A write the store could not make, said as it is: the store rolls the change back when its write
 * fails, so nothing was changed, and "something went wrong" would hide what an operator must fix.
 */
function notSaved(error: unknown): Reply | undefined {
  if (error instanceof StoreUnavailableError) {
    return failureReply({
      code: "internal",
      message:
        error.saved === "no"
          ? "Not saved: the database cannot be reached just now. Nothing was changed; try again in a moment."
          : t`The database went away while saving this, so it may or may not have been saved. Look at ${cmd("history")} in a moment, then try again if it is not there.`,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return failureReply({ code: "internal", message: "Not saved: the disk is full. Nothing was changed; try again once an operator has freed some space." });
  }
  if (code === "EROFS" || code === "EACCES" || code === "EPERM" || code === "EIO") {
    return failureReply({ code: "internal", message: `Not saved: the data file cannot be written (${code}). Nothing was changed; an operator has to look at the disk.` });
  }
  return undefined;
}
