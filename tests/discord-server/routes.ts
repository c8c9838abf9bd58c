// Discord semantics of the REST routes discord.js v14 uses. Handlers mutate the
// World and, like real Discord, echo changes on the gateway (MESSAGE_CREATE for
// the bot's own messages, MESSAGE_UPDATE on edit/crosspost, ...).

import { ChannelType, GatewayDispatchEvents, GatewayIntentBits, MessageFlags } from 'discord-api-types/v10';
import { registerCommandRoutes } from './command-routes.ts';
import type { Gateway } from './gateway.ts';
import { registerInteractionRoutes } from './interaction-routes.ts';
import { channelPayload, createMessage, gatewayMessage, guildPayload, memberPayload, rolePayload } from './payloads.ts';
import { fail, routeHelpers, type RestServer } from './rest.ts';
import {
  applyEdit,
  channelOr404,
  draftFromBody,
  guildOr404,
  messageDispatchOptions,
  messageOr404,
  validateMessageBody,
  type Body,
} from './route-support.ts';
import type { World } from './state.ts';

export interface RouteDeps {
  world: World;
  gateway: Gateway;
  gatewayUrl: () => string;
  /** 0 disables the "must respond within N ms" rule. */
  interactionAckTimeoutMs: number;
}

export function registerRoutes(rest: RestServer, deps: RouteDeps): void {
  const { world, gateway } = deps;
  const { get, post, patch, put, del } = routeHelpers(rest);

  // ---- gateway discovery ----

  get('/gateway', () => ({ body: { url: deps.gatewayUrl() } }));
  get('/gateway/bot', () => ({
    body: {
      // discord.js appends `?v=10&encoding=json` itself, so no query string here.
      url: deps.gatewayUrl(),
      shards: 1,
      // discord.js caches this for reset_after ms and refuses to connect when remaining < shards.
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    },
  }));

  // ---- users & application (literal @me routes before :id routes) ----

  get('/users/@me', () => ({ body: { ...world.bot, verified: true, mfa_enabled: false, flags: 0, locale: 'en-US' } }));
  get('/users/:user_id', ({ params }) => ({ body: world.users.get(params['user_id'] ?? '') ?? fail(404, 10013, 'Unknown User') }));
  const application = (): Body => ({
    id: world.applicationId,
    name: world.bot.username,
    icon: null,
    description: '',
    summary: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: world.bot,
    verify_key: '0'.repeat(64),
    team: null,
    flags: 0,
    approximate_guild_count: world.guilds.size,
    integration_types_config: { 0: {} },
  });
  get('/applications/@me', () => ({ body: application() }));
  get('/oauth2/applications/@me', () => ({ body: application() }));

  // ---- channels & messages ----

  get('/channels/:channel_id', ({ params }) => ({ body: channelPayload(channelOr404(world, params)) }));

  get('/channels/:channel_id/messages', ({ params, query }) => {
    const channel = channelOr404(world, params);
    const limit = Math.min(Number(query['limit'] ?? 50), 100);
    const oldestFirst = [...(world.messages.get(channel.id)?.values() ?? [])].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    // `after`: the `limit` messages just after that id; `before`: just before it. Newest first, as Discord returns them.
    const after = query['after'];
    const before = query['before'];
    if (after !== undefined) return { body: oldestFirst.filter((message) => BigInt(message.id) > BigInt(after)).slice(0, limit).reverse() };
    const older = before === undefined ? oldestFirst : oldestFirst.filter((message) => BigInt(message.id) < BigInt(before));
    return { body: older.slice(-limit).reverse() };
  });

  get('/channels/:channel_id/messages/:message_id', ({ params }) => ({ body: messageOr404(world, params) }));

  post('/channels/:channel_id/messages', ({ params, body, files }) => {
    const channel = channelOr404(world, params);
    if (channel.type === ChannelType.GuildCategory) fail(400, 50008, 'Cannot send messages in a non-text channel');
    const input = (body ?? {}) as Body;
    validateMessageBody(input, files.length);
    const reference = input['message_reference'] as { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean } | undefined;
    if (reference?.message_id && !world.message(reference.channel_id ?? channel.id, reference.message_id)) {
      if (reference.fail_if_not_exists !== false) {
        fail(400, 50035, 'Invalid Form Body', { message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } });
      }
    }
    const message = createMessage(world, {
      ...draftFromBody(input, files),
      channelId: channel.id,
      authorId: world.bot.id,
      ...(reference?.message_id ? { messageReference: { message_id: reference.message_id, channel_id: reference.channel_id ?? channel.id } } : {}),
    });
    gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessage(world, message), messageDispatchOptions(world));
    return { body: message };
  });

  patch('/channels/:channel_id/messages/:message_id', ({ params, body }) => {
    const message = messageOr404(world, params);
    if (message.author.id !== world.bot.id) fail(403, 50005, 'Cannot edit a message authored by another user');
    const updated = applyEdit(message, (body ?? {}) as Body);
    gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessage(world, updated), messageDispatchOptions(world));
    return { body: updated };
  });

  del('/channels/:channel_id/messages/:message_id', ({ params }) => {
    const message = messageOr404(world, params);
    world.messages.get(message.channel_id)?.delete(message.id);
    const channel = world.channels.get(message.channel_id);
    gateway.dispatch(GatewayDispatchEvents.MessageDelete, { id: message.id, channel_id: message.channel_id, guild_id: channel?.guildId },
      { intent: GatewayIntentBits.GuildMessages });
    return {};
  });

  post('/channels/:channel_id/messages/:message_id/crosspost', ({ params }) => {
    const channel = channelOr404(world, params);
    const message = messageOr404(world, params);
    if (channel.type !== ChannelType.GuildAnnouncement) fail(400, 50024, 'Cannot execute action on this channel type');
    if ((message.flags ?? 0) & MessageFlags.Crossposted) fail(400, 40033, 'This message has already been crossposted.');
    message.flags = (message.flags ?? 0) | MessageFlags.Crossposted;
    gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessage(world, message), messageDispatchOptions(world));
    return { body: message };
  });

  post('/channels/:channel_id/typing', ({ params }) => {
    channelOr404(world, params);
    return {};
  });

  put('/channels/:channel_id/messages/:message_id/reactions/:emoji/@me', ({ params }) => {
    messageOr404(world, params);
    return {};
  });

  // ---- guilds ----

  get('/guilds/:guild_id', ({ params, query }) => {
    const guild = guildOr404(world, params);
    const counts = query['with_counts'] === 'true' ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {};
    return { body: { ...guildPayload(world, guild.id), ...counts } };
  });
  get('/guilds/:guild_id/channels', ({ params }) => ({
    body: [...guildOr404(world, params).channels.values()].map((c) => channelPayload(c)),
  }));
  get('/guilds/:guild_id/roles', ({ params }) => ({ body: [...guildOr404(world, params).roles.values()].map(rolePayload) }));
  get('/guilds/:guild_id/members', ({ params, query }) => {
    const guild = guildOr404(world, params);
    const limit = Math.min(Number(query['limit'] ?? 1), 1000);
    return { body: [...guild.members.keys()].slice(0, limit).map((id) => memberPayload(world, guild.id, id)) };
  });
  get('/guilds/:guild_id/members/:user_id', ({ params }) => {
    const guild = guildOr404(world, params);
    const userId = params['user_id'] ?? '';
    if (!guild.members.has(userId)) fail(404, 10007, 'Unknown Member');
    return { body: memberPayload(world, guild.id, userId) };
  });

  registerCommandRoutes(rest, world);
  registerInteractionRoutes(rest, deps);
}
