import type { ChangeRequest } from "./model/change.js";
import type { RoomSettings } from "./model/room-settings.js";
import type { PlanEvent, PlanState } from "./model/schema.js";
import type { Reply } from "./reply/reply.js";
import type { Result } from "./util/result.js";

/**
 * The bottom floor: the few ways the core reaches the outside world (adapters implement them) and
 * the one way adapters reach the core (`ChatHost`). It imports only model and reply types.
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Wakes the scheduler at an instant. Production uses croner (adapters/schedule); tests move a fake clock. */
export interface Timer {
  at(instant: Date, run: () => void): { cancel(): void };
}

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
  /**
   * The plan's seq when the person's command arrived. A shared store refuses the change when
   * another process changed the same fields of the same feature after that (the person did not
   * see it), as `!undo` refuses: "changed since".
   */
  seenSeq?: number;
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
  /**
   * Shared stores only (PostgreSQL): calls `listener` with the events other processes committed,
   * as this store folds them into its state, so views kept from `Stocktake.onChange` (the web
   * page's chart, the scheduler) follow them too. Returns the unsubscribe.
   */
  onForeignChange?(listener: (events: readonly PlanEvent[]) => void): () => void;
  /**
   * Shared stores only: records each key once across every process on the store (a unique
   * constraint) and resolves with the keys this call recorded, for what must happen once however
   * many processes see it (an announcement to one target).
   */
  claimOnce?(keys: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Group commit: `update` may run the next update while an earlier one's write is still reaching
   * the disk, so the state can hold a change for the length of a sync before it is durable. This
   * resolves once every change applied so far has settled (durable, or taken back after a failed
   * write), and is undefined when nothing is waiting. A reader that tells people what the plan
   * says waits for it.
   */
  settled?(): Promise<void> | undefined;
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
  /** Roles the platform grants everywhere (a Discord server role). */
  grants?: readonly Role[];
  /**
   * Roles the room itself grants (a Matrix power level). They count only in a room bound to a
   * project on purpose: anyone can make a room and be its admin. The core decides where they count.
   */
  roomGrants?: readonly Role[];
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
  /**
   * Why the adapter takes the conversation to be bridged to IRC, one reason each ("the IRC bridge's
   * bot @appservice-irc:example.org is a member"); empty when it sees no bridge, absent where it
   * does not look. `!room` shows it.
   */
  bridge?: readonly string[];
}

/** Where a command came from and who sent it; the same for typed and slash commands. */
export type Origin = Omit<IncomingMessage, "text" | "addressed">;

/** What an adapter may read about a conversation: how to render there, and whose roles count there. */
export interface ConversationView {
  /** The project bound to it explicitly (`!project use`, or a project's rooms in the config); not a fallback. */
  boundProject: string | undefined;
  /** How replies are presented there (`!room msgtype`, `!room irc`). */
  settings: Readonly<RoomSettings>;
}

/** One choice for a parameter being typed (Discord autocomplete): what people see, what is sent. */
export interface Suggestion {
  name: string;
  value: string;
}

/**
 * All an adapter may ask of the bot. Typed messages go to `handle`, structured commands (Discord
 * slash commands) to `execute`; both check permissions and answer with a platform-neutral `Reply`.
 */
export interface ChatHost {
  /** Answers a typed message; undefined when it was not a command, so the adapter stays quiet. */
  handle(message: IncomingMessage): Promise<Reply | undefined>;
  /**
   * `handle`, with the reply as a value when it is ready at once (nothing to wait for), so an
   * adapter can send it in the turn the message came in; a promise otherwise. Throws where
   * `handle` would reject. Optional: `handle` is the whole contract.
   */
  answer?(message: IncomingMessage): Reply | undefined | Promise<Reply | undefined>;
  /** Runs a command whose arguments arrive already split (a slash command's options). */
  execute(path: readonly string[], args: Record<string, unknown>, origin: Origin): Promise<Reply>;
  /** Choices for parameter `param` of `command` as typed so far, in that conversation's release. */
  suggest(conversation: string, command: readonly string[], param: string, partial: string): Suggestion[];
  conversation(id: string): ConversationView;
}

/** A conversation that gets a project's news and its scheduled posts without asking (a Discord announcements channel). */
export interface AnnouncementTarget {
  project: string;
  conversation: string;
  /** False for a target that gets the scheduled posts only, not every batch of changes (a mailing list). */
  news?: boolean;
}

/** A mail to a project's list, exactly as it will be sent: what `!mail preview` shows. */
export interface OutgoingMail {
  from: string;
  to: readonly string[];
  replyTo: string | null;
  subject: string;
  text: string;
  messageId: string;
  /** The release's previous post, when there was one: threading. */
  inReplyTo: string | null;
  references: readonly string[];
}

/** Posting to a project's mailing list (adapters/mail): present when the config enables it. */
export interface ListMailer {
  /** The project's list settings, when one is configured. */
  listOf(project: string): { subjectPrefix: string; intro: string | null } | undefined;
  /** The mail a post about this release would be now, threaded after its previous post; undefined when the project has no list. */
  compose(project: string, release: string, subject: string, text: string): OutgoingMail | undefined;
  /** Sends it, then remembers it as the release's latest post. Rejects when the server refuses it. */
  deliver(project: string, release: string, mail: OutgoingMail): Promise<void>;
}

/**
 * A chat platform: turns its events into `IncomingMessage`s for the host and renders `Reply`s.
 * Its conversations and people have ids that start with its name ("matrix:…", see src/ids.ts).
 */
export interface ChatAdapter {
  readonly name: string;
  start(host: ChatHost): Promise<void>;
  /** Posts unprompted (scheduled summaries, announcements) to a conversation. */
  send(conversation: string, reply: Reply): Promise<void>;
  stop(): Promise<void>;
  /** Conversations that announce a project's changes and get its scheduled posts unasked. */
  announcementTargets?(): readonly AnnouncementTarget[];
  /** Whether it is connected to its platform now, for /healthz. Adapters without it count as connected once started. */
  status?(): AdapterStatus;
  /** Disconnects and reconnects since it started, for adapters that reconnect on their own. */
  connection?(): ConnectionReport;
}

export type AdapterStatus = "connected" | "connecting" | "down";

/** How an adapter's connection to its platform has held since it started (for /healthz). */
export interface ConnectionReport {
  disconnects: number;
  reconnects: number;
  lastDisconnectAt?: string;
  lastDisconnectReason?: string;
  lastError?: string;
}

/* The commands as plain data, for adapters that offer them their own way (Discord slash commands). */

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
  /**
   * Its value is free text (a name, a note, a feature): typed without quotes it runs to the next
   * flag or the end, so `--owner George Dunlap` is one owner. Without it a value is one word.
   */
  text?: boolean;
  /** Its value names a feature: a name only guessed is confirmed before a change, as for a FEATURE parameter. */
  feature?: boolean;
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
