// Application command registration, global and per guild: bulk overwrite (PUT),
// create/upsert (POST), fetch, edit and delete. Stored in World so interactions
// dispatched later carry the registered command ids.

import { ApplicationCommandType, type APIApplicationCommand } from 'discord-api-types/v10';
import { fail, routeHelpers, type RestServer } from './rest.ts';
import { guildOr404, type Body } from './route-support.ts';
import { snowflake } from './snowflake.ts';
import type { World } from './state.ts';

export function registerCommandRoutes(rest: RestServer, world: World): void {
  const { get, post, patch, put, del } = routeHelpers(rest);

  // Global and guild scope share the logic; only the store differs.
  const commandScope = (params: Record<string, string>): { store: Map<string, APIApplicationCommand>; guildId: string | null } => {
    if (params['application_id'] !== world.applicationId) fail(403, 50001, 'Missing Access');
    const guildId = params['guild_id'] ?? null;
    if (!guildId) return { store: world.globalCommands, guildId };
    guildOr404(world, params);
    let store = world.guildCommands.get(guildId);
    if (!store) {
      store = new Map();
      world.guildCommands.set(guildId, store);
    }
    return { store, guildId };
  };

  for (const base of ['/applications/:application_id/commands', '/applications/:application_id/guilds/:guild_id/commands']) {
    get(base, ({ params }) => ({ body: [...commandScope(params).store.values()] }));

    put(base, ({ params, body }) => {
      const { store, guildId } = commandScope(params);
      if (!Array.isArray(body)) fail(400, 50035, 'Invalid Form Body', { _errors: [{ code: 'LIST_TYPE_CONVERT', message: 'Must be an array.' }] });
      const inputs = body as Body[];
      inputs.forEach((input, i) => validateCommand(input, String(i)));
      // Bulk overwrite keeps the id of a command whose name already existed.
      const previous = new Map([...store.values()].map((c) => [c.name, c.id]));
      store.clear();
      for (const input of inputs) {
        const command = buildCommand(world, input, guildId, previous.get(String(input['name'])));
        store.set(command.id, command);
      }
      return { body: [...store.values()] };
    });

    post(base, ({ params, body }) => {
      const { store, guildId } = commandScope(params);
      const input = (body ?? {}) as Body;
      validateCommand(input);
      const existing = [...store.values()].find((c) => c.name === input['name']);
      const command = buildCommand(world, input, guildId, existing?.id);
      store.set(command.id, command);
      return { status: existing ? 200 : 201, body: command };
    });

    get(`${base}/:command_id`, ({ params }) => ({
      body: commandScope(params).store.get(params['command_id'] ?? '') ?? fail(404, 10063, 'Unknown application command'),
    }));

    patch(`${base}/:command_id`, ({ params, body }) => {
      const { store, guildId } = commandScope(params);
      const existing = store.get(params['command_id'] ?? '') ?? fail(404, 10063, 'Unknown application command');
      const command = buildCommand(world, { ...existing, ...((body ?? {}) as Body) }, guildId, existing.id);
      store.set(command.id, command);
      return { body: command };
    });

    del(`${base}/:command_id`, ({ params }) => {
      const { store } = commandScope(params);
      if (!store.delete(params['command_id'] ?? '')) fail(404, 10063, 'Unknown application command');
      return {};
    });
  }
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommand(input: Body, path?: string): void {
  const errors: Record<string, unknown> = {};
  const name = input['name'];
  const type = Number(input['type'] ?? ApplicationCommandType.ChatInput);
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || (type === ApplicationCommandType.ChatInput && name !== name.toLowerCase())) {
    errors['name'] = { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }] };
  }
  const description = input['description'];
  if (type === ApplicationCommandType.ChatInput && (typeof description !== 'string' || description.length < 1 || description.length > 100)) {
    errors['description'] = { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] };
  }
  if (Object.keys(errors).length > 0) fail(400, 50035, 'Invalid Form Body', path === undefined ? errors : { [path]: errors });
}

function buildCommand(world: World, input: Body, guildId: string | null, existingId: string | undefined): APIApplicationCommand {
  return {
    id: existingId ?? snowflake(),
    application_id: world.applicationId,
    version: snowflake(),
    type: Number(input['type'] ?? ApplicationCommandType.ChatInput),
    name: String(input['name']),
    name_localizations: (input['name_localizations'] as Record<string, string> | undefined) ?? null,
    description: String(input['description'] ?? ''),
    description_localizations: (input['description_localizations'] as Record<string, string> | undefined) ?? null,
    options: (input['options'] as APIApplicationCommand['options']) ?? [],
    default_member_permissions: (input['default_member_permissions'] as string | null | undefined) ?? null,
    nsfw: Boolean(input['nsfw'] ?? false),
    contexts: (input['contexts'] as APIApplicationCommand['contexts']) ?? null,
    integration_types: (input['integration_types'] as APIApplicationCommand['integration_types']) ?? [0],
    ...(guildId ? { guild_id: guildId } : {}),
  } as APIApplicationCommand;
}
