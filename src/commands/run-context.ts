import type { CoreConfig } from "../config/core-config.js";
import type { PlanEvent, PlanState } from "../model/schema.js";
import { closedRefusal } from "../plan/release.js";
import type { Clock, Draft, HistoryQuery, Invoker, ListMailer, Origin, PlanStore } from "../ports.js";
import { cmd, failureReply, t, type Reply, type Text } from "../reply/reply.js";
import type { Result } from "../util/result.js";
import { CONFIRM_MINUTES, type Questions } from "./confirm.js";
import type { CommandContext, CommandSpec } from "./spec.js";

/** The bot's parts a command's context uses, made once per bot. */
export interface RunHost {
  readonly store: PlanStore;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly commands: readonly CommandSpec[];
  readonly mail: ListMailer | undefined;
  readonly questions: Questions;
  /** Room and project → when that room last got the project's full summary. */
  readonly lastSummaries: Map<string, string>;
  pageUrl(projectId: string): string | undefined;
  /** Tells the listeners (announcer, web page, scheduler) of a committed change. */
  notify(events: readonly PlanEvent[]): void;
  /** Runs a command the person was asked about (`!yes`). */
  dispatch(spec: CommandSpec, origin: Origin, shown: string, args: Record<string, unknown>, made: Made): Promise<Reply>;
}

/** Whether the command changed the plan (its own change is durable when `change` returns). */
export interface Made {
  change: boolean;
}

/**
 * What a command's `run` gets. A class, not an object of arrow functions: the sources run through
 * tsx, whose esbuild keeps every function's name by redefining it as the function is made, so an
 * object of eight closures per command cost about 10 µs of a `!status`; methods are made once.
 */
export class RunContext implements CommandContext {
  readonly invoker: Invoker;
  readonly conversation: string;
  declare readonly bridge?: readonly string[];
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly plan: Readonly<PlanState>;
  readonly commands: readonly CommandSpec[];
  readonly mail: ListMailer | undefined;
  readonly lastSummary: LastSummaries;

  constructor(
    private readonly host: RunHost,
    private readonly spec: CommandSpec,
    private readonly origin: Origin,
    private readonly shown: string,
    readonly projectId: CommandContext["projectId"],
    readonly scope: CommandContext["scope"],
    private readonly seenSeq: number,
    private readonly made: Made,
  ) {
    this.invoker = origin.invoker;
    this.conversation = origin.conversation;
    if (origin.bridge !== undefined) (this as { bridge?: readonly string[] }).bridge = origin.bridge;
    this.clock = host.clock;
    this.config = host.config;
    this.plan = host.store.read();
    this.commands = host.commands;
    this.mail = host.mail;
    this.lastSummary = new LastSummaries(host.lastSummaries, origin.conversation);
  }

  ask(args: Record<string, unknown>): void {
    this.host.questions.ask(this.origin.conversation, this.origin.invoker.id, { spec: this.spec, args, shown: this.shown });
  }

  confirm(): Promise<Reply> {
    const question = this.host.questions.take(this.origin.conversation, this.origin.invoker.id);
    if (!question) {
      return Promise.resolve(failureReply({ code: "not-found", message: t`Nothing is waiting for your ${cmd("yes")} here (a question waits ${CONFIRM_MINUTES} minutes).` }));
    }
    return this.host.dispatch(question.spec, this.origin, question.shown, question.args, this.made);
  }

  pageUrl(projectId: string): string | undefined {
    return this.host.pageUrl(projectId);
  }

  history(query: HistoryQuery): Promise<PlanEvent[]> {
    return this.host.store.history(query);
  }

  async change<T>(fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<T>> {
    const { origin } = this;
    const result = await this.host.store.update({ by: origin.invoker.id, command: this.shown, seenSeq: this.seenSeq, ...(origin.id === undefined ? {} : { origin: origin.id }) }, unlessClosed(fn));
    if (!result.ok) return result;
    if (result.value.events.length > 0) {
      this.made.change = true;
      this.host.notify(result.value.events);
    }
    return { ok: true, value: result.value.value };
  }
}

/** A shipped release is read-only whatever command asks: checked on the state the change is made on. */
function unlessClosed<T>(fn: (state: Readonly<PlanState>) => Result<Draft<T>>): (state: Readonly<PlanState>) => Result<Draft<T>> {
  return (state) => {
    const drafted = fn(state);
    if (!drafted.ok) return drafted;
    const closed: Text | undefined = closedRefusal(state, drafted.value.changes);
    return closed === undefined ? drafted : { ok: false, error: { code: "refused", message: closed } };
  };
}

/** When this room last got each project's full summary. In memory: bookkeeping, not the plan. */
class LastSummaries {
  constructor(
    private readonly map: Map<string, string>,
    private readonly conversation: string,
  ) {}

  at(projectId: string): string | undefined {
    return this.map.get(JSON.stringify([this.conversation, projectId]));
  }

  mark(projectId: string, at: Date): void {
    this.map.set(JSON.stringify([this.conversation, projectId]), at.toISOString());
  }
}
