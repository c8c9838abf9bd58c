import { createHash, randomUUID } from "node:crypto";
import type { CoreConfig } from "../../src/config/core-config.js";
import type { MatrixConfig } from "./config.js";
import { addressedText } from "../../src/addressing.js";
import { localId, qualify } from "../../src/ids.js";
import type { ChatAdapter, ChatHost, ConversationView, IncomingMessage, Logger } from "../../src/ports.js";
import { personIdOn, personName } from "../../src/reply/inline.js";
import type { PersonRef, Reply } from "../../src/reply/reply.js";
import { describeError, StocktakeClient } from "./client.js";
import { classify, RoomMessageSchema, type Attachment } from "./events.js";
import { logIn } from "./login.js";
import { powerLevelGrants, inviteAllowed, isPuppet, PowerLevelsSchema, type PowerLevels } from "./permissions.js";
import { bridgedTextBytes } from "../../src/reply/irc-lines.js";
import { renderForMatrixInSlices } from "./render.js";
import { routeSdkLogs } from "./sdk-logger.js";
import { sendEvent, type Requester } from "./send.js";
import { MatrixStateFile } from "./state-file.js";
import { WorkQueue } from "./work-queue.js";

export interface MatrixAdapterOptions {
  matrix: MatrixConfig;
  core: Pick<CoreConfig, "prefix" | "botName" | "admins" | "projects">;
  /** Sync token, kept login and handled events. */
  storageFile: string;
  logger: Logger;
  /** For tests and the benchmark: a smaller timeline (to exercise backfill), a shorter long-poll. */
  sync?: { timelineLimit?: number; pollMs?: number };
  /**
   * Logs in and builds the client. By default over HTTP (`logIn`, then matrix-bot-sdk's client);
   * tests pass a fake client (tests/support/fake-matrix-client.ts) to run without a homeserver.
   */
  connect?: (state: MatrixStateFile) => Promise<MatrixConnection>;
}

/** What the adapter uses of a Matrix client: `StocktakeClient` has all of it. */
export interface MatrixClientLike extends Requester {
  on(event: "room.event" | "room.invite" | "room.join" | "room.leave", listener: (roomId: string, event: unknown) => void): unknown;
  start(): Promise<unknown>;
  stop(): void;
  removeAllListeners(): unknown;
  getUserProfile(userId: string): Promise<{ displayname?: unknown }>;
  getRoomState(roomId: string): Promise<unknown[]>;
  getRoomStateEvent(roomId: string, type: string, stateKey: string): Promise<unknown>;
  joinRoom(roomId: string): Promise<unknown>;
  leaveRoom(roomId: string): Promise<unknown>;
  getJoinedRooms(): Promise<string[]>;
  /** matrix-bot-sdk's request: `raw` answers the response itself ({ body: Buffer }), for media downloads. */
  doRequest(method: string, endpoint: string, qs?: unknown, body?: unknown, timeout?: number, raw?: boolean, contentType?: string | null, noEncoding?: boolean): Promise<unknown>;
}

export interface MatrixConnection {
  userId: string;
  client: MatrixClientLike;
}

/**
 * Messages sent before a first start (no sync token yet) are history, not commands. Their age comes
 * from the homeserver (unsigned.age), so no clock skew is involved; only events without it are
 * compared by timestamp, allowing this much skew.
 */
const CLOCK_SKEW_MS = 5_000;

/** A file sent with a command is read up to this size: a long status mail, as a pasted one may be. */
const MAX_ATTACHMENT_BYTES = 200_000;

const ENCRYPTED_NOTICE =
  "This room is end-to-end encrypted, and I cannot read encrypted messages: Stocktake runs without encryption support. " +
  "Talk to me in an unencrypted room (a room bound to the same project works the same).";

interface RoomFacts {
  levels: PowerLevels | undefined;
  encrypted: boolean;
  /** An m.bridge / uk.half-shot.bridge state event says the room is bridged to IRC. */
  ircBridgeState: Set<string>;
  /** Joined members whose ids look like bridged IRC users. */
  puppets: Set<string>;
  /** Joined members that are an IRC bridge's own bot user. */
  bridgeBots: Set<string>;
  /** The room's aliases (m.room.canonical_alias) of a portal room's form. */
  bridgeAliases: Set<string>;
  /** The IRC channel the bridge state names, for the line budget (its name is part of every relayed line). */
  ircChannel: string | undefined;
  names: Map<string, string>;
}

const PLATFORM = "matrix";

/**
 * Stocktake in Matrix rooms, over matrix-bot-sdk: invites, commands in, replies out. It holds no
 * planning logic: it turns room events into `IncomingMessage`s and `Reply`s into m.notice events.
 */
export class MatrixAdapter implements ChatAdapter {
  readonly name = "matrix";
  private client: MatrixClientLike | undefined;
  private state: MatrixStateFile | undefined;
  private host: ChatHost | undefined;
  private userId = "";
  private displayName: string | undefined;
  private readonly rooms = new Map<string, Promise<RoomFacts>>();
  private readonly warnedEncrypted = new Set<string>();
  private readonly work: WorkQueue;
  private readonly abort = new AbortController();
  private readonly puppetPatterns: RegExp[];
  private readonly bridgeBotPatterns: RegExp[];
  private readonly aliasPatterns: RegExp[];
  private readonly logger: Logger;
  private freshStart = false;
  private startedAt = 0;
  private stopping = false;

  constructor(private readonly options: MatrixAdapterOptions) {
    this.logger = options.logger.child({ adapter: "matrix" });
    this.work = new WorkQueue(this.logger);
    this.puppetPatterns = options.matrix.irc.puppetPatterns.map((pattern) => new RegExp(pattern));
    this.bridgeBotPatterns = options.matrix.irc.bridgeBots.map((pattern) => new RegExp(pattern));
    this.aliasPatterns = options.matrix.irc.aliasPatterns.map((pattern) => new RegExp(pattern));
  }

  /** The bot's Matrix user id, once started. */
  get botUserId(): string {
    return this.userId;
  }

  async start(host: ChatHost): Promise<void> {
    const { matrix } = this.options;
    if (!matrix.homeserverUrl) throw new Error("matrix.homeserverUrl is not set");
    this.host = host;
    routeSdkLogs(this.logger, false);
    const state = await MatrixStateFile.open(this.options.storageFile);
    this.state = state;
    const { homeserverUrl } = matrix;
    const session = await (this.options.connect ?? ((opened) => this.logIn(homeserverUrl, opened)))(state);
    this.userId = session.userId;
    const { client } = session;
    this.client = client;
    this.freshStart = state.getSyncToken() === null;
    this.startedAt = Date.now();
    // The SDK hands over the next sync token after emitting a batch; it is saved once that batch (and
    // every earlier one) is handled, while the sync goes on: rooms do not wait for each other.
    state.tokenBarrier = () => this.work.settled();

    client.on("room.invite", (roomId: string, event: unknown) => this.work.run(roomId, () => this.onInvite(roomId, event)));
    client.on("room.join", (roomId: string) => this.work.run(roomId, () => this.onJoin(roomId)));
    client.on("room.leave", (roomId: string) => this.work.run(roomId, async () => void this.rooms.delete(roomId)));
    client.on("room.event", (roomId: string, event: unknown) => {
      const receivedAt = Date.now();
      this.work.run(roomId, () => this.onEvent(roomId, event, receivedAt));
    });

    this.displayName = await client
      .getUserProfile(session.userId)
      .then((profile: { displayname?: unknown }) => (typeof profile.displayname === "string" ? profile.displayname : undefined))
      .catch(() => undefined);
    await client.start();
    this.logger.info({ user: session.userId, homeserver: matrix.homeserverUrl, resumed: !this.freshStart }, "matrix sync started");
    void this.joinConfiguredRooms();
  }

  /** The default connection: a login over HTTP, then matrix-bot-sdk's client with a sturdier sync. */
  private async logIn(homeserverUrl: string, state: MatrixStateFile): Promise<MatrixConnection> {
    const { matrix } = this.options;
    const session = await logIn(
      { homeserverUrl, accessToken: matrix.accessToken, user: matrix.user, password: matrix.password, deviceName: matrix.deviceName },
      state,
      this.logger,
    );
    return { userId: session.userId, client: new StocktakeClient(homeserverUrl, session.accessToken, state, { logger: this.logger, ...this.options.sync }) };
  }

  async send(conversation: string, reply: Reply): Promise<void> {
    const roomId = localId(PLATFORM, conversation);
    if (roomId === undefined) throw new Error(`not a Matrix conversation: ${conversation}`);
    await this.deliver(roomId, reply, this.view(conversation), {});
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    // Events still queued are skipped from here on: the sync position stays before them.
    this.state?.holdTokens();
    this.stopping = true;
    this.client?.stop();
    this.abort.abort();
    await this.work.idle();
    await this.state?.close();
    this.client?.removeAllListeners();
  }

  // --- events ---

  private async onInvite(roomId: string, event: unknown): Promise<void> {
    if (this.stopping || !this.client) return;
    const inviter = typeof (event as { sender?: unknown })?.sender === "string" ? (event as { sender: string }).sender : "";
    const { invites } = this.options.matrix;
    if (!inviteAllowed(inviter, { fromUsers: invites.fromUsers, fromServers: invites.fromServers, trusted: this.trustedInviters() })) {
      this.logger.info({ room: roomId, inviter }, "invite declined: inviter not allowed (matrix.invites)");
      await this.client.leaveRoom(roomId).catch((error: unknown) => this.logger.warn({ room: roomId, err: describeError(error) }, "could not decline the invite"));
      return;
    }
    try {
      await this.client.joinRoom(roomId);
      this.logger.info({ room: roomId, inviter }, "joined on invite");
    } catch (error) {
      this.logger.warn({ room: roomId, inviter, err: describeError(error) }, "could not join after an invite");
    }
  }

  private async onJoin(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    const facts = await this.facts(roomId);
    if (facts.encrypted) await this.warnEncrypted(roomId);
  }

  private async onEvent(roomId: string, raw: unknown, receivedAt: number): Promise<void> {
    if (this.stopping) return;
    const event = raw as { type?: unknown; state_key?: unknown; content?: Record<string, unknown>; sender?: unknown };
    switch (event.type) {
      case "m.room.message":
        return this.onRoomMessage(roomId, raw, receivedAt);
      case "m.room.encrypted":
        return this.warnEncrypted(roomId);
      case "m.room.encryption": {
        const facts = await this.cachedFacts(roomId);
        if (facts) facts.encrypted = true;
        return this.warnEncrypted(roomId);
      }
      default: {
        // State changes keep the cached room facts current; an uncached room is read whole when needed.
        const facts = await this.cachedFacts(roomId);
        if (facts && typeof event.state_key === "string") this.applyState(facts, event as StateEvent);
      }
    }
  }

  private async onRoomMessage(roomId: string, raw: unknown, receivedAt: number): Promise<void> {
    const state = this.state!;
    const parsed = RoomMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const event = parsed.data;
    const kind = classify(event, this.userId);
    if (kind.kind === "ignore") {
      if (kind.reason !== "own") this.logger.debug({ room: roomId, event: event.event_id, reason: kind.reason }, "message ignored");
      return;
    }
    if (state.wasHandled(event.event_id)) return;
    // unsigned.age is relative to when the sync arrived, so this holds whatever the clocks say.
    const before = event.unsigned?.age !== undefined ? receivedAt - event.unsigned.age < this.startedAt : event.origin_server_ts < this.startedAt - CLOCK_SKEW_MS;
    if (this.freshStart && before) {
      this.logger.debug({ room: roomId, event: event.event_id }, "message from before the first start ignored");
      return;
    }
    // Whether it is a command at all (the prefix) is the core's to say; here only whether it names the bot.
    let body = kind.body.trim();
    if (kind.attachment && (body.startsWith(this.options.core.prefix) || addressedText(body, this.names()) !== undefined)) {
      body = `${body.split("\n")[0]}\n${await this.attachedText(kind.attachment, roomId)}`;
    }
    const addressed = addressedText(body, this.names());
    const conversation = qualify(PLATFORM, roomId);
    const facts = await this.facts(roomId);
    const puppet = isPuppet(event.sender, this.puppetPatterns);
    const message: IncomingMessage = {
      text: addressed ?? body,
      addressed: addressed !== undefined,
      conversation,
      id: qualify(PLATFORM, event.event_id),
      bridge: this.bridgeReasons(roomId, facts),
      invoker: {
        id: qualify(PLATFORM, event.sender),
        displayName: facts.names.get(event.sender) ?? (await this.memberName(roomId, event.sender, facts)),
        roomGrants: powerLevelGrants({ userId: event.sender, levels: facts.levels, puppet }, this.options.matrix.powerLevels),
      },
    };
    const reply = await this.host!.handle(message);
    state.markHandled(event.event_id);
    if (reply === undefined || this.stopping) return;
    // Read after the command, which may have changed how the room is rendered (`!room irc on`).
    await this.deliver(roomId, reply, this.view(conversation), { replyTo: event.event_id, sender: event.sender, ...(kind.threadRoot ? { threadRoot: kind.threadRoot } : {}) });
  }

  /**
   * The text of a file sent with a command as its caption, for the core to read after the command
   * line. A file whose stated size is over MAX_ATTACHMENT_BYTES is not downloaded, and only that much
   * of any file is read; a file that states no size is downloaded whole first (bounded only by the
   * homeserver's upload limit) before it is cut.
   */
  private async attachedText(attachment: Attachment, roomId: string): Promise<string> {
    if (attachment.size !== undefined && attachment.size > MAX_ATTACHMENT_BYTES) return "";
    const [server, media] = attachment.url.slice("mxc://".length).split("/");
    if (!server || !media) return "";
    const path = `${encodeURIComponent(server)}/${encodeURIComponent(media)}`;
    try {
      // Authenticated media first (Synapse 1.120 and later), then the older route.
      const data = await this.client!.doRequest("GET", `/_matrix/client/v1/media/download/${path}`, null, null, 30_000, true, null, true).catch(() =>
        this.client!.doRequest("GET", `/_matrix/media/v3/download/${path}`, null, null, 30_000, true, null, true),
      );
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from((data as { body?: Buffer } | undefined)?.body ?? "");
      return bytes.subarray(0, MAX_ATTACHMENT_BYTES).toString("utf8");
    } catch (error) {
      this.logger.warn({ room: roomId, file: attachment.name, err: describeError(error) }, "could not download the attached file");
      return "";
    }
  }

  // --- output ---

  private async deliver(roomId: string, reply: Reply, view: ConversationView, context: { replyTo?: string; threadRoot?: string; sender?: string }): Promise<void> {
    const client = this.client;
    if (!client) throw new Error("the Matrix adapter is not started");
    const facts = await this.facts(roomId);
    const irc = this.isIrc(roomId, view, facts);
    const msgtype = view.settings.msgtype ?? this.options.matrix.msgtype;
    const { irc: ircConfig } = this.options.matrix;
    const prefix = this.options.core.prefix;
    const person = (who: PersonRef) => this.nickOf(who, facts);
    // Where the bridge drops the reply quote, a confirmation says whom it answers.
    const addressee = context.sender === undefined ? undefined : this.nickOf({ ids: [qualify(PLATFORM, context.sender)] }, facts);
    const lineBytes = bridgedTextBytes(facts.ircChannel);
    // In slices: a summary of a large release must not hold up every other room while it renders.
    const contents = await renderForMatrixInSlices(reply, {
      msgtype,
      prefix,
      ...(irc ? { irc: { lineBudget: ircConfig.lineBudget, linesPerMessage: ircConfig.linesPerMessage, prefix, person, lineBytes, ...(addressee === undefined ? {} : { addressee }) } } : {}),
    });
    const base = context.replyTo === undefined ? randomUUID() : createHash("sha256").update(context.replyTo).digest("base64url").slice(0, 24);
    for (const [index, content] of contents.entries()) {
      // Intentional mentions, empty: whatever a title says ("@room", a nick), nobody is pinged.
      const event: Record<string, unknown> = { ...content, "m.mentions": {} };
      // IRC users see neither threads nor reply quotes: bridged rooms get plain messages.
      if (!irc && context.threadRoot !== undefined) {
        event["m.relates_to"] = { rel_type: "m.thread", event_id: context.threadRoot, is_falling_back: index > 0, "m.in_reply_to": { event_id: context.replyTo ?? context.threadRoot } };
      } else if (!irc && index === 0 && context.replyTo !== undefined) {
        event["m.relates_to"] = { "m.in_reply_to": { event_id: context.replyTo } };
      }
      await sendEvent(client, roomId, "m.room.message", event, `stocktake.${base}.${index}`, { logger: this.logger, signal: this.abort.signal });
    }
  }

  private async warnEncrypted(roomId: string): Promise<void> {
    if (this.warnedEncrypted.has(roomId) || !this.client || this.stopping) return;
    this.warnedEncrypted.add(roomId);
    this.logger.warn({ room: roomId }, "encrypted room: cannot read commands there");
    await sendEvent(this.client, roomId, "m.room.message", { msgtype: "m.notice", body: ENCRYPTED_NOTICE, "m.mentions": {} }, `stocktake.e2ee.${randomUUID()}`, {
      logger: this.logger,
      signal: this.abort.signal,
    }).catch((error: unknown) => this.logger.warn({ room: roomId, err: describeError(error) }, "could not say that the room is encrypted"));
  }

  // --- rooms ---

  private view(conversation: string): ConversationView {
    return this.host?.conversation(conversation) ?? { boundProject: undefined, settings: {} };
  }

  private isIrc(roomId: string, view: ConversationView, facts: RoomFacts): boolean {
    if (view.settings.irc !== undefined) return view.settings.irc;
    return this.bridgeReasons(roomId, facts).length > 0;
  }

  /** Why the room looks bridged to IRC, for people (`!room`): the config, the bridge's state, its bot, an alias, its IRC users. */
  private bridgeReasons(roomId: string, facts: RoomFacts): string[] {
    const { irc } = this.options.matrix;
    const reasons: string[] = [];
    if (irc.rooms.includes(roomId)) reasons.push("the room is in matrix.irc.rooms");
    if (!irc.detect) return reasons;
    if (facts.ircBridgeState.size > 0) reasons.push(`the bridge's state event says so${facts.ircChannel ? ` (${facts.ircChannel})` : ""}`);
    const few = (ids: Set<string>) => [...ids].slice(0, 3).join(", ") + (ids.size > 3 ? ` and ${ids.size - 3} more` : "");
    if (facts.bridgeBots.size > 0) reasons.push(`the IRC bridge's bot ${few(facts.bridgeBots)} is a member`);
    if (facts.bridgeAliases.size > 0) reasons.push(`the room alias ${few(facts.bridgeAliases)} is an IRC bridge's`);
    if (facts.puppets.size > 0) reasons.push(`IRC users are members (${few(facts.puppets)})`);
    return reasons;
  }

  /** Whether a room is bridged to IRC, as the adapter currently sees it (for tests and logs). */
  async bridged(roomId: string): Promise<boolean> {
    return this.isIrc(roomId, this.view(qualify(PLATFORM, roomId)), await this.facts(roomId));
  }

  private cachedFacts(roomId: string): Promise<RoomFacts | undefined> {
    return this.rooms.get(roomId) ?? Promise.resolve(undefined);
  }

  /** Power levels, encryption, bridges and members of a room: read whole once, then kept current from its events. */
  private facts(roomId: string): Promise<RoomFacts> {
    let facts = this.rooms.get(roomId);
    if (!facts) {
      facts = this.loadFacts(roomId);
      this.rooms.set(roomId, facts);
      facts.catch(() => this.rooms.delete(roomId));
    }
    return facts;
  }

  private async loadFacts(roomId: string): Promise<RoomFacts> {
    const facts: RoomFacts = { levels: undefined, encrypted: false, ircBridgeState: new Set(), puppets: new Set(), bridgeBots: new Set(), bridgeAliases: new Set(), ircChannel: undefined, names: new Map() };
    const events = (await this.client!.getRoomState(roomId)) as StateEvent[];
    for (const event of events) this.applyState(facts, event);
    return facts;
  }

  private applyState(facts: RoomFacts, event: StateEvent): void {
    const content = event.content ?? {};
    switch (event.type) {
      case "m.room.power_levels": {
        const levels = PowerLevelsSchema.safeParse(content);
        if (levels.success) facts.levels = levels.data;
        break;
      }
      case "m.room.encryption":
        facts.encrypted = typeof content["algorithm"] === "string";
        break;
      case "m.bridge":
      case "uk.half-shot.bridge": {
        const protocol = content["protocol"] as { id?: unknown } | undefined;
        if (typeof protocol?.id === "string" && protocol.id.toLowerCase() === "irc") {
          facts.ircBridgeState.add(`${event.type}|${event.state_key}`);
          const channel = (content["channel"] as { id?: unknown } | undefined)?.id;
          if (typeof channel === "string" && channel !== "") facts.ircChannel = channel;
        } else facts.ircBridgeState.delete(`${event.type}|${event.state_key}`);
        break;
      }
      case "m.room.canonical_alias": {
        const aliases = [content["alias"], ...(Array.isArray(content["alt_aliases"]) ? content["alt_aliases"] : [])].filter((alias): alias is string => typeof alias === "string");
        facts.bridgeAliases = new Set(aliases.filter((alias) => this.aliasPatterns.some((pattern) => pattern.test(alias))));
        break;
      }
      case "m.room.member": {
        const userId = event.state_key;
        if (typeof userId !== "string") break;
        const joined = content["membership"] === "join";
        if (joined && isPuppet(userId, this.puppetPatterns)) facts.puppets.add(userId);
        else facts.puppets.delete(userId);
        // Invited counts too: a bridge's bot is often invited with the bot, before either joins.
        if ((joined || content["membership"] === "invite") && this.bridgeBotPatterns.some((pattern) => pattern.test(userId))) facts.bridgeBots.add(userId);
        else facts.bridgeBots.delete(userId);
        if (typeof content["displayname"] === "string" && content["displayname"] !== "") facts.names.set(userId, content["displayname"]);
        break;
      }
    }
  }

  private async memberName(roomId: string, userId: string, facts: RoomFacts): Promise<string> {
    const localpart = userId.slice(1, userId.indexOf(":") > 0 ? userId.indexOf(":") : undefined);
    try {
      const member = (await this.client!.getRoomStateEvent(roomId, "m.room.member", userId)) as { displayname?: unknown };
      const name = typeof member.displayname === "string" && member.displayname !== "" ? member.displayname : localpart;
      facts.names.set(userId, name);
      return name;
    } catch {
      return localpart;
    }
  }

  /**
   * How IRC users know a person: a bridged IRC user by their nick ("@irc_alice:server" → alice),
   * a person of the config by their name, a Matrix user by the display name the bridge shows, else
   * their localpart. Never a pill: IRC users would see its HTML or nothing.
   */
  private nickOf(person: PersonRef, facts: RoomFacts): string {
    const userId = personIdOn(person, PLATFORM);
    if (userId === undefined) return personName(person);
    const localpart = userId.slice(1, userId.indexOf(":") > 0 ? userId.indexOf(":") : undefined);
    for (const pattern of this.puppetPatterns) {
      const match = pattern.exec(userId);
      if (match && match.index === 0 && match[0].length > 1) return userId.slice(match[0].length, userId.indexOf(":") > 0 ? userId.indexOf(":") : undefined) || localpart;
    }
    // A person of the config by the name it gives them; anyone else as the room shows them.
    return person.name ?? facts.names.get(userId) ?? localpart;
  }

  /** Names people address the bot by: the configured name, its localpart, its display name. */
  private names(): string[] {
    const localpart = this.userId.slice(1, this.userId.indexOf(":"));
    return [this.options.core.botName, localpart, this.userId, ...(this.displayName ? [this.displayName] : [])];
  }

  /** Admins and release managers named in the config may always invite the bot. */
  private trustedInviters(): Set<string> {
    const ids = [...this.options.core.admins, ...Object.values(this.options.core.projects).flatMap((project) => project.releaseManagers)];
    return new Set(ids.flatMap((id) => localId(PLATFORM, id) ?? []));
  }

  /** Rooms named in the config (a project's rooms, IRC rooms): joined at start where the bot may. */
  private async joinConfiguredRooms(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const configured = new Set([
      ...Object.values(this.options.core.projects).flatMap((project) => project.rooms.flatMap((room) => localId(PLATFORM, room) ?? [])),
      ...this.options.matrix.irc.rooms,
    ]);
    if (configured.size === 0) return;
    const joined = new Set(await client.getJoinedRooms().catch(() => [] as string[]));
    for (const roomId of configured) {
      if (joined.has(roomId) || this.stopping) continue;
      await client
        .joinRoom(roomId)
        .then(() => this.logger.info({ room: roomId }, "joined a room named in the config"))
        .catch((error: unknown) => this.logger.warn({ room: roomId, err: describeError(error) }, "could not join a room named in the config (invite the bot?)"));
    }
  }
}

interface StateEvent {
  type?: unknown;
  state_key?: unknown;
  content?: Record<string, unknown>;
}
