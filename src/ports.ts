import type { CommandSpec } from "./commands/spec.js";
import type { CoreConfig } from "./config/core-config.js";
import type { CounterName, HistogramName, Labels } from "./metrics/metrics.js";
import type { RoomSettings } from "./model/room-settings.js";
import type { PlanEvent, PlanState } from "./model/schema.js";
import type { ChangeRequest } from "./plan/reducer.js";
import type { Reply } from "./reply/reply.js";
import type { StandingTarget } from "./schedule/scheduler.js";
import type { Result } from "./util/result.js";

/** The few ways the core reaches the outside world. Adapters implement them. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The subset of pino the core uses, so tests can pass a silent or recording logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export interface Draft<T> {
  changes: ChangeRequest[];
  value: T;
  /** The txn an undo reverts. */
  undoes?: number;
  /** Bookkeeping that history and undo skip. */
  quiet?: boolean;
  /**
   * False for bookkeeping nobody is told about and a crash may lose (when `!stock` last ran): it is
   * written without waiting for the disk. Default true: a change is synced before it is acknowledged.
   */
  durable?: boolean;
}

export interface UpdateMeta {
  by: string;
  command: string;
  /** The chat message behind the change, recorded so a redelivery is recognised. */
  origin?: string;
}

export interface HistoryQuery {
  project?: string;
  release?: string;
  feature?: string;
  by?: string;
  /** Only events at or after this instant. */
  since?: Date;
  /** At most this many events, newest first. */
  limit: number;
  includeQuiet?: boolean;
}

export interface PlanStore {
  /** The current state. Read-only: change it through `update`. */
  read(): Readonly<PlanState>;
  /**
   * Runs `fn` on the latest state, one update at a time, and durably records the changes it asks
   * for before resolving. When `fn` returns a failure nothing is written.
   */
  update<T>(meta: UpdateMeta, fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<{ value: T; events: PlanEvent[] }>>;
  /** Events matching the query, newest first. */
  history(query: HistoryQuery): Promise<PlanEvent[]>;
  /**
   * Every event with a sequence number of `fromSeq` or more, oldest first, up to the last one
   * committed when the iteration starts: for views built once over the whole history (the web
   * page's chart), then kept current from `Stocktake.onChange`.
   */
  events(fromSeq?: number): AsyncIterable<PlanEvent>;
  /** Whether the store can still record changes (open, its files writable): for /healthz. */
  health(): Promise<StoreHealth>;
  /** Whether a change from this chat message was already recorded (recent messages only). */
  hasOrigin(origin: string): boolean;
  close(): Promise<void>;
}

export interface StoreHealth {
  ok: boolean;
  /** For people: "/srv/data is writable", "/srv/data is not writable (EROFS)". */
  detail: string;
}

/** A person on some platform, as the core sees them. */
export interface Invoker {
  /** Platform-qualified and stable: "matrix:@alice:example.org", "discord:81234", "console:local". */
  id: string;
  displayName: string;
  /** Roles the adapter grants from platform facts (a room power level, a Discord role). */
  grants?: readonly Role[];
}

export type Role = "admin" | "release-manager" | "maintainer";

export interface IncomingMessage {
  text: string;
  invoker: Invoker;
  /** Platform-qualified room or channel id. */
  conversation: string;
  /** The message was addressed to the bot by name ("stocktake: stock"), so no prefix is needed. */
  addressed?: boolean;
  /**
   * The platform's id for the message ("matrix:$event"), when it has one. A message whose change was
   * already recorded is not applied again, so a platform redelivering after a crash is harmless.
   */
  id?: string;
}

/** Answers one message; undefined when it was not a command. */
export type MessageHandler = (message: IncomingMessage) => Promise<Reply | undefined>;

/** What an adapter may read about a conversation: how to render there, and whose roles count there. */
export interface ConversationView {
  /** The project bound to it explicitly (`!project use`, or a project's rooms in the config); not a fallback. */
  boundProject: string | undefined;
  /** How replies are presented there (`!room msgtype`, `!room irc`). */
  settings: Readonly<RoomSettings>;
}

/** The narrow read-only view of the bot that adapters get at start. */
export interface AdapterHost {
  conversation(id: string): ConversationView;
}

/**
 * The bot as adapters with structured commands see it: Discord slash commands run `execute`,
 * autocomplete reads the plan, announcements follow `onChange`. `Stocktake` is one.
 */
export interface BotHost extends AdapterHost {
  readonly commands: readonly CommandSpec[];
  readonly config: CoreConfig;
  readonly clock: Clock;
  readonly store: Pick<PlanStore, "read">;
  execute(path: readonly string[], args: Record<string, unknown>, origin: Omit<IncomingMessage, "text" | "addressed">): Promise<Reply>;
  onChange(listener: (events: readonly PlanEvent[]) => void): () => void;
}

/** A chat platform: turns its events into `IncomingMessage`s and renders `Reply`s. */
export interface ChatAdapter {
  readonly name: string;
  /** `host` is what an adapter may ask of the bot: room settings, and structured commands (slash commands). */
  start(onMessage: MessageHandler, host?: BotHost): Promise<void>;
  /** Posts unprompted (scheduled summaries, announcements) to a conversation. */
  send(conversation: string, reply: Reply): Promise<void>;
  stop(): Promise<void>;
  /** Conversations that get scheduled posts without asking (a Discord announcements channel). */
  standingTargets?(): readonly StandingTarget[];
  /** Whether it is connected to its platform now, for /healthz. Adapters without it count as connected once started. */
  status?(): AdapterStatus;
}

export type AdapterStatus = "connected" | "connecting" | "down";

/**
 * Counters and histograms for /metrics. The core counts commands and their latency; adapters count
 * what only they see (`stocktake_posts_total`, `stocktake_adapter_reconnects_total`). The names are
 * declared once, with their help text, in src/metrics/metrics.ts.
 */
export interface Metrics {
  count(name: CounterName, labels?: Labels, by?: number): void;
  observe(name: HistogramName, value: number, labels?: Labels): void;
}
