// INTERACTION_CREATE payloads for slash commands (type 2) and autocomplete
// (type 4), including `data.resolved` for user/role/channel options.

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
  type APIInteractionDataResolved,
} from 'discord-api-types/v10';
import { channelPayload, memberPayload, rolePayload } from './payloads.ts';
import { randomToken, snowflake } from './snowflake.ts';
import type { World } from './state.ts';

export interface InteractionOptionInput {
  name: string;
  /** ApplicationCommandOptionType; inferred from `value` (string/integer/boolean/number) or `options` (subcommand). */
  type?: ApplicationCommandOptionType;
  value?: string | number | boolean;
  /** Autocomplete: the option the user is typing in. */
  focused?: boolean;
  options?: InteractionOptionInput[];
}

export interface InteractionInput {
  /** 'command' (type 2, default) or 'autocomplete' (type 4). Numeric types accepted. */
  type?: 'command' | 'autocomplete' | InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete;
  /** Command name. */
  name: string;
  options?: InteractionOptionInput[];
  /** Invoking user; default the first non-bot user. */
  userId?: string;
  /** Default the first text channel of the first guild. */
  channelId?: string;
  /** Default the channel's guild. */
  guildId?: string;
  locale?: string;
}

export function buildInteraction(world: World, input: InteractionInput): APIInteraction {
  const type =
    input.type === 'autocomplete' || input.type === InteractionType.ApplicationCommandAutocomplete
      ? InteractionType.ApplicationCommandAutocomplete
      : InteractionType.ApplicationCommand;
  const channel = world.channels.get(input.channelId ?? world.defaultTextChannel().id);
  if (!channel) throw new Error(`fake discord: unknown channel ${input.channelId}`);
  const guildId = input.guildId ?? channel.guildId;
  const userId = input.userId ?? world.defaultUser().id;
  const user = world.users.get(userId);
  if (!user) throw new Error(`fake discord: unknown user ${userId}`);

  // Use the registered command's id when there is one (guild scope wins), like Discord.
  const command =
    [...(world.guildCommands.get(guildId)?.values() ?? [])].find((c) => c.name === input.name) ??
    [...world.globalCommands.values()].find((c) => c.name === input.name);
  const options = (input.options ?? []).map(normalizeOption);
  const resolved = resolveOptions(world, guildId, options);

  return {
    id: snowflake(),
    application_id: world.applicationId,
    type,
    token: randomToken(),
    version: 1,
    data: {
      id: command?.id ?? snowflake(),
      name: input.name,
      type: ApplicationCommandType.ChatInput,
      options,
      ...(resolved ? { resolved } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    },
    guild_id: guildId,
    guild: { id: guildId, locale: 'en-US', features: [] },
    // discord.js reads interaction.channelId from `channel.id`, not `channel_id`.
    channel: channelPayload(channel),
    channel_id: channel.id,
    member: { ...memberPayload(world, guildId, userId), permissions: world.permissions(guildId, userId).toString() },
    app_permissions: world.permissions(guildId, world.bot.id).toString(),
    locale: input.locale ?? 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { 0: guildId },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  } as APIInteraction;
}

function normalizeOption(input: InteractionOptionInput): APIApplicationCommandInteractionDataOption {
  if (input.options || input.type === ApplicationCommandOptionType.Subcommand || input.type === ApplicationCommandOptionType.SubcommandGroup) {
    return {
      name: input.name,
      type: input.type ?? ApplicationCommandOptionType.Subcommand,
      options: (input.options ?? []).map(normalizeOption),
    } as APIApplicationCommandInteractionDataOption;
  }
  const value = input.value;
  const inferred =
    typeof value === 'boolean'
      ? ApplicationCommandOptionType.Boolean
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? ApplicationCommandOptionType.Integer
          : ApplicationCommandOptionType.Number
        : ApplicationCommandOptionType.String;
  return {
    name: input.name,
    type: input.type ?? inferred,
    value,
    ...(input.focused ? { focused: true } : {}),
  } as APIApplicationCommandInteractionDataOption;
}

/** Fills `data.resolved` for user/role/channel/mentionable options, as Discord does. */
function resolveOptions(
  world: World,
  guildId: string,
  options: APIApplicationCommandInteractionDataOption[],
): APIInteractionDataResolved | undefined {
  const resolved: Required<Pick<APIInteractionDataResolved, 'users' | 'members' | 'roles' | 'channels'>> = {
    users: {}, members: {}, roles: {}, channels: {},
  };
  let any = false;
  const guild = world.guilds.get(guildId);
  const visit = (list: APIApplicationCommandInteractionDataOption[]): void => {
    for (const option of list) {
      if ('options' in option && option.options) visit(option.options as APIApplicationCommandInteractionDataOption[]);
      if (!('value' in option) || typeof option.value !== 'string') continue;
      const id = option.value;
      const isUserish = option.type === ApplicationCommandOptionType.User || option.type === ApplicationCommandOptionType.Mentionable;
      const user = isUserish ? world.users.get(id) : undefined;
      if (user) {
        any = true;
        resolved.users[id] = user;
        if (guild?.members.has(id)) {
          const { user: _u, ...member } = memberPayload(world, guildId, id);
          resolved.members[id] = { ...member, permissions: world.permissions(guildId, id).toString() };
        }
      }
      const role = option.type === ApplicationCommandOptionType.Role || option.type === ApplicationCommandOptionType.Mentionable
        ? guild?.roles.get(id)
        : undefined;
      if (role) {
        any = true;
        resolved.roles[id] = rolePayload(role);
      }
      const channel = option.type === ApplicationCommandOptionType.Channel ? world.channels.get(id) : undefined;
      if (channel) {
        any = true;
        resolved.channels[id] = {
          id, name: channel.name, type: channel.type, permissions: world.permissions(guildId, world.bot.id).toString(),
        } as (typeof resolved.channels)[string];
      }
    }
  };
  visit(options);
  return any ? resolved : undefined;
}
