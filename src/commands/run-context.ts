import type { CoreConfig } from "../config/core-config.js";
import type { PlanEvent, PlanState } from "../model/schema.js";
import { closedRefusal } from "../plan/release.js";
import type { Clock, Draft, HistoryQuery, ListMailer, Origin, PlanStore } from "../ports.js";
import { cmd, failureReply, t, type Reply } from "../reply/reply.js";
import type { Result } from "../util/result.js";
import { CONFIRM_MINUTES, type Questions } from "./confirm.js";
import type { CommandContext, CommandSpec } from "./spec.js";

/** What the bot lends every command's context: made once per bot, not once per command. */
export interface RunHost {
  readonly store: PlanStore;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly commands: readonly CommandSpec[];
  readonly mail: ListMailer | undefined;
  readonly questions: Questions;
  /** Room and project (as JSON) → when that room last got the project's full summary. */
  readonly lastSummaries: Map<string, string>;
  pageUrl(projectId: string): string | undefined;
  /** Runs a command the person was asked about (`!yes`), checked as if typed now. */
  dispatch(spec: CommandSpec, origin: Origin, shown: string, args: Record<string, unknown>): Promise<Reply>;
  /** Tells the listeners about committed changes. */
  notify(events: readonly PlanEvent[]): void;
}

/**
 * The narrow context a command's `run` gets. A class, so that its methods live on the prototype:
 * as an object literal it made seven closures per command (each also renamed by tsx's keepNames),
 * a cost every reply paid before a word of it was worked out.
 */
export class RunContext implements CommandContext {
  readonly invoker: CommandContext["invoker"];
  readonly conversation: string;
  declare readonly bridge?: readonly string[];
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly plan: Readonly<PlanState>;
  readonly commands: readonly CommandSpec[];
  readonly mail: ListMailer | undefined;
  readonly lastSummary: CommandContext["lastSummary"];

  constructor(
    private readonly host: RunHost,
    private readonly spec: CommandSpec,
    private readonly origin: Origin,
    private readonly shown: string,
    readonly projectId: string | undefined,
    readonly scope: CommandContext["scope"],
    private readonly seenSeq: number,
  ) {
    this.invoker = origin.invoker;
    this.conversation = origin.conversation;
    if (origin.bridge !== undefined) (this as { bridge?: readonly string[] }).bridge = origin.bridge;
    this.clock = host.clock;
    this.config = host.config;
    this.plan = host.store.read();
    this.commands = host.commands;
    this.mail = host.mail;
    this.lastSummary = new LastSummary(host.lastSummaries, origin.conversation);
  }

  pageUrl(projectId: string): string | undefined {
    return this.host.pageUrl(projectId);
  }

  history(query: HistoryQuery): Promise<PlanEvent[]> {
    return this.host.store.history(query);
  }

  ask(args: Record<string, unknown>): void {
    this.host.questions.ask(this.origin.conversation, this.origin.invoker.id, { spec: this.spec, args, shown: this.shown });
  }

  confirm(): Promise<Reply> {
    const question = this.host.questions.take(this.origin.conversation, this.origin.invoker.id);
    if (!question) {
      return Promise.resolve(failureReply({ code: "not-found", message: t`Nothing is waiting for your ${cmd("yes")} here (a question waits ${CONFIRM_MINUTES} minutes).` }));
    }
    return this.host.dispatch(question.spec, this.origin, question.shown, question.args);
  }

  async change<T>(fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<T>> {
    // A shipped release is read-only whatever command asks: checked on the state the change is made on.
    const guarded = (state: Readonly<PlanState>): Result<Draft<T>> => {
      const drafted = fn(state);
      if (!drafted.ok) return drafted;
      const closed = closedRefusal(state, drafted.value.changes);
      return closed === undefined ? drafted : { ok: false, error: { code: "refused", message: closed } };
    };
    const { origin } = this;
    const result = await this.host.store.update({ by: origin.invoker.id, command: this.shown, seenSeq: this.seenSeq, ...(origin.id === undefined ? {} : { origin: origin.id }) }, guarded);
    if (!result.ok) return result;
    if (result.value.events.length > 0) this.host.notify(result.value.events);
    return { ok: true, value: result.value.value };
  }
}

/** When this room last got each project's full summary. In memory: bookkeeping, not the plan. */
class LastSummary {
  constructor(
    private readonly summaries: Map<string, string>,
    private readonly conversation: string,
  ) {}

  at(projectId: string): string | undefined {
    return this.summaries.get(JSON.stringify([this.conversation, projectId]));
  }

  mark(projectId: string, at: Date): void {
    this.summaries.set(JSON.stringify([this.conversation, projectId]), at.toISOString());
  }
}
