// Builds the JSON objects Discord would send (roles, channels, members, guilds,
// messages) from the World. Field choice follows what discord.js v14 reads
// when constructing Guild/Message/Interaction objects, so nothing throws there.

import {
  ChannelType,
  MessageType,
  type APIAttachment,
  type APIChannel,
  type APIEmbed,
  type APIGuild,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
} from 'discord-api-types/v10';
import { isoTimestamp, snowflake } from './snowflake.ts';
import type { ChannelState, RoleState, World } from './state.ts';

// ---- small entities ----

export function rolePayload(role: RoleState): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: role.hoist,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managedBy !== null,
    mentionable: role.mentionable,
    flags: 0 as RoleFlags,
    ...(role.managedBy ? { tags: { bot_id: role.managedBy } } : {}),
  };
}

export function channelPayload(channel: ChannelState, withGuildId = true): APIChannel {
  // GUILD_CREATE omits guild_id on its channels; REST and interactions include it.
  const base = {
    id: channel.id,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    permission_overwrites: [],
    flags: 0,
    ...(withGuildId ? { guild_id: channel.guildId } : {}),
  };
  if (channel.type === ChannelType.GuildCategory) return { ...base, type: channel.type, parent_id: null };
  return {
    ...base,
    type: channel.type,
    topic: channel.topic,
    nsfw: false,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
  };
}

/** Full member object, with its user. */
export function memberPayload(world: World, guildId: string, userId: string): APIGuildMember {
  const member = world.guilds.get(guildId)?.members.get(userId);
  const user = world.users.get(userId);
  if (!member || !user) throw new Error(`fake discord: ${userId} is not a member of ${guildId}`);
  return {
    user,
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roleIds],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

function partialMember(world: World, guildId: string, userId: string): Omit<APIGuildMember, 'user'> {
  const { user: _user, ...rest } = memberPayload(world, guildId, userId);
  return rest;
}

export function guildPayload(world: World, guildId: string): APIGuild {
  const guild = world.guilds.get(guildId);
  if (!guild) throw new Error(`fake discord: unknown guild ${guildId}`);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()].map(rolePayload),
    emojis: [],
    stickers: [],
    features: ['NEWS', 'COMMUNITY'] as APIGuild['features'],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US' as APIGuild['preferred_locale'],
    nsfw_level: 0,
    hub_type: null,
    incidents_data: null,
    max_members: 500000,
    max_video_channel_users: 25,
  };
}

export function guildCreatePayload(world: World, guildId: string): GatewayGuildCreateDispatchData {
  const guild = world.guilds.get(guildId);
  if (!guild) throw new Error(`fake discord: unknown guild ${guildId}`);
  return {
    ...guildPayload(world, guildId),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.keys()].map((userId) => memberPayload(world, guildId, userId)),
    channels: [...guild.channels.values()].map((c) => channelPayload(c, false)) as GatewayGuildCreateDispatchData['channels'],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

// ---- messages ----

export interface AllowedMentions {
  parse?: ('users' | 'roles' | 'everyone')[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

export interface MessageDraft {
  channelId: string;
  authorId: string;
  content?: string;
  embeds?: APIEmbed[];
  components?: unknown[];
  attachments?: APIAttachment[];
  flags?: number;
  tts?: boolean;
  nonce?: string | number;
  type?: MessageType;
  messageReference?: { message_id?: string; channel_id?: string; guild_id?: string };
  /** Omitted = Discord's default (everything in the content pings). */
  allowedMentions?: AllowedMentions;
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: APIMessage['interaction_metadata'];
}

/** Builds and stores a message. Returns the REST shape (no guild_id/member). */
export function createMessage(world: World, draft: MessageDraft): APIMessage {
  const author = world.users.get(draft.authorId);
  if (!author) throw new Error(`fake discord: unknown author ${draft.authorId}`);
  const id = snowflake();
  const content = draft.content ?? '';
  const channel = world.channels.get(draft.channelId);
  const referenced = draft.messageReference?.message_id
    ? world.message(draft.messageReference.channel_id ?? draft.channelId, draft.messageReference.message_id)
    : undefined;
  const mentions = resolveMentions(world, content, draft.allowedMentions, referenced?.author);

  const message: APIMessage = {
    id,
    channel_id: draft.channelId,
    author,
    content,
    timestamp: isoTimestamp(),
    edited_timestamp: null,
    tts: draft.tts ?? false,
    mention_everyone: mentions.everyone,
    mentions: mentions.users,
    mention_roles: mentions.roles,
    attachments: draft.attachments ?? [],
    embeds: draft.embeds ?? [],
    components: (draft.components ?? []) as APIMessage['components'] & object,
    pinned: false,
    type: draft.type ?? (referenced ? MessageType.Reply : MessageType.Default),
    flags: draft.flags ?? 0,
    ...(draft.nonce !== undefined ? { nonce: draft.nonce } : {}),
    ...(draft.webhookId ? { webhook_id: draft.webhookId } : {}),
    ...(draft.applicationId ? { application_id: draft.applicationId } : {}),
    ...(draft.interactionMetadata ? { interaction_metadata: draft.interactionMetadata } : {}),
    ...(draft.messageReference
      ? {
          message_reference: {
            type: 0,
            channel_id: draft.messageReference.channel_id ?? draft.channelId,
            ...(draft.messageReference.message_id ? { message_id: draft.messageReference.message_id } : {}),
            ...(channel ? { guild_id: channel.guildId } : {}),
          },
          referenced_message: referenced ?? null,
        }
      : {}),
  };
  world.storeMessage(message);
  return message;
}

/** The gateway shape of a message: REST shape plus guild_id and the author's partial member. */
export function gatewayMessage(world: World, message: APIMessage): APIMessage & { guild_id?: string; member?: unknown } {
  const channel = world.channels.get(message.channel_id);
  if (!channel) return message;
  const isMember = world.guilds.get(channel.guildId)?.members.has(message.author.id) ?? false;
  return {
    ...message,
    guild_id: channel.guildId,
    // Webhook-authored messages (interaction responses) have no member.
    ...(isMember && !message.webhook_id ? { member: partialMember(world, channel.guildId, message.author.id) } : {}),
  };
}

function resolveMentions(
  world: World,
  content: string,
  allowed: AllowedMentions | undefined,
  repliedTo: APIUser | undefined,
): { users: APIUser[]; roles: string[]; everyone: boolean } {
  const allow = (kind: 'users' | 'roles' | 'everyone', id?: string): boolean => {
    if (!allowed) return true; // no allowed_mentions: everything in content pings
    if (allowed.parse?.includes(kind)) return true;
    if (id && kind === 'users') return allowed.users?.includes(id) ?? false;
    if (id && kind === 'roles') return allowed.roles?.includes(id) ?? false;
    return false;
  };
  const users = new Map<string, APIUser>();
  for (const [, id] of content.matchAll(/<@!?(\d+)>/g)) {
    const user = id ? world.users.get(id) : undefined;
    if (user && allow('users', user.id)) users.set(user.id, user);
  }
  // A reply pings its target unless allowed_mentions.replied_user is false (default
  // true without allowed_mentions, false when allowed_mentions is given without it).
  if (repliedTo && (allowed ? allowed.replied_user === true : true)) users.set(repliedTo.id, repliedTo);
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? '').filter((id) => allow('roles', id));
  const everyone = /@(everyone|here)\b/.test(content) && allow('everyone');
  return { users: [...users.values()], roles, everyone };
}
