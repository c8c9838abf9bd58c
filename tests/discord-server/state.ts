// The fake server's world: users, guilds (channels, roles, members), messages,
// registered commands and live interactions. Seeds describe it by *name* so tests
// stay readable; every entity still gets a real snowflake id.

import {
  ChannelType,
  PermissionFlagsBits,
  type APIApplicationCommand,
  type APIMessage,
  type APIUser,
  type UserFlags,
} from 'discord-api-types/v10';
import { snowflake, isoTimestamp } from './snowflake.ts';

export interface UserSeed {
  id?: string;
  username: string;
  globalName?: string;
  bot?: boolean;
}

export type ChannelKind = 'text' | 'announcement' | 'category';

export interface ChannelSeed {
  id?: string;
  name: string;
  /** Default 'text'. 'announcement' is ChannelType.GuildAnnouncement (5). */
  type?: ChannelKind;
  /** Name or id of a category channel in the same guild. */
  parent?: string;
  topic?: string;
}

export interface RoleSeed {
  id?: string;
  name: string;
  /** Permission bits; default none beyond @everyone's. */
  permissions?: bigint;
  color?: number;
  hoist?: boolean;
  mentionable?: boolean;
}

export interface MemberSeed {
  /** Username or id of a seeded user. */
  user: string;
  /** Role names or ids. */
  roles?: string[];
  nick?: string;
}

export interface GuildSeed {
  id?: string;
  name: string;
  /** Username or id; default the first member. */
  owner?: string;
  channels?: ChannelSeed[];
  roles?: RoleSeed[];
  members?: MemberSeed[];
  /** Permissions of @everyone; default view/send/history/embeds/attach/react/slash commands. */
  everyonePermissions?: bigint;
}

export interface WorldSeed {
  bot?: { id?: string; username?: string };
  users?: UserSeed[];
  guilds?: GuildSeed[];
}

export interface ChannelState {
  id: string;
  guildId: string;
  name: string;
  type: ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildCategory;
  position: number;
  parentId: string | null;
  topic: string | null;
  lastMessageId: string | null;
}

export interface RoleState {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  hoist: boolean;
  mentionable: boolean;
  /** Bot user id for the bot's integration role ("managed", as on real Discord). */
  managedBy: string | null;
}

export interface MemberState {
  userId: string;
  guildId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: string;
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  channels: Map<string, ChannelState>;
  roles: Map<string, RoleState>;
  members: Map<string, MemberState>;
}

export interface InteractionState {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string | null;
  userId: string;
  createdAt: number;
  /** Callback type of the initial response, null until acknowledged. */
  responseType: number | null;
  ephemeral: boolean;
  /** Message id of the @original response once one exists. */
  originalMessageId: string | null;
}

export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/** Permissions the bot's managed role gets: enough to reply, embed and crosspost. */
export const DEFAULT_BOT_PERMISSIONS =
  DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageMessages | PermissionFlagsBits.MentionEveryone;

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** A small release-team guild: enough for Stocktake's adapter tests out of the box. */
export const DEFAULT_WORLD: WorldSeed = {
  bot: { username: 'Stocktake' },
  users: [{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }],
  guilds: [
    {
      name: 'Stocktake QA',
      owner: 'alice',
      channels: [
        { name: 'Releases', type: 'category' },
        { name: 'general', type: 'text', parent: 'Releases', topic: 'release chatter' },
        { name: 'release-announcements', type: 'announcement', parent: 'Releases' },
      ],
      roles: [
        { name: 'Release Manager', permissions: PermissionFlagsBits.ManageMessages, color: 0x2ecc71, hoist: true },
        { name: 'Developer', color: 0x3498db, mentionable: true },
      ],
      members: [
        { user: 'alice', roles: ['Release Manager'] },
        { user: 'bob', roles: ['Developer'] },
        { user: 'carol' },
      ],
    },
  ],
};

export class World {
  readonly bot: APIUser;
  readonly applicationId: string;
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildState>();
  /** channelId -> channel, across guilds. */
  readonly channels = new Map<string, ChannelState>();
  /** channelId -> (messageId -> message), in creation order. */
  readonly messages = new Map<string, Map<string, APIMessage>>();
  readonly globalCommands = new Map<string, APIApplicationCommand>();
  /** guildId -> (commandId -> command). */
  readonly guildCommands = new Map<string, Map<string, APIApplicationCommand>>();
  readonly interactions = new Map<string, InteractionState>();

  constructor(seed: WorldSeed = DEFAULT_WORLD) {
    // On real Discord a bot's application id equals its user id; discord.js doesn't
    // rely on it, but keeping it true avoids surprises in code that does.
    this.bot = makeUser({ id: seed.bot?.id ?? snowflake(), username: seed.bot?.username ?? 'Stocktake', bot: true });
    this.applicationId = this.bot.id;
    this.users.set(this.bot.id, this.bot);
    for (const userSeed of seed.users ?? []) {
      const user = makeUser({ ...userSeed, id: userSeed.id ?? snowflake() });
      this.users.set(user.id, user);
    }
    for (const guildSeed of seed.guilds ?? []) this.addGuild(guildSeed);
  }

  private addGuild(seed: GuildSeed): void {
    const id = seed.id ?? snowflake();
    const joinedAt = isoTimestamp();
    const guild: GuildState = { id, name: seed.name, ownerId: '', joinedAt, channels: new Map(), roles: new Map(), members: new Map() };
    this.guilds.set(id, guild);

    // @everyone shares the guild's id, as on Discord.
    guild.roles.set(id, {
      id, guildId: id, name: '@everyone', permissions: seed.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
      position: 0, color: 0, hoist: false, mentionable: false, managedBy: null,
    });
    (seed.roles ?? []).forEach((r, i) => {
      const roleId = r.id ?? snowflake();
      guild.roles.set(roleId, {
        id: roleId, guildId: id, name: r.name, permissions: r.permissions ?? 0n, position: i + 1,
        color: r.color ?? 0, hoist: r.hoist ?? false, mentionable: r.mentionable ?? false, managedBy: null,
      });
    });
    const botRoleId = snowflake();
    guild.roles.set(botRoleId, {
      id: botRoleId, guildId: id, name: this.bot.username, permissions: DEFAULT_BOT_PERMISSIONS,
      position: guild.roles.size, color: 0, hoist: false, mentionable: false, managedBy: this.bot.id,
    });

    const kinds = { text: ChannelType.GuildText, announcement: ChannelType.GuildAnnouncement, category: ChannelType.GuildCategory } as const;
    (seed.channels ?? []).forEach((c, i) => {
      const channelId = c.id ?? snowflake();
      const parentId = c.parent ? this.findIn(guild.channels, c.parent, 'channel').id : null;
      const channel: ChannelState = {
        id: channelId, guildId: id, name: c.name, type: kinds[c.type ?? 'text'], position: i,
        parentId, topic: c.topic ?? null, lastMessageId: null,
      };
      guild.channels.set(channelId, channel);
      this.channels.set(channelId, channel);
      this.messages.set(channelId, new Map());
    });

    for (const m of seed.members ?? []) {
      const user = this.findIn(this.users, m.user, 'user', (u) => u.username);
      guild.members.set(user.id, {
        userId: user.id, guildId: id, nick: m.nick ?? null, joinedAt,
        roleIds: (m.roles ?? []).map((r) => this.findIn(guild.roles, r, 'role').id),
      });
    }
    guild.members.set(this.bot.id, { userId: this.bot.id, guildId: id, roleIds: [botRoleId], nick: null, joinedAt });

    const owner = seed.owner ?? seed.members?.[0]?.user;
    guild.ownerId = owner ? this.findIn(this.users, owner, 'user', (u) => u.username).id : this.bot.id;
  }

  // ---- lookups by name or id (tests refer to fixtures by name) ----

  guild(nameOrId?: string): GuildState {
    if (nameOrId === undefined) {
      const first = this.guilds.values().next();
      if (first.done) throw new Error('fake discord: no guilds seeded');
      return first.value;
    }
    return this.findIn(this.guilds, nameOrId, 'guild');
  }
  guildId(nameOrId?: string): string {
    return this.guild(nameOrId).id;
  }
  user(nameOrId: string): APIUser {
    return this.findIn(this.users, nameOrId, 'user', (u) => u.username);
  }
  userId(nameOrId: string): string {
    return this.user(nameOrId).id;
  }
  channel(nameOrId: string): ChannelState {
    return this.findIn(this.channels, nameOrId, 'channel');
  }
  channelId(nameOrId: string): string {
    return this.channel(nameOrId).id;
  }
  role(nameOrId: string, guildNameOrId?: string): RoleState {
    return this.findIn(this.guild(guildNameOrId).roles, nameOrId, 'role');
  }
  roleId(nameOrId: string, guildNameOrId?: string): string {
    return this.role(nameOrId, guildNameOrId).id;
  }
  /** First text channel of the first guild: the default target for sendMessage. */
  defaultTextChannel(): ChannelState {
    for (const c of this.guild().channels.values()) if (c.type === ChannelType.GuildText) return c;
    throw new Error('fake discord: first guild has no text channel');
  }
  /** First non-bot user: the default author/invoker. */
  defaultUser(): APIUser {
    for (const u of this.users.values()) if (!u.bot) return u;
    throw new Error('fake discord: no non-bot users seeded');
  }

  message(channelId: string, messageId: string): APIMessage | undefined {
    return this.messages.get(channelId)?.get(messageId);
  }

  storeMessage(message: APIMessage): void {
    let channelMessages = this.messages.get(message.channel_id);
    if (!channelMessages) {
      channelMessages = new Map();
      this.messages.set(message.channel_id, channelMessages);
    }
    channelMessages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) channel.lastMessageId = message.id;
  }

  /**
   * Guild-level permissions (role union; owner and Administrator get everything).
   * Channel overwrites are not modelled.
   */
  permissions(guildId: string, userId: string): bigint {
    const guild = this.guilds.get(guildId);
    if (!guild) return 0n;
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
    for (const roleId of member?.roleIds ?? []) bits |= guild.roles.get(roleId)?.permissions ?? 0n;
    return bits & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : bits;
  }

  private findIn<T extends { id: string; name?: string }>(
    map: Map<string, T>,
    nameOrId: string,
    what: string,
    nameOf: (item: T) => string | undefined = (item) => item.name,
  ): T {
    const byId = map.get(nameOrId);
    if (byId) return byId;
    for (const item of map.values()) if (nameOf(item) === nameOrId) return item;
    throw new Error(`fake discord: unknown ${what} "${nameOrId}"`);
  }
}

function makeUser(seed: UserSeed & { id: string }): APIUser {
  return {
    id: seed.id,
    username: seed.username,
    // Discord dropped discriminators; "0" is what migrated accounts report.
    discriminator: '0',
    global_name: seed.bot ? null : (seed.globalName ?? capitalize(seed.username)),
    avatar: null,
    public_flags: 0 as UserFlags,
    ...(seed.bot ? { bot: true } : {}),
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
