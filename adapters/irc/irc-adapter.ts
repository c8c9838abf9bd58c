import { readFileSync } from "node:fs";
import irc, { type Client, type ConnectOptions, type MessageEvent } from "irc-framework";
import { addressedText } from "../../src/addressing.js";
import type { AdapterStatus, AnnouncementTarget, ChatAdapter, ChatHost, Logger } from "../../src/ports.js";
import { apology, errorRef } from "../../src/reply/apology.js";
import { personName } from "../../src/reply/inline.js";
import { renderSoon } from "../../src/reply/in-slices.js";
import { renderIrcSteps } from "../../src/reply/render-irc.js";
import type { PersonRef, Reply } from "../../src/reply/reply.js";
import type { IrcConfig } from "./config.js";
import { Accounts } from "./accounts.js";
import { TokenBucket } from "./flood.js";
import { conversationId, personId, targetOf, unregisteredNick } from "./ids.js";
import { fitLine, stripFormatting, textBytes } from "./lines.js";

export interface IrcAdapterOptions {
  config: IrcConfig;
  /** The core's command prefix, for the pointer in condensed summaries. */
  prefix: string;
  /** The bot's name (`botName`), which addresses it like its nick does ("stocktake: stock"). */
  botName: string;
  logger: Logger;
  /** How long `start` waits for the server to accept the bot (default 30 s). */
  registerTimeoutMs?: number;
  /** How long a WHOIS may take before the person counts as having no account (default 5 s). */
  whoisTimeoutMs?: number;
}

/** Nicks are 9 characters on servers that do not say otherwise (RFC 2812, ngIRCd's default). */
const RFC_NICK_LENGTH = 9;
const REGAIN_NICK_MS = 60_000;
const REJOIN_AFTER_KICK_MS = 10_000;

interface Outgoing {
  command: "NOTICE" | "PRIVMSG";
  target: string;
  line: string;
  /** The reply the line is part of. */
  delivery: Delivery;
}

/** A reply's lines on their way: sent once every line is, failed once one is. One promise per reply, not one per line. */
class Delivery {
  readonly sent: Promise<void>;
  private left: number;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(lines: number) {
    this.left = lines;
    this.sent = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (lines === 0) this.resolve();
  }

  lineSent(): void {
    if (--this.left === 0) this.resolve();
  }

  failed(error: Error): void {
    this.reject(error);
  }
}

/**
 * One IRC network, joined directly through irc-framework: commands from channel messages and
 * private queries go to the host; replies go out as plain lines (NOTICE by default) within the
 * byte budget, through a token bucket. People are known by their services account only.
 * Holds no planning logic.
 */
export class IrcAdapter implements ChatAdapter {
  readonly name = "irc";
  private client: Client | undefined;
  private host: ChatHost | undefined;
  private readonly logger: Logger;
  private readonly config: IrcConfig & { network: string; host: string };
  private readonly bucket: TokenBucket;
  private registered = false;
  private stopped = false;
  private attempts = 0;
  private nickTries = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private regainTimer: NodeJS.Timeout | undefined;
  private readonly outgoing: Outgoing[] = [];
  private pumping = false;
  /** The last delivery's turn at the queue: each waits for the one before to have queued its lines. */
  private delivering: Promise<void> = Promise.resolve();
  /** Deliveries still rendering or waiting their turn: while there are any, a reply rendered at once queues behind them. */
  private waiting = 0;
  private readyWaiters: (() => void)[] = [];
  /** Accounts the network told us about (extended-join, account-notify), and the queries for the rest. */
  private readonly accounts: Accounts;
  /** The nick last seen for each person id, to name people as IRC users know them. */
  private readonly nicks = new Map<string, string>();

  constructor(private readonly options: IrcAdapterOptions) {
    const { config } = options;
    if (config.network === undefined || config.host === undefined) throw new Error("irc.network and irc.host are required");
    this.config = { ...config, network: config.network, host: config.host };
    this.logger = options.logger;
    this.bucket = new TokenBucket(config.flood.linesPerSecond, config.flood.burst);
    this.accounts = new Accounts({ timeoutMs: options.whoisTimeoutMs ?? 5_000, beforeQuery: () => this.bucket.take() });
  }

  status(): AdapterStatus {
    if (this.stopped) return "down";
    return this.registered ? "connected" : "connecting";
  }

  announcementTargets(): AnnouncementTarget[] {
    return Object.entries(this.config.announcements).map(([project, channel]) => ({ project, conversation: this.conversationOf(channel) }));
  }

  /** Resolves once the server has accepted the bot; after that the adapter reconnects on its own. */
  async start(host: ChatHost): Promise<void> {
    this.host = host;
    this.stopped = false;
    const client = new irc.Client();
    this.client = client;
    this.listen(client);
    const registered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.config.host}:${this.config.port} did not accept the bot within ${this.options.registerTimeoutMs ?? 30_000} ms`)), this.options.registerTimeoutMs ?? 30_000);
      const onRegistered = () => {
        clearTimeout(timer);
        client.off("close", onClose);
        resolve();
      };
      const onClose = () => fail(new Error(`could not connect to ${this.config.host}:${this.config.port}`));
      const fail = (error: Error) => {
        clearTimeout(timer);
        client.off("registered", onRegistered);
        client.off("close", onClose);
        this.discard(client);
        reject(error);
      };
      client.once("registered", onRegistered);
      client.once("close", onClose);
    });
    client.connect(this.connectOptions());
    await registered;
  }

  async send(conversation: string, reply: Reply): Promise<void> {
    const target = targetOf(this.config.network, conversation);
    if (target === undefined) throw new Error(`not a conversation on IRC network ${this.config.network}: ${conversation}`);
    await this.deliver(target, reply);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    // Lines already queued (the last announcements) go out first, for a little while.
    await Promise.race([this.drained(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.regainTimer);
    for (const item of this.outgoing.splice(0)) item.delivery.failed(new Error("the IRC adapter stopped"));
    for (const wake of this.readyWaiters.splice(0)) wake();
    const client = this.client;
    this.client = undefined;
    this.registered = false;
    if (!client) return;
    const closed = new Promise((resolve) => {
      client.once("close", resolve);
      setTimeout(resolve, 2_000).unref();
    });
    client.quit("Stocktake is stopping");
    await closed;
    this.discard(client);
  }

  // --- the connection ---

  private connectOptions(): ConnectOptions {
    const { config } = this;
    const sasl = config.sasl;
    return {
      host: config.host,
      port: config.port,
      tls: config.tls,
      rejectUnauthorized: !config.tlsInsecure,
      nick: config.nick,
      username: config.username,
      gecos: config.realname,
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(sasl?.mechanism === "PLAIN" ? { account: { account: sasl.account!, password: sasl.password! }, sasl_mechanism: "PLAIN" as const } : {}),
      ...(sasl?.mechanism === "EXTERNAL"
        ? { sasl_mechanism: "EXTERNAL" as const, client_certificate: { certificate: readFileSync(sasl.certFile!, "utf8"), private_key: readFileSync(sasl.keyFile!, "utf8") } }
        : {}),
      // A bot whose login failed must not sit in channels as somebody else: drop and retry with backoff.
      sasl_disconnect_on_fail: sasl !== undefined,
      // The adapter reconnects itself, with its own backoff and without a retry limit.
      auto_reconnect: false,
      // Lines arrive already fitted to the budget; the library must not split them again.
      message_max_length: 500,
      version: "Stocktake",
    };
  }

  private listen(client: Client): void {
    // An answer is several short lines written at once: without this, Nagle holds the second until
    // the server acknowledges the first (up to its delayed-ACK time, 40 ms on Linux).
    client.on("socket connected", () => client.connection.transport?.socket?.setNoDelay?.(true));
    client.on("registered", () => this.onRegistered(client));
    client.on("close", () => this.onClose(client));
    client.on("nick in use", () => this.onNickRefused(client));
    client.on("nick invalid", () => this.onNickRefused(client));
    client.on("privmsg", (event: MessageEvent) => void this.onMessage(client, event));
    this.accounts.listen(client);
    client.on("nick", (event: { nick: string; new_nick: string }) => {
      if (client.caseCompare(event.nick, this.config.nick)) this.regainNick(client);
    });
    client.on("quit", (event: { nick: string }) => {
      if (client.caseCompare(event.nick, this.config.nick)) this.regainNick(client);
    });
    client.on("kick", (event: { kicked: string; channel: string }) => {
      if (!client.caseCompare(event.kicked, client.user.nick)) return;
      const channel = this.config.channels.find((candidate) => client.caseCompare(candidate.name, event.channel));
      this.logger.warn({ channel: event.channel }, "kicked from an IRC channel");
      if (channel) setTimeout(() => this.client === client && this.registered && client.join(channel.name, channel.key), REJOIN_AFTER_KICK_MS).unref();
    });
    client.on("sasl failed", (event: { reason: string }) => this.logger.error({ reason: event.reason, mechanism: this.config.sasl?.mechanism }, "IRC SASL login failed"));
    client.on("irc error", (event: { error: string; reason?: string; channel?: string }) => this.logger.warn({ error: event.error, reason: event.reason, channel: event.channel }, "IRC server refused something"));
    client.on("socket error", (error: Error) => this.logger.warn({ err: error }, "IRC socket error"));
  }

  private onRegistered(client: Client): void {
    if (client !== this.client) return;
    this.registered = true;
    this.attempts = 0;
    this.nickTries = 0;
    this.logger.info({ network: this.config.network, nick: client.user.nick, caps: client.network.cap.enabled }, "connected to IRC");
    // JOINs go before any queued line, so replies to channels arrive after the bot is back in them.
    for (const channel of this.config.channels) client.join(channel.name, channel.key);
    clearInterval(this.regainTimer);
    this.regainTimer = setInterval(() => this.regainNick(client), REGAIN_NICK_MS);
    this.regainTimer.unref();
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  private onClose(client: Client): void {
    if (client !== this.client) return;
    const wasRegistered = this.registered;
    this.registered = false;
    this.accounts.clear();
    clearInterval(this.regainTimer);
    if (this.stopped || !wasRegistered && this.attempts === 0) return; // start() reports a first failure itself
    const { initialMs, maxMs } = this.config.reconnect;
    const wait = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempts, 20));
    this.attempts++;
    this.logger.warn({ network: this.config.network, attempt: this.attempts, waitMs: wait }, "IRC connection lost; reconnecting");
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped || client !== this.client) return;
      client.connect(this.connectOptions());
    }, wait);
  }

  /** Nick taken or refused while registering: the next alternate, within the server's nick length. */
  private onNickRefused(client: Client): void {
    if (this.registered) return; // a regain attempt failed; the current nick stays
    this.nickTries++;
    const suffix = this.nickTries <= 2 ? "_".repeat(this.nickTries) : String(100 + Math.floor(Math.random() * 900));
    const length = Number(client.network.options["NICKLEN"]) || RFC_NICK_LENGTH;
    const base = this.config.nick.slice(0, Math.max(1, length - suffix.length));
    const next = `${base}${suffix}`;
    this.logger.warn({ wanted: this.config.nick, trying: next }, "IRC nick in use");
    client.changeNick(next);
  }

  private regainNick(client: Client): void {
    if (client !== this.client || !this.registered || client.caseCompare(client.user.nick, this.config.nick)) return;
    client.changeNick(this.config.nick);
  }

  private discard(client: Client): void {
    client.removeAllListeners();
    client.on("error", () => undefined);
    client.connection.end();
    if (this.client === client) this.client = undefined;
  }

  // --- people and messages ---

  private conversationOf(target: string): string {
    const lower = this.client ? this.client.caseLower(target) : target.toLowerCase();
    return conversationId(this.config.network, lower);
  }

  private isChannel(client: Client, target: string): boolean {
    const types = client.network.options["CHANTYPES"];
    return (typeof types === "string" ? types : "#&").includes(target.charAt(0));
  }

  private async onMessage(client: Client, event: MessageEvent): Promise<void> {
    const host = this.host;
    if (!host || client !== this.client || event.from_server || client.caseCompare(event.nick, client.user.nick)) return;
    const inChannel = this.isChannel(client, event.target);
    const text = stripFormatting(event.message);
    const addressed = addressedText(text, [client.user.nick, this.config.nick, this.options.botName]);
    // A private query is addressed to the bot by being private.
    const isForUs = addressed !== undefined || !inChannel;
    if (!isForUs && !text.trimStart().startsWith(this.options.prefix)) return;
    const replyTo = inChannel ? event.target : event.nick;
    try {
      const known = this.accounts.of(client, event);
      const account = known instanceof Promise ? await known : known;
      const id = personId(this.config.network, account, event.nick);
      this.nicks.set(id, event.nick);
      const msgid = event.tags["msgid"];
      const message = {
        text: addressed ?? text,
        invoker: { id, displayName: event.nick },
        conversation: this.conversationOf(replyTo),
        ...(isForUs ? { addressed: true } : {}),
        ...(msgid ? { id: `${conversationId(this.config.network, "msgid")}:${msgid}` } : {}),
      };
      // A reply ready at once goes out in this turn, from inside the library's event, as a bot
      // answering in its handler does; one that waits (a write, a lookup) is awaited.
      const answered = host.answer ? host.answer(message) : host.handle(message);
      const reply = answered instanceof Promise ? await answered : answered;
      if (!reply) return;
      // What only the person needs to see (an error about their own command) goes to them alone.
      // In a channel, a confirmation or a refusal names whom it answers; a private query needs no name.
      if (reply.private && inChannel) await this.deliver(event.nick, reply);
      else await this.deliver(replyTo, reply, inChannel ? event.nick : undefined);
    } catch (error) {
      const ref = errorRef();
      this.logger.error({ err: error, ref, target: event.target, nick: event.nick }, "IRC message failed");
      await this.deliver(event.nick, apology(ref)).catch(() => undefined);
    }
  }

  /** `person` for the renderer, made once: a closure made per reply is renamed each time under tsx (keepNames). */
  private readonly personText = (person: PersonRef): string => this.person(person);

  /**
   * How IRC users know a person: by the nick last seen for their id on this network, else by their
   * name from the config, else by the id's own name (the account, or the id without its platform).
   */
  private person(person: PersonRef): string {
    const network = this.config.network;
    const id = person.ids.find((candidate) => candidate.startsWith(`irc:${network}/`));
    const nick = id === undefined ? undefined : (this.nicks.get(id) ?? unregisteredNick(network, id));
    if (nick !== undefined) return nick;
    if (person.name !== undefined) return person.name;
    return id === undefined ? personName(person) : id.slice(`irc:${network}/`.length);
  }

  // --- output ---

  private async deliver(target: string, reply: Reply, addressee?: string): Promise<void> {
    const command = this.config.replyAs === "notice" ? "NOTICE" : "PRIVMSG";
    const nick = this.client?.user.nick ?? this.config.nick;
    // Room for a nick the bot may be given back later, not only the one it has now.
    const width = textBytes(nick.length > this.config.nick.length ? nick : this.config.nick, command, target);
    // In slices: a full summary of a large release is thousands of lines, and the channel's other traffic must not wait on them.
    const rendered = renderSoon(reply, renderIrcSteps(reply, { lineBudget: this.config.lineBudget, prefix: this.options.prefix, maxLineLength: width, person: this.personText, ...(addressee === undefined ? {} : { addressee }) }));
    // Replies are queued in the order they were delivered, as when rendering never waited: a short
    // reply rendered quickly does not overtake a long one delivered before it. One rendered at once
    // with none before it is queued now, in the turn that made it.
    if (!(rendered instanceof Promise) && this.waiting === 0) return this.enqueue(command, target, rendered, width).sent;
    this.waiting++;
    const queued = this.delivering.then(async () => {
      try {
        return { delivery: this.enqueue(command, target, await rendered, width) };
      } finally {
        this.waiting--;
      }
    });
    this.delivering = queued.then(
      () => undefined,
      () => undefined,
    );
    await (await queued).delivery.sent;
  }

  /** Queues a reply's lines, all before any is sent, so the ones the bucket lets go now leave together. */
  private enqueue(command: Outgoing["command"], target: string, rendered: readonly string[], width: number): Delivery {
    const lines: string[] = [];
    for (const line of rendered) for (const piece of fitLine(stripFormatting(line), width)) if (piece.trim() !== "") lines.push(piece);
    const delivery = new Delivery(lines.length);
    if (this.stopped) {
      delivery.failed(new Error("the IRC adapter stopped"));
      return delivery;
    }
    for (const line of lines) this.outgoing.push({ command, target, line, delivery });
    void this.pump();
    return delivery;
  }

  /** Sends queued lines in order, one token each, waiting out disconnections. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    // Lines sent without waiting in between go to the socket as one write (corked), not one each.
    let corked: { uncork(): void } | undefined;
    try {
      while (this.outgoing.length > 0 && !this.stopped) {
        if (!this.registered) {
          corked = uncork(corked);
          await new Promise<void>((wake) => this.readyWaiters.push(wake));
          continue;
        }
        // A token at hand is taken at once: an answer after a quiet spell leaves in the turn that
        // rendered it, not after a round of promise hops.
        if (!this.bucket.tryTake()) {
          corked = uncork(corked);
          await this.bucket.take();
        }
        const client = this.client;
        if (!client || !this.registered) continue;
        if (!corked) {
          const socket = client.connection.transport?.socket;
          socket?.cork?.();
          corked = socket?.uncork ? (socket as { uncork(): void }) : undefined;
        }
        const item = this.outgoing.shift()!;
        // Raw: the line is fitted to the byte budget already, and irc-framework's notice()/say() would
        // split it again, re-encoding the line so far to UTF-8 at every word.
        client.raw(item.command, item.target, item.line);
        item.delivery.lineSent();
      }
    } finally {
      uncork(corked);
      this.pumping = false;
    }
  }

  private async drained(): Promise<void> {
    while (this.outgoing.length > 0 && this.registered && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends what a corked socket holds; nothing is corked after. */
function uncork(socket: { uncork(): void } | undefined): undefined {
  socket?.uncork();
  return undefined;
}
