import { once } from "node:events";
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  GuildMember,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type PermissionsBitField,
  type SendableChannels,
  type User,
} from "discord.js";
import { addressedText } from "../../src/addressing.js";
import type { DiscordConfig } from "./config.js";
import { localId, qualify } from "../../src/ids.js";
import type { Metrics } from "../../src/metrics/metrics.js";
import type { AdapterStatus, AnnouncementTarget, ChatAdapter, ChatHost, CommandInfo, ConnectionReport, Invoker, Logger } from "../../src/ports.js";
import { apology, errorRef } from "../../src/reply/apology.js";
import type { Reply } from "../../src/reply/reply.js";
import { renderReplySoon, type DiscordMessage } from "./render.js";
import { discordRoleGrants, type MemberFacts } from "./roles.js";
import { readInvocation, shorten } from "./slash-commands.js";
import { LateWatch } from "./late-watch.js";

/** A file sent with a command is read up to this size: a long status mail, as a pasted one may be. */
const MAX_ATTACHMENT_BYTES = 200_000;

/** A status mail as people attach it: .txt, .eml, .mbox, or any text/* or message/rfc822 file. */
function isTextFile(name: string, contentType: string | null): boolean {
  return /\.(txt|eml|mbox|text)$/i.test(name) || /^(text\/|message\/rfc822|application\/mbox)/i.test(contentType ?? "");
}

export interface DiscordAdapterOptions {
  config: DiscordConfig;
  /** The core's command prefix, to show command hints the way people can type them. */
  prefix: string;
  /** The commands, as data: what slash commands and their options map to. */
  commands: readonly CommandInfo[];
  logger: Logger;
  /**
   * Answer directly when the reply is ready within this many milliseconds, else defer first
   * (default 1 500: Discord forgets an interaction not acknowledged within 3 s). 0 always defers.
   */
  deferAfterMs?: number;
  /** Counts posts and reconnects for /metrics. */
  metrics?: Metrics;
}

const DEFAULT_DEFER_AFTER_MS = 1_500;
const AUTOCOMPLETE_CHOICES = 25;

const PLATFORM = "discord";

const DISCORD_EPOCH = 1_420_070_400_000n;
/** The first snowflake at or after an instant: `after` this one is "since then". */
function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH) << 22n).toString();
}
/** Pages of 100 read per channel at most when catching up. */
const CATCH_UP_PAGES = 5;
/** Message ids this process has taken in (live or caught up): neither path handles one twice. */
const SEEN_MESSAGES = 10_000;

/** "discord:123" ⇄ channel 123. */
export function channelIdOf(conversation: string): string | undefined {
  const id = localId(PLATFORM, conversation);
  return id !== undefined && /^\d+$/.test(id) ? id : undefined;
}

/** Nothing Stocktake posts pings anyone, whatever a feature or a person is called. */
const PING_NOBODY = { parse: [] as [] };

/** discord.js send options for a rendered message; mentions stay off whatever the caller passes. */
function toOptions(message: DiscordMessage) {
  return {
    ...(message.content === undefined ? {} : { content: message.content }),
    ...(message.embeds === undefined ? {} : { embeds: message.embeds }),
    ...(message.files === undefined ? {} : { files: message.files.map((file) => ({ attachment: file.data, name: file.name })) }),
    allowedMentions: PING_NOBODY,
  };
}

/**
 * Discord through discord.js v14: slash commands (generated from the core's specs) run
 * `bot.execute`, typed `!commands` (where the Message Content intent is on) and messages that
 * mention the bot run `bot.handle`, and each project's announcements channel gets its news.
 * Holds no planning logic: it turns Discord events into core calls and `Reply`s into messages.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly name = "discord";
  private client: Client | undefined;
  private host: ChatHost | undefined;
  private readonly logger: Logger;
  private readonly deferAfterMs: number;
  /** Which slash commands' answers are late (past `deferAfterMs`), to defer them. */
  private readonly late: LateWatch;
  private readonly seen = new Set<string>();
  private catchingUp: Promise<void> | undefined;
  /** The gateway connection, as the shard events tell it; /healthz and the logs show it. */
  private readonly link: ConnectionReport = { disconnects: 0, reconnects: 0 };
  private connected = false;
  private downSince: number | undefined;
  /** Attempts to get the connection back in the current outage. */
  private attempts = 0;
  private targets: readonly AnnouncementTarget[] | undefined;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.logger = options.logger;
    this.deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
    this.late = new LateWatch(this.deferAfterMs);
  }

  /** The logged-in client, for tests and the benchmark. */
  get discord(): Client<true> | undefined {
    return this.client?.isReady() ? this.client : undefined;
  }

  async start(host: ChatHost): Promise<void> {
    const { config } = this.options;
    if (config.token === undefined) throw new Error("discord.token is not set");
    this.host = host;
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
    // Message Content is privileged: asked for only when prefix commands are on.
    if (config.prefixCommands) intents.push(GatewayIntentBits.MessageContent);
    const client = new Client({
      intents,
      // The default for everything this client sends; every send also passes it explicitly.
      allowedMentions: PING_NOBODY,
      ...(config.restApi ? { rest: { api: config.restApi } } : {}),
    });
    this.client = client;

    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.MessageCreate, (message) => void this.onMessage(message, host));
    client.on(Events.Error, (error) => this.logger.error({ err: error }, "discord client error"));
    client.on(Events.Warn, (warning) => this.logger.warn({ warning }, "discord client warning"));
    // Every change of the gateway connection is logged and counted: a silent outage is the worst kind.
    client.on(Events.ShardDisconnect, (event, shard) => this.lost(shard, `closed with code ${event.code}`, "discord gateway disconnected; not reconnecting"));
    client.on(Events.ShardReconnecting, (shard) => this.lost(shard, "connection lost", "discord gateway connection lost; reconnecting"));
    client.on(Events.ShardError, (error, shard) => {
      this.logger.warn({ err: error, shard, attempt: this.attempts }, "discord gateway error; retrying");
      this.link.lastError = error.message;
    });
    client.on(Events.Invalidated, () => this.logger.warn({}, "discord session invalidated"));
    client.on(Events.ShardResume, (shard, replayed) => this.regained(shard, `resumed, ${replayed} events replayed`));
    client.on(Events.ShardReady, (shard) => {
      if (this.downSince !== undefined) this.regained(shard, "new session");
      else this.connected = true;
      // A new session (start, or a reconnect that could not resume) missed what was said meanwhile;
      // a resumed one gets it replayed by Discord.
      void this.catchUp(host);
    });
    client.rest.on("rateLimited", (info) => this.logger.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, "discord rate limit: waiting"));

    const ready = once(client, Events.ClientReady);
    try {
      await client.login(config.token);
      await ready;
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, prefixCommands: config.prefixCommands }, "discord connected");
    void this.catchUp(host);
  }

  /**
   * Posts to a channel ("discord:<channelId>"). In an announcement channel the post is also
   * published to the servers that follow it.
   */
  async send(conversation: string, reply: Reply): Promise<void> {
    const client = this.client;
    const channelId = channelIdOf(conversation);
    if (!client || channelId === undefined) throw new Error(`not a Discord conversation: ${conversation}`);
    const channel = client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId));
    if (!channel?.isSendable()) throw new Error(`cannot post in Discord channel ${channelId}`);
    const messages = await this.render(reply, this.mayEmbed(channel));
    for (const message of messages) {
      const sent = await channel.send(toOptions(message));
      if (channel.type === ChannelType.GuildAnnouncement) {
        // Publishing is a courtesy: a missing permission or Discord's 10-an-hour cap must not lose the post.
        await sent.crosspost().catch((error: unknown) => this.logger.warn({ err: error, channel: channelId }, "could not publish the announcement"));
      }
    }
  }

  /** Connected to the gateway now, reconnecting, or stopped. */
  status(): AdapterStatus {
    if (!this.client) return "down";
    return this.connected ? "connected" : "connecting";
  }

  /** Disconnects and reconnects since start, for /healthz. */
  connection(): ConnectionReport {
    return { ...this.link };
  }

  private lost(shard: number, reason: string, message: string): void {
    if (this.connected || this.downSince === undefined) {
      this.link.disconnects++;
      this.link.lastDisconnectAt = new Date().toISOString();
      this.link.lastDisconnectReason = reason;
      this.downSince = Date.now();
      this.options.metrics?.count("stocktake_adapter_disconnects_total", { adapter: this.name });
    }
    this.connected = false;
    this.attempts++;
    this.logger.warn({ shard, reason, attempt: this.attempts, disconnects: this.link.disconnects }, message);
  }

  private regained(shard: number, how: string): void {
    const downMs = this.downSince === undefined ? 0 : Date.now() - this.downSince;
    this.connected = true;
    this.downSince = undefined;
    const attempts = this.attempts;
    this.attempts = 0;
    this.link.reconnects++;
    this.options.metrics?.count("stocktake_adapter_reconnects_total", { adapter: this.name });
    this.logger.info({ shard, how, downMs, attempts, reconnects: this.link.reconnects }, `discord gateway reconnected (${how}) after ${Math.round(downMs / 1000)} s`);
  }

  /**
   * Reads each bound channel's messages from the last `catchUpHours` and handles, oldest first,
   * the ones nobody answered: typed while the bot was down or its connection was lost. A message
   * counts as answered when the bot's reply refers to it; a change applied before a crash is
   * recognised by its message id (the store records it), so nothing is applied twice.
   */
  catchUp(host: ChatHost): Promise<void> {
    this.catchingUp ??= this.readMissed(host)
      .catch((error: unknown) => this.logger.error({ err: error }, "discord catch-up failed"))
      .finally(() => {
        this.catchingUp = undefined;
      });
    return this.catchingUp;
  }

  /** Resolves when a catch-up in progress is over (for tests). */
  async settled(): Promise<void> {
    await this.catchingUp;
  }

  private async readMissed(host: ChatHost): Promise<void> {
    const client = this.client;
    const hours = this.options.config.catchUpHours;
    if (!client?.isReady() || hours <= 0) return;
    const since = snowflakeAt(Date.now() - hours * 3_600_000);
    const me = client.user.id;
    for (const channel of client.channels.cache.values()) {
      if (!channel.isTextBased() || channel.isDMBased() || !("messages" in channel)) continue;
      if (host.conversation(qualify(PLATFORM, channel.id)).boundProject === undefined) continue;
      const messages: Message[] = [];
      let after = since;
      for (let page = 0; page < CATCH_UP_PAGES; page++) {
        const batch = await channel.messages.fetch({ after, limit: 100, cache: false }).catch((error: unknown) => {
          // No Read Message History here: that channel is skipped, the others go on.
          this.logger.warn({ err: error, channel: channel.id }, "discord catch-up: cannot read the channel's messages");
          return undefined;
        });
        if (!batch || batch.size === 0) break;
        messages.push(...batch.values());
        after = [...batch.keys()].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
        if (batch.size < 100) break;
      }
      const answered = new Set(messages.filter((message) => message.author.id === me).flatMap((message) => (message.reference?.messageId ? [message.reference.messageId] : [])));
      const missed = messages
        .filter((message) => message.author.id !== me && !answered.has(message.id) && !this.seen.has(message.id))
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      if (missed.length === 0) continue;
      this.logger.info({ channel: channel.id, messages: missed.length }, "discord catch-up: reading messages sent while disconnected");
      for (const message of missed) await this.onMessage(message, host);
    }
  }

  /**
   * Each project's announcements channel: its news, and the scheduled posts without anyone asking
   * there. From the config, so made once: the announcer asks for them on every change.
   */
  announcementTargets(): AnnouncementTarget[] {
    this.targets ??= Object.entries(this.options.config.announcements).map(([project, channel]) => ({ project, conversation: qualify(PLATFORM, channel) }));
    return [...this.targets];
  }

  async stop(): Promise<void> {
    const client = this.client;
    // Set first: the close this causes is ours, not an outage.
    this.client = undefined;
    this.connected = false;
    this.late.stop();
    client?.removeAllListeners(Events.ShardDisconnect).removeAllListeners(Events.ShardReconnecting);
    await client?.destroy();
  }

  // ---- slash commands and autocomplete ----

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.autocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.command(interaction);
    } catch (error) {
      // Never let an error escape into discord.js; tell the person, briefly and privately.
      const ref = errorRef();
      this.logger.error({ err: error, ref, interaction: interaction.id, channel: interaction.channelId }, "discord interaction failed");
      if (!interaction.isChatInputCommand()) return;
      const sorry = { ...toOptions((await this.render(apology(ref), true))[0]!), flags: MessageFlags.Ephemeral as const };
      await (interaction.replied || interaction.deferred ? interaction.followUp(sorry) : interaction.reply(sorry)).catch(() => undefined);
    }
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const host = this.host!;
    const invocation = readInvocation(this.options.commands, interaction.commandName, interaction.options.data);
    if (!invocation) {
      await interaction.reply({
        content: `I no longer know /${interaction.commandName}. An admin can refresh the list with \`stocktake discord deploy-commands\`.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: PING_NOBODY,
      });
      return;
    }
    const origin = {
      invoker: this.invokerOf(interaction.user, interaction.member instanceof GuildMember ? interaction.member : null, interaction.memberPermissions, interaction),
      conversation: qualify(PLATFORM, interaction.channelId),
      id: qualify(PLATFORM, interaction.id),
    };
    const work = host.execute(invocation.spec.path, invocation.args, origin);

    // Most commands answer in a few milliseconds, so the reply goes out in one request. Deferring
    // every command would double the round trips; deferring none would lose a slow answer (a big
    // export, a slow disk) to Discord's 3-second limit. So defer only when the answer is late.
    let deferred = false;
    let reply: Reply;
    if (this.deferAfterMs <= 0) {
      await interaction.deferReply();
      deferred = true;
      reply = await work;
    } else {
      // Late: "thinking…" goes out then, while the answer is still awaited.
      let deferring: Promise<void> | undefined;
      const watched = this.late.watch(() => {
        deferring = interaction.deferReply().then(() => {
          deferred = true;
        });
        // Awaited below once the answer is there; a failure meanwhile is not an unhandled one.
        deferring.catch(() => undefined);
      });
      try {
        reply = await work;
      } catch (error) {
        // The apology follows "thinking…" if that is on its way: known to be sent or not first.
        await (deferring as Promise<void> | undefined)?.catch(() => undefined);
        throw error;
      } finally {
        watched.done();
      }
      if (deferring) await deferring;
    }

    // Errors and refusals are for the person who asked.
    const ephemeral = reply.private === true || reply.tone === "error";
    const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
    const rendered = this.render(reply, true, true);
    const [head, ...rest] = Array.isArray(rendered) ? rendered : await rendered;
    if (!deferred) {
      await interaction.reply({ ...toOptions(head!), ...flags });
    } else if (ephemeral) {
      // The "thinking…" message is public; take it back and answer privately.
      await interaction.deleteReply();
      await interaction.followUp({ ...toOptions(head!), ...flags });
    } else {
      await interaction.editReply(toOptions(head!));
    }
    for (const message of rest) await interaction.followUp({ ...toOptions(message), ...flags });
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const invocation = readInvocation(this.options.commands, interaction.commandName, interaction.options.data);
    const param = invocation?.focused?.param;
    const suggestions = invocation && param ? this.host!.suggest(qualify(PLATFORM, interaction.channelId), invocation.spec.path, param.name, invocation.focused!.value) : [];
    // Discord takes at most 25 choices of at most 100 characters each.
    await interaction.respond(suggestions.slice(0, AUTOCOMPLETE_CHOICES).map((choice) => ({ name: shorten(choice.name, 100), value: choice.value })));
  }

  // ---- typed commands ----

  private async onMessage(message: Message, host: ChatHost): Promise<void> {
    try {
      // Our own posts come back as MESSAGE_CREATE; other bots are not people.
      if (message.author.bot || message.webhookId !== null || !message.inGuild()) return;
      // Live and caught up at once (a catch-up racing the gateway): one of them handles it.
      if (this.seen.has(message.id)) return;
      this.seen.add(message.id);
      if (this.seen.size > SEEN_MESSAGES) this.seen.delete(this.seen.values().next().value!);
      const me = message.client.user.id;
      const addressed = addressedText(message.content, [], [`<@${me}>`, `<@!${me}>`]);
      if (addressed === undefined && !this.options.config.prefixCommands) return;
      let text = addressed ?? message.content;
      // `!import` with a status mail attached: the file's text follows the command, as if pasted.
      const file = message.attachments.find((attachment) => isTextFile(attachment.name, attachment.contentType));
      if (file && (addressed !== undefined || text.trimStart().startsWith(this.options.prefix))) {
        text = `${text.split("\n")[0]}\n${await this.attachedText(file.url, file.size, message.id)}`;
      }
      // A message read back from the channel (catch-up) comes without its member: roles need it.
      const member = message.member ?? (await message.guild.members.fetch(message.author.id).catch(() => null));
      const reply = await host.handle({
        text,
        invoker: this.invokerOf(message.author, member, member?.permissions ?? null, undefined),
        conversation: qualify(PLATFORM, message.channelId),
        id: qualify(PLATFORM, message.id),
        ...(addressed === undefined ? {} : { addressed: true }),
      });
      if (!reply) return;
      const messages = await this.render(reply, this.mayEmbed(message.channel));
      // A typed command has no private answers: errors go back as a reply to the person's message.
      const [head, ...rest] = messages;
      await message.reply(toOptions(head!));
      for (const more of rest) await message.channel.send(toOptions(more));
    } catch (error) {
      const ref = errorRef();
      this.logger.error({ err: error, ref, message: message.id, channel: message.channelId }, "discord message failed");
      await message.reply(toOptions((await this.render(apology(ref), false))[0]!)).catch(() => undefined);
    }
  }

  /** A file's text, up to MAX_ATTACHMENT_BYTES; nothing when it is larger or cannot be fetched. */
  private async attachedText(url: string, size: number, messageId: string): Promise<string> {
    if (size > MAX_ATTACHMENT_BYTES) return "";
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer()).subarray(0, MAX_ATTACHMENT_BYTES).toString("utf8");
    } catch (error) {
      this.logger.warn({ err: error, message: messageId }, "could not download the attached file");
      return "";
    }
  }

  // ---- people and permissions ----

  private invokerOf(user: User, member: GuildMember | null, permissions: Readonly<PermissionsBitField> | null, interaction: Interaction | undefined): Invoker {
    const facts: MemberFacts = { roles: [], administrator: permissions?.has(PermissionFlagsBits.Administrator) ?? false };
    if (member) {
      // One pass over the member's roles (discord.js builds the collection on every read), @everyone left out.
      const everyone = member.guild.id;
      const roles: { id: string; name: string }[] = [];
      for (const role of member.roles.cache.values()) if (role.id !== everyone) roles.push({ id: role.id, name: role.name });
      facts.roles = roles;
    } else if (interaction && interaction.member && Array.isArray(interaction.member.roles)) {
      // An uncached member arrives as raw ids; names come from the guild's role cache.
      facts.roles = interaction.member.roles.map((id) => ({ id, name: interaction.guild?.roles.cache.get(id)?.name ?? "" }));
    }
    const grants = discordRoleGrants(facts, this.options.config);
    return {
      id: qualify(PLATFORM, user.id),
      displayName: member?.displayName ?? user.globalName ?? user.username,
      ...(grants.length > 0 ? { grants } : {}),
    };
  }

  /**
   * A reply as Discord messages. Answers to slash commands show commands in slash form; elsewhere
   * commands are shown the way people can type them there (slash form unless prefix commands are on).
   */
  private render(reply: Reply, embeds: boolean, slash = !this.options.config.prefixCommands): DiscordMessage[] | Promise<DiscordMessage[]> {
    // In slices: a summary of a large release must not hold up every other channel while it renders.
    // A short reply is done within the first and comes back as it is, without a promise to wait for.
    return renderReplySoon(reply, { embeds, slashHints: slash, prefix: this.options.prefix });
  }

  /** Embeds need the Embed Links permission; without it the summary falls back to markdown. */
  private mayEmbed(channel: SendableChannels | Message["channel"]): boolean {
    if (!("guild" in channel) || !channel.guild) return true;
    const me = channel.guild.members.me;
    if (!me || !("permissionsFor" in channel)) return true;
    return channel.permissionsFor(me)?.has(PermissionFlagsBits.EmbedLinks) ?? true;
  }
}
