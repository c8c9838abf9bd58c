// Proves the fake Discord server is good enough for the real discord.js v14 client:
// every test drives an actual `Client` over loopback HTTP + WebSocket.

import { once } from 'node:events';
import {
  ApplicationCommandOptionType,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  MessageFlags,
  Routes,
  type ChatInputCommandInteraction,
  type GatewayDispatchPayload,
  type Interaction,
  type Message,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordServer, type DiscordServer } from '../../discord-server/server.ts';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

/** A real discord.js client pointed at the fake server, logged in and ready. */
async function startClient(server: DiscordServer, intents = INTENTS): Promise<Client<true>> {
  // `rest.api` is the only knob needed: the gateway URL comes from GET /gateway/bot.
  const client = new Client({ intents, rest: { api: server.restUrl } });
  const ready = once(client, Events.ClientReady);
  await client.login(server.token);
  await ready;
  return client as Client<true>;
}

/** Resolves with the next event matching `filter` (armed before the trigger). */
function nextEvent<T extends unknown[]>(client: Client, event: string, filter: (...args: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for client event ${event}`));
    }, timeoutMs);
    const listener = (...args: T): void => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('discord.js against the fake Discord server', () => {
  let server: DiscordServer;
  let client: Client<true>;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    server = await startDiscordServer();
    client = await startClient(server);
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  afterAll(async () => {
    await client?.destroy();
    await server?.close();
  });

  /** Register a client listener for one test only. */
  function on<K extends keyof import('discord.js').ClientEvents>(event: K, listener: (...args: import('discord.js').ClientEvents[K]) => void): void {
    client.on(event, listener);
    cleanups.push(() => client.off(event, listener));
  }

  it('logs in via /gateway/bot and caches the guild from GUILD_CREATE', () => {
    const world = server.world;
    const guild = client.guilds.cache.get(world.guildId());
    expect(guild?.name).toBe('Stocktake QA');
    expect(guild?.ownerId).toBe(world.userId('alice'));

    const general = guild?.channels.cache.get(world.channelId('general'));
    const announcements = guild?.channels.cache.get(world.channelId('release-announcements'));
    expect(general?.type).toBe(ChannelType.GuildText);
    expect(announcements?.type).toBe(ChannelType.GuildAnnouncement);
    expect(general?.parentId).toBe(world.channelId('Releases'));

    expect(guild?.roles.cache.map((r) => r.name).sort()).toEqual(['@everyone', 'Developer', 'Release Manager', 'Stocktake']);
    const alice = guild?.members.cache.get(world.userId('alice'));
    expect(alice?.roles.cache.has(world.roleId('Release Manager'))).toBe(true);
    expect(guild?.members.me?.id).toBe(client.user.id);
    expect(client.application.id).toBe(world.applicationId);

    // What discord.js actually sent on the way in.
    const [gatewayBot] = server.requests({ method: 'GET', route: '/gateway/bot' });
    expect(gatewayBot?.headers['authorization']).toBe(`Bot ${server.token}`);
    const open = server.recorder.events.find((e) => e.kind === 'connection' && e.event === 'open');
    expect(open).toMatchObject({ path: '/gateway', query: { v: '10', encoding: 'json' } });
    const [identify] = server.gatewayPayloads({ op: GatewayOpcodes.Identify });
    expect(identify?.d).toMatchObject({ token: server.token, intents: 33281, compress: false, shard: [0, 1] });
    expect(server.unknownRoutes()).toEqual([]);
  });

  it('delivers MESSAGE_CREATE and records message.reply / channel.send bodies', async () => {
    on(Events.MessageCreate, (message: Message) => {
      if (message.author.bot || message.content !== '!status') return;
      void (async () => {
        await message.reply({ content: `status for <@${message.author.id}>`, allowedMentions: { parse: [] } });
        if (message.channel.isSendable()) await message.channel.send({ content: 'done', allowedMentions: { parse: [] } });
      })();
    });

    const replyPosted = server.waitForRequest('POST', '/channels/:channel_id/messages');
    const incoming = server.sendMessage({ content: '!status', authorId: server.world.userId('bob') });
    const reply = await replyPosted;
    const send = await server.waitForRequest('POST', '/channels/:channel_id/messages');

    expect(reply.params['channel_id']).toBe(server.world.channelId('general'));
    expect(reply.body).toMatchObject({
      content: `status for <@${server.world.userId('bob')}>`,
      allowed_mentions: { parse: [] },
      message_reference: { message_id: incoming.id },
    });
    expect(reply.status).toBe(200);
    // allowed_mentions.parse=[] means the mention in content pings nobody.
    expect(reply.response).toMatchObject({ mentions: [], type: 19, referenced_message: { id: incoming.id } });
    expect(send.body).toMatchObject({ content: 'done', allowed_mentions: { parse: [] } });
  });

  it('answers a slash command with an ephemeral reply (ephemeral: true and flags)', async () => {
    on(Events.InteractionCreate, (interaction: Interaction) => {
      if (!interaction.isChatInputCommand() || interaction.commandName !== 'plan') return;
      const version = interaction.options.getString('version', true);
      const owner = interaction.options.getUser('owner', true);
      // `ephemeral: true` is deprecated in 14.x but still maps to flags=64.
      void interaction.reply({ content: `planning ${version} for ${owner.username}`, ephemeral: true });
    });

    const handle = server.sendInteraction({
      name: 'plan',
      userId: server.world.userId('alice'),
      options: [
        { name: 'version', value: '2.4.0' },
        { name: 'owner', type: ApplicationCommandOptionType.User, value: server.world.userId('bob') },
      ],
    });
    const callback = await handle.callback();
    expect(callback.route).toBe('/interactions/:interaction_id/:interaction_token/callback');
    expect(callback.headers['authorization']).toBeUndefined(); // discord.js sends callbacks with auth: false
    expect(callback.query['with_response']).toBe('false');
    expect(callback.status).toBe(204);
    expect(callback.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'planning 2.4.0 for bob', flags: MessageFlags.Ephemeral },
    });
    expect(handle.state.ephemeral).toBe(true);
  });

  it('supports deferReply + editReply + followUp', async () => {
    let seen: ChatInputCommandInteraction | undefined;
    on(Events.InteractionCreate, (interaction: Interaction) => {
      if (!interaction.isChatInputCommand() || interaction.commandName !== 'stocktake') return;
      seen = interaction;
      void (async () => {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply({ content: 'inventory: 3 releases pending' });
        await interaction.followUp({ content: 'release 2.4.0 blocked by #123', flags: MessageFlags.Ephemeral });
      })();
    });

    const handle = server.sendInteraction({ name: 'stocktake', options: [{ name: 'scope', options: [] }] });
    const deferred = await handle.callback();
    expect(deferred.body).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });

    const edit = await handle.originalEdit();
    expect(edit.route).toBe('/webhooks/:application_id/:token/messages/:message_id');
    expect(edit.params['application_id']).toBe(server.world.applicationId);
    expect(edit.body).toMatchObject({ content: 'inventory: 3 releases pending' });
    expect(edit.response).toMatchObject({ content: 'inventory: 3 releases pending', flags: MessageFlags.Ephemeral });

    const followUp = await handle.followUp(0);
    expect(followUp.query['wait']).toBe('true');
    expect(followUp.status).toBe(200);
    expect(followUp.body).toMatchObject({ content: 'release 2.4.0 blocked by #123', flags: MessageFlags.Ephemeral });
    expect(seen?.options.getSubcommand()).toBe('scope');
    expect(handle.requests().every((r) => r.status < 300)).toBe(true);
  });

  it('answers autocomplete with interaction.respond', async () => {
    on(Events.InteractionCreate, (interaction: Interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      const versions = ['2.3.9', '2.4.0', '2.4.1', '3.0.0-rc1'].filter((v) => v.startsWith(String(focused.value)));
      void interaction.respond(versions.map((v) => ({ name: `${focused.name} ${v}`, value: v })));
    });

    const handle = server.sendInteraction({
      type: 'autocomplete',
      name: 'plan',
      options: [
        { name: 'version', value: '2.4', focused: true },
        { name: 'dry-run', value: true },
      ],
    });
    const callback = await handle.callback();
    expect(callback.status).toBe(204);
    expect(callback.body).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'version 2.4.0', value: '2.4.0' }, { name: 'version 2.4.1', value: '2.4.1' }] },
    });
  });

  it('honours a 429 retry_after on a route and then succeeds', async () => {
    const channel = client.channels.cache.get(server.world.channelId('general'));
    if (!channel?.isSendable()) throw new Error('general should be sendable');
    server.rateLimit({ method: 'POST', route: '/channels/:channel_id/messages', retryAfter: 1, count: 1 });

    const message = await channel.send({ content: 'after the rate limit', allowedMentions: { parse: [] } });
    expect(message.content).toBe('after the rate limit');

    const attempts = server.requests({ method: 'POST', route: '/channels/:channel_id/messages' }).slice(-2);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    const [limited, retried] = attempts as [typeof attempts[0] & object, typeof attempts[0] & object];
    expect(limited.response).toMatchObject({ retry_after: 1, global: false });
    // discord.js waited at least retry_after before retrying.
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
  });

  it('honours a global 429 (x-ratelimit-global) before retrying', async () => {
    server.rateLimit({ method: 'GET', route: '/channels/:channel_id', retryAfter: 0.6, global: true });
    const started = Date.now();
    const channel = await client.rest.get(Routes.channel(server.world.channelId('general')));
    expect(channel).toMatchObject({ id: server.world.channelId('general') });
    const attempts = server.requests({ route: '/channels/:channel_id' }).slice(-2);
    expect(attempts.map((a) => [a.status, a.fault])).toEqual([[429, 'rate-limit (global)'], [200, undefined]]);
    // Header Retry-After is whole seconds (1), which is what discord.js obeys.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('resumes after an abrupt gateway drop and replays a missed message exactly once', async () => {
    // 'raw' sees every dispatch before discord.js's own de-duplication of cached messages.
    const rawIds: string[] = [];
    const onRaw = (packet: GatewayDispatchPayload): void => {
      if (packet.t === 'MESSAGE_CREATE') rawIds.push(packet.d.id);
    };
    client.on(Events.Raw, onRaw);
    cleanups.push(() => client.off(Events.Raw, onRaw));
    const created: string[] = [];
    on(Events.MessageCreate, (message) => created.push(message.id));

    const resumeSent = server.waitForGatewayOp(GatewayOpcodes.Resume, 10_000);
    const resumed = nextEvent<[number, number]>(client, Events.ShardResume, () => true, 10_000);
    const [readyPayload] = server.gatewayPayloads({ t: 'READY', direction: 'out' });

    server.dropGateway(); // TCP terminate, no close frame: discord.js sees 1006
    const missed = server.sendMessage({ content: 'sent while the bot was offline' });

    const resume = await resumeSent;
    expect(resume.d).toMatchObject({
      token: server.token,
      session_id: (readyPayload?.d as { session_id: string }).session_id,
    });
    const [, replayed] = await resumed;
    expect(replayed).toBe(1);

    // The resume went to READY's resume_gateway_url, not the /gateway/bot url.
    const opens = server.recorder.events.filter((e) => e.kind === 'connection' && e.event === 'open');
    expect(opens.at(-1)).toMatchObject({ path: '/gateway-resume' });

    // A marker sent after the resume: the gateway is one ordered stream, so once discord.js has
    // the marker, any duplicate of the missed message would already have arrived.
    const marker = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'after the resume');
    server.sendMessage({ content: 'after the resume' });
    await marker;
    expect(rawIds.filter((id) => id === missed.id)).toHaveLength(1);
    expect(created.filter((id) => id === missed.id)).toHaveLength(1);
    const sent = server.gatewayPayloads({ t: 'MESSAGE_CREATE', direction: 'out' }).filter((p) => (p.d as { id: string }).id === missed.id);
    expect(sent.map((p) => p.replay)).toEqual([true]);
    // No fresh IDENTIFY: the session survived.
    expect(server.gatewayPayloads({ op: GatewayOpcodes.Identify })).toHaveLength(1);
  });

  it('replays an interaction dispatched while disconnected (close code 4000) and the reply still works', async () => {
    on(Events.InteractionCreate, (interaction: Interaction) => {
      if (interaction.isChatInputCommand() && interaction.commandName === 'ping') void interaction.reply({ content: 'pong' });
    });
    const resumeSent = server.waitForGatewayOp(GatewayOpcodes.Resume, 10_000);
    server.dropGateway({ mode: 'close', code: 4000 });
    const handle = server.sendInteraction({ name: 'ping' });
    await resumeSent;
    const callback = await handle.callback(10_000);
    expect(callback.body).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'pong' } });
    expect(handle.state.ephemeral).toBe(false);
  });

  it('handles op 7 RECONNECT by resuming', async () => {
    const resumeSent = server.waitForGatewayOp(GatewayOpcodes.Resume, 10_000);
    const resumed = nextEvent(client, Events.ShardResume, () => true, 10_000);
    server.sendReconnect();
    await resumeSent;
    await resumed;
    // discord.js closes the old socket itself with 4200 (its private "resuming" code).
    const closes = server.recorder.events.filter((e) => e.kind === 'connection' && e.event === 'close');
    expect(closes.at(-1)).toMatchObject({ code: 4200, closedBy: 'client' });
  });

  it('re-identifies after a non-resumable INVALID_SESSION', async () => {
    const identifies = server.gatewayPayloads({ op: GatewayOpcodes.Identify }).length;
    const identifySent = server.waitForGatewayOp(GatewayOpcodes.Identify, 10_000);
    const readySent = server.waitFor((e) => e.kind === 'gateway' && e.direction === 'out' && e.t === 'READY', 10_000);
    server.invalidateSession(false);
    await identifySent;
    await readySent;
    expect(server.gatewayPayloads({ op: GatewayOpcodes.Identify })).toHaveLength(identifies + 1);

    // The new session works end to end.
    const received = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'after re-identify');
    server.sendMessage({ content: 'after re-identify' });
    await received;
  });

  it('stores guild commands from rest.put(Routes.applicationGuildCommands) and uses their ids', async () => {
    const guildId = server.world.guildId();
    const body = [
      {
        name: 'plan',
        description: 'Plan a release',
        options: [{ type: ApplicationCommandOptionType.String, name: 'version', description: 'Version', required: true, autocomplete: true }],
      },
      { name: 'stocktake', description: 'Summarise open releases' },
    ];
    const stored = (await client.rest.put(Routes.applicationGuildCommands(client.application.id, guildId), { body })) as { id: string; name: string }[];
    expect(stored.map((c) => c.name)).toEqual(['plan', 'stocktake']);
    expect([...(server.world.guildCommands.get(guildId)?.values() ?? [])].map((c) => c.name)).toEqual(['plan', 'stocktake']);

    // Overwriting keeps ids by name, as Discord does, and discord.js can read them back.
    const again = (await client.rest.put(Routes.applicationGuildCommands(client.application.id, guildId), { body })) as { id: string }[];
    expect(again.map((c) => c.id)).toEqual(stored.map((c) => c.id));
    const fetched = await client.guilds.cache.get(guildId)?.commands.fetch();
    expect(fetched?.map((c) => c.name).sort()).toEqual(['plan', 'stocktake']);

    const seen = nextEvent<[Interaction]>(client, Events.InteractionCreate, (i) => i.isChatInputCommand() && i.commandName === 'plan');
    server.sendInteraction({ name: 'plan', options: [{ name: 'version', value: '1.0.0' }] });
    const [interaction] = await seen;
    expect((interaction as ChatInputCommandInteraction).commandId).toBe(stored[0]?.id);

    // Invalid names are rejected like Discord does (50035 Invalid Form Body).
    await expect(
      client.rest.put(Routes.applicationGuildCommands(client.application.id, guildId), { body: [{ name: 'Bad Name', description: 'x' }] }),
    ).rejects.toMatchObject({ code: 50035, status: 400 });
  });

  it('crossposts a message in the announcement channel', async () => {
    const announcements = client.channels.cache.get(server.world.channelId('release-announcements'));
    if (announcements?.type !== ChannelType.GuildAnnouncement) throw new Error('expected an announcement channel');

    const message = await announcements.send({ content: 'Stocktake 2.4.0 released', allowedMentions: { parse: [] } });
    const crossposted = await message.crosspost();
    expect(crossposted.flags.has(MessageFlags.Crossposted)).toBe(true);
    const [request] = server.requests({ method: 'POST', route: '/channels/:channel_id/messages/:message_id/crosspost' });
    expect(request?.params).toEqual({ channel_id: announcements.id, message_id: message.id });

    // A user's announcement can be crossposted too, but only once.
    const received = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'freeze starts Monday');
    server.sendMessage({ channelId: announcements.id, content: 'freeze starts Monday' });
    const [userMessage] = await received;
    await userMessage.crosspost();
    const error = await userMessage.crosspost().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40033);

    // Crossposting outside an announcement channel is refused.
    const general = client.channels.cache.get(server.world.channelId('general'));
    if (!general?.isSendable()) throw new Error('general should be sendable');
    const plain = await general.send('not news');
    await expect(plain.crosspost()).rejects.toMatchObject({ code: 50024 });
  });

  it('edits and deletes the bot\'s own message', async () => {
    const general = client.channels.cache.get(server.world.channelId('general'));
    if (!general?.isSendable()) throw new Error('general should be sendable');
    const message = await general.send('release 2.4.0: 3/5 features done');
    const edited = await message.edit('release 2.4.0: 4/5 features done');
    expect(edited.editedTimestamp).not.toBeNull();
    expect(server.world.message(general.id, message.id)?.content).toBe('release 2.4.0: 4/5 features done');
    await message.delete();
    expect(server.world.message(general.id, message.id)).toBeUndefined();
    expect(server.requests({ path: `/channels/${general.id}/messages/${message.id}` }).map((r) => `${r.method} ${r.status}`)).toEqual([
      'PATCH 200',
      'DELETE 204',
    ]);
  });

  it('serves guild member fetches over the gateway (op 8) and REST', async () => {
    const guild = client.guilds.cache.get(server.world.guildId());
    const members = await guild?.members.fetch({ user: [server.world.userId('bob'), server.world.userId('carol')] });
    expect(members?.map((m) => m.user.username).sort()).toEqual(['bob', 'carol']);
    const [request] = server.gatewayPayloads({ op: GatewayOpcodes.RequestGuildMembers });
    expect(request?.d).toMatchObject({ guild_id: guild?.id, user_ids: [server.world.userId('bob'), server.world.userId('carol')] });

    const alice = await guild?.members.fetch({ user: server.world.userId('alice'), force: true });
    expect(alice?.roles.cache.map((r) => r.name).sort()).toEqual(['@everyone', 'Release Manager']);
    expect(server.requests({ route: '/guilds/:guild_id/members/:user_id' })).toHaveLength(1);
  });

  it('answers unknown routes with 404 JSON and records them', async () => {
    await expect(client.rest.get('/guilds/1/audit-logs-of-the-future')).rejects.toMatchObject({ status: 404 });
    expect(server.unknownRoutes().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /guilds/1/audit-logs-of-the-future']);
  });
});

describe('fake server protocol rules', () => {
  it('blanks message content for a client without the MessageContent intent', async () => {
    const server = await startDiscordServer();
    const client = await startClient(server, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    try {
      const received = nextEvent<[Message]>(client, Events.MessageCreate);
      server.sendMessage({ content: 'secret release notes' });
      const [message] = await received;
      expect(message.content).toBe('');

      // ...unless the bot is mentioned.
      const mentioned = nextEvent<[Message]>(client, Events.MessageCreate);
      server.sendMessage({ content: `<@${server.world.bot.id}> status` });
      const [withMention] = await mentioned;
      expect(withMention.content).toBe(`<@${server.world.bot.id}> status`);
    } finally {
      await client.destroy();
      await server.close();
    }
  });

  it('rejects interaction callbacks after the acknowledgement window', async () => {
    const server = await startDiscordServer({ interactionAckTimeoutMs: 100 });
    const client = await startClient(server);
    try {
      // Settles with what the late reply gave the handler: an error, or a success we must not see.
      const outcome = new Promise<unknown>((resolve) => {
        client.on(Events.InteractionCreate, (interaction) => {
          if (!interaction.isChatInputCommand()) return;
          // A handler slower than the window: the lateness is the point, so this one waits.
          void sleep(300)
            .then(() => interaction.reply('too late'))
            .then(() => resolve('the late reply was accepted'), resolve);
        });
      });
      const handle = server.sendInteraction({ name: 'slow' });
      const callback = await handle.callback();
      expect(callback.status).toBe(404);
      expect(callback.response).toEqual({ message: 'Unknown interaction', code: 10062 });
      expect(await outcome).toBeInstanceOf(DiscordAPIError);
    } finally {
      await client.destroy();
      await server.close();
    }
  });
});
