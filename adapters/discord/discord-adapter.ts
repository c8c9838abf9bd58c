import { randomBytes } from "node:crypto";
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
import { scopeFor } from "../../src/commands/scope.js";
import type { DiscordConfig } from "./config.js";
import { BUCKET_INFO } from "../../src/model/buckets.js";
import { suggestFeatures } from "../../src/plan/resolve.js";
import { featureLabel } from "../../src/plan/summary.js";
import type { BotHost, ChatAdapter, Invoker, Logger, MessageHandler } from "../../src/ports.js";
import type { Reply } from "../../src/reply/reply.js";
import type { StandingTarget } from "../../src/schedule/scheduler.js";
import { SubscriptionSchema } from "../../src/schedule/subscription.js";
import { Announcer } from "./announcer.js";
import { renderReply, type DiscordMessage } from "./render.js";
import { grantsFor, type MemberFacts } from "./roles.js";
import { readInvocation, shorten } from "./slash-commands.js";

export interface DiscordAdapterOptions {
  config: DiscordConfig;
  /** The core's command prefix, to show command hints the way people can type them. */
  prefix: string;
  logger: Logger;
  /**
   * Answer directly when the reply is ready within this many milliseconds, else defer first
   * (default 1 500: Discord forgets an interaction not acknowledged within 3 s). 0 always defers.
   */
  deferAfterMs?: number;
}

const DEFAULT_DEFER_AFTER_MS = 1_500;
const AUTOCOMPLETE_CHOICES = 25;
const DEFERRED = Symbol("deferred");

/** "discord:123" ⇄ channel 123. */
export function channelIdOf(conversation: string): string | undefined {
  return /^discord:(\d+)$/.exec(conversation)?.[1];
}

/** discord.js send options for a rendered message; mentions stay off whatever the caller passes. */
function toOptions(message: DiscordMessage) {
  return {
    ...(message.content === undefined ? {} : { content: message.content }),
    ...(message.embeds === undefined ? {} : { embeds: message.embeds }),
    ...(message.files === undefined ? {} : { files: message.files.map((file) => ({ attachment: file.data, name: file.name })) }),
    allowedMentions: { parse: [] as [] },
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
  private bot: BotHost | undefined;
  private announcer: Announcer | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly logger: Logger;
  private readonly deferAfterMs: number;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.logger = options.logger;
    this.deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  }

  /** The logged-in client, for tests and the benchmark. */
  get discord(): Client<true> | undefined {
    return this.client?.isReady() ? this.client : undefined;
  }

  async start(onMessage: MessageHandler, bot?: BotHost): Promise<void> {
    if (!bot) throw new Error("the Discord adapter needs the bot itself (slash commands, autocomplete, announcements)");
    const { config } = this.options;
    if (config.token === undefined) throw new Error("discord.token is not set");
    this.bot = bot;
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
    // Message Content is privileged: asked for only when prefix commands are on.
    if (config.prefixCommands) intents.push(GatewayIntentBits.MessageContent);
    const client = new Client({
      intents,
      // The default for everything this client sends; every send also passes it explicitly.
      allowedMentions: { parse: [] },
      ...(config.restApi ? { rest: { api: config.restApi } } : {}),
    });
    this.client = client;

    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.MessageCreate, (message) => void this.onMessage(message, onMessage));
    client.on(Events.Error, (error) => this.logger.error({ err: error }, "discord client error"));
    client.on(Events.Warn, (warning) => this.logger.warn({ warning }, "discord client warning"));
    client.on(Events.ShardDisconnect, (event, shard) => this.logger.warn({ code: event.code, shard }, "discord gateway disconnected"));
    client.on(Events.ShardResume, (shard, replayed) => this.logger.info({ shard, replayed }, "discord gateway resumed"));
    client.rest.on("rateLimited", (info) => this.logger.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, "discord rate limit: waiting"));

    this.announcer = new Announcer({
      channels: config.announcements,
      batchMs: config.announceBatchMs,
      read: () => bot.store.read(),
      clock: bot.clock,
      logger: this.logger,
      post: (channelId, reply) => this.send(`discord:${channelId}`, reply),
    });
    const announcer = this.announcer;
    this.unsubscribe = bot.onChange((events) => announcer.receive(events));

    const ready = once(client, Events.ClientReady);
    try {
      await client.login(config.token);
      await ready;
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, prefixCommands: config.prefixCommands }, "discord connected");
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
    const messages = renderReply(reply, { embeds: this.mayEmbed(channel), slashHints: !this.options.config.prefixCommands, prefix: this.options.prefix });
    for (const message of messages) {
      const sent = await channel.send(toOptions(message));
      if (channel.type === ChannelType.GuildAnnouncement) {
        // Publishing is a courtesy: a missing permission or Discord's 10-an-hour cap must not lose the post.
        await sent.crosspost().catch((error: unknown) => this.logger.warn({ err: error, channel: channelId }, "could not publish the announcement"));
      }
    }
  }

  /**
   * Each project's announcements channel gets the scheduled posts (weekly summary, countdowns)
   * without anyone asking for them there.
   */
  standingTargets(): StandingTarget[] {
    return Object.entries(this.options.config.announcements).map(([project, channel]) => ({
      conversation: `discord:${channel}`,
      project,
      subscription: SubscriptionSchema.parse({}),
    }));
  }

  /** Posts the changes waiting in the batch window now, rather than when it closes. */
  async flushAnnouncements(): Promise<void> {
    await this.announcer?.flush();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // Changes already made are still news: post them before going.
    await this.announcer?.stop().catch((error: unknown) => this.logger.error({ err: error }, "could not post the last announcements"));
    await this.client?.destroy();
    this.client = undefined;
  }

  // ---- slash commands and autocomplete ----

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.autocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.command(interaction);
    } catch (error) {
      // Never let an error escape into discord.js; tell the person, briefly and privately.
      const ref = randomBytes(3).toString("hex");
      this.logger.error({ err: error, ref, interaction: interaction.id, channel: interaction.channelId }, "discord interaction failed");
      if (!interaction.isChatInputCommand()) return;
      const apology = { content: `Sorry, something went wrong on my side (ref ${ref}). It is in the log; try again in a moment.`, flags: MessageFlags.Ephemeral as const, allowedMentions: { parse: [] as [] } };
      await (interaction.replied || interaction.deferred ? interaction.followUp(apology) : interaction.reply(apology)).catch(() => undefined);
    }
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const bot = this.bot!;
    const invocation = readInvocation(bot.commands, interaction.commandName, interaction.options.data);
    if (!invocation) {
      await interaction.reply({
        content: `I no longer know /${interaction.commandName}. An admin can refresh the list with \`stocktake discord deploy-commands\`.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    const origin = {
      invoker: this.invokerOf(interaction.user, interaction.member instanceof GuildMember ? interaction.member : null, interaction.memberPermissions, interaction),
      conversation: `discord:${interaction.channelId}`,
      id: `discord:${interaction.id}`,
    };
    const work = bot.execute(invocation.spec.path, invocation.args, origin);

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
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<typeof DEFERRED>((resolve) => (timer = setTimeout(() => resolve(DEFERRED), this.deferAfterMs)));
      const first = await Promise.race([work, late]);
      clearTimeout(timer);
      if (first === DEFERRED) {
        await interaction.deferReply();
        deferred = true;
        reply = await work;
      } else {
        reply = first;
      }
    }

    // Errors and refusals are for the person who asked.
    const ephemeral = reply.private === true || reply.tone === "error";
    const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
    const [head, ...rest] = renderReply(reply, { embeds: true, slashHints: true, prefix: this.options.prefix });
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
    const bot = this.bot!;
    const focused = readInvocation(bot.commands, interaction.commandName, interaction.options.data)?.focused;
    let choices: { name: string; value: string }[] = [];
    if (focused?.param?.kind === "feature") {
      const scope = scopeFor(bot.store.read(), `discord:${interaction.channelId}`, bot.config);
      if (scope.ok) {
        choices = suggestFeatures(scope.value.release, focused.value, AUTOCOMPLETE_CHOICES).map((feature) => ({
          name: shorten(`${featureLabel(feature)} (${BUCKET_INFO[feature.bucket].label})`, 100),
          value: feature.id,
        }));
      }
    }
    await interaction.respond(choices);
  }

  // ---- typed commands ----

  private async onMessage(message: Message, onMessage: MessageHandler): Promise<void> {
    try {
      // Our own posts come back as MESSAGE_CREATE; other bots are not people.
      if (message.author.bot || message.webhookId !== null || !message.inGuild()) return;
      const me = message.client.user.id;
      const mention = new RegExp(`^<@!?${me}>[\\s,:]*`).exec(message.content);
      if (!mention && !this.options.config.prefixCommands) return;
      const text = mention ? message.content.slice(mention[0].length) : message.content;
      const reply = await onMessage({
        text,
        invoker: this.invokerOf(message.author, message.member, message.member?.permissions ?? null, undefined),
        conversation: `discord:${message.channelId}`,
        id: `discord:${message.id}`,
        ...(mention ? { addressed: true } : {}),
      });
      if (!reply) return;
      const messages = renderReply(reply, { embeds: this.mayEmbed(message.channel), slashHints: !this.options.config.prefixCommands, prefix: this.options.prefix });
      // A typed command has no private answers: errors go back as a reply to the person's message.
      const [head, ...rest] = messages;
      await message.reply(toOptions(head!));
      for (const more of rest) await message.channel.send(toOptions(more));
    } catch (error) {
      const ref = randomBytes(3).toString("hex");
      this.logger.error({ err: error, ref, message: message.id, channel: message.channelId }, "discord message failed");
      await message
        .reply({ content: `Sorry, something went wrong on my side (ref ${ref}). It is in the log; try again in a moment.`, allowedMentions: { parse: [] } })
        .catch(() => undefined);
    }
  }

  // ---- people and permissions ----

  private invokerOf(user: User, member: GuildMember | null, permissions: Readonly<PermissionsBitField> | null, interaction: Interaction | undefined): Invoker {
    const facts: MemberFacts = { roles: [], administrator: permissions?.has(PermissionFlagsBits.Administrator) ?? false };
    if (member) {
      facts.roles = member.roles.cache.filter((role) => role.id !== member.guild.id).map((role) => ({ id: role.id, name: role.name }));
    } else if (interaction && interaction.member && Array.isArray(interaction.member.roles)) {
      // An uncached member arrives as raw ids; names come from the guild's role cache.
      facts.roles = interaction.member.roles.map((id) => ({ id, name: interaction.guild?.roles.cache.get(id)?.name ?? "" }));
    }
    const grants = grantsFor(facts, this.options.config);
    return {
      id: `discord:${user.id}`,
      displayName: member?.displayName ?? user.globalName ?? user.username,
      ...(grants.length > 0 ? { grants } : {}),
    };
  }

  /** Embeds need the Embed Links permission; without it the summary falls back to markdown. */
  private mayEmbed(channel: SendableChannels | Message["channel"]): boolean {
    if (!("guild" in channel) || !channel.guild) return true;
    const me = channel.guild.members.me;
    if (!me || !("permissionsFor" in channel)) return true;
    return channel.permissionsFor(me)?.has(PermissionFlagsBits.EmbedLinks) ?? true;
  }
}
