// Shared pieces of the route handlers: 404 lookups and Discord's message rules
// (validation, body -> draft, edits, which sessions see message content).

import { GatewayIntentBits, MessageFlags, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import type { DispatchOptions, GatewaySession } from './gateway.ts';
import type { AllowedMentions, MessageDraft } from './payloads.ts';
import { fail } from './rest.ts';
import { isoTimestamp, snowflake } from './snowflake.ts';
import type { ChannelState, GuildState, World } from './state.ts';

/** A parsed JSON request body. */
export type Body = Record<string, unknown>;

export function channelOr404(world: World, params: Record<string, string>): ChannelState {
  return world.channels.get(params['channel_id'] ?? '') ?? fail(404, 10003, 'Unknown Channel');
}

export function guildOr404(world: World, params: Record<string, string>): GuildState {
  return world.guilds.get(params['guild_id'] ?? '') ?? fail(404, 10004, 'Unknown Guild');
}

export function messageOr404(world: World, params: Record<string, string>): APIMessage {
  channelOr404(world, params);
  return world.message(params['channel_id'] ?? '', params['message_id'] ?? '') ?? fail(404, 10008, 'Unknown Message');
}

/**
 * MESSAGE_CREATE/UPDATE need the GuildMessages intent; without MessageContent the
 * content, embeds, attachments and components arrive empty unless the bot wrote
 * the message or is mentioned in it (Discord's privileged-intent rule).
 */
export function messageDispatchOptions(world: World): DispatchOptions {
  return {
    intent: GatewayIntentBits.GuildMessages,
    transform: (data: unknown, session: GatewaySession) => {
      const message = data as APIMessage;
      if (session.intents & GatewayIntentBits.MessageContent) return message;
      if (message.author.id === world.bot.id || message.mentions.some((u) => u.id === world.bot.id)) return message;
      return { ...message, content: '', embeds: [], attachments: [], components: [] };
    },
  };
}

export function draftFromBody(body: Body, files: { filename: string; size: number; contentType: string }[]): Omit<MessageDraft, 'channelId' | 'authorId'> {
  const attachments = files.map((file) => {
    const id = snowflake();
    return {
      id,
      filename: file.filename,
      size: file.size,
      content_type: file.contentType,
      url: `https://cdn.discordapp.com/attachments/0/${id}/${file.filename}`,
      proxy_url: `https://media.discordapp.net/attachments/0/${id}/${file.filename}`,
    };
  });
  return {
    ...(typeof body['content'] === 'string' ? { content: body['content'] } : {}),
    ...(Array.isArray(body['embeds']) ? { embeds: body['embeds'] as APIEmbed[] } : {}),
    ...(Array.isArray(body['components']) ? { components: body['components'] as unknown[] } : {}),
    ...(typeof body['flags'] === 'number' ? { flags: body['flags'] } : {}),
    ...(typeof body['tts'] === 'boolean' ? { tts: body['tts'] } : {}),
    ...(typeof body['nonce'] === 'string' || typeof body['nonce'] === 'number' ? { nonce: body['nonce'] } : {}),
    ...(body['allowed_mentions'] ? { allowedMentions: body['allowed_mentions'] as AllowedMentions } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

/** Discord's checks that a bot most plausibly trips over. */
export function validateMessageBody(body: Body, fileCount: number): void {
  const content = body['content'];
  const embeds = body['embeds'];
  const hasContent = typeof content === 'string' && content.length > 0;
  const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
  const hasComponents = Array.isArray(body['components']) && body['components'].length > 0;
  if (!hasContent && !hasEmbeds && !hasComponents && fileCount === 0 && !body['sticker_ids'] && !body['poll']) {
    fail(400, 50006, 'Cannot send an empty message');
  }
  if (typeof content === 'string' && content.length > 2000) {
    fail(400, 50035, 'Invalid Form Body', { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } });
  }
  if (Array.isArray(embeds) && embeds.length > 10) {
    fail(400, 50035, 'Invalid Form Body', { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] } });
  }
}

export function applyEdit(message: APIMessage, body: Body): APIMessage {
  if (typeof body['content'] === 'string') {
    if (body['content'].length > 2000) {
      fail(400, 50035, 'Invalid Form Body', { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } });
    }
    message.content = body['content'];
  }
  if (Array.isArray(body['embeds'])) message.embeds = body['embeds'] as APIEmbed[];
  if (Array.isArray(body['components'])) message.components = body['components'] as APIMessage['components'] & object;
  // Editing settles a deferred "thinking" message.
  message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
  message.edited_timestamp = isoTimestamp();
  return message;
}
