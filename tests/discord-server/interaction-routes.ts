// Interaction responses: POST /interactions/:id/:token/callback and the
// interaction webhook (@original edits, follow-ups). Discord serves these with
// the interaction token instead of the bot token, and discord.js sends them with
// `auth: false`, so they are registered without auth.

import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIMessage,
} from 'discord-api-types/v10';
import type { Gateway } from './gateway.ts';
import { createMessage, gatewayMessage, type MessageDraft } from './payloads.ts';
import { fail, routeHelpers, type RestServer } from './rest.ts';
import { applyEdit, draftFromBody, messageDispatchOptions, validateMessageBody, type Body } from './route-support.ts';
import type { InteractionState, World } from './state.ts';

export interface InteractionRouteDeps {
  world: World;
  gateway: Gateway;
  /** 0 disables the "must respond within N ms" rule. */
  interactionAckTimeoutMs: number;
}

export function registerInteractionRoutes(rest: RestServer, deps: InteractionRouteDeps): void {
  const { world, gateway } = deps;
  const { get, post, patch, del } = routeHelpers(rest);

  post('/interactions/:interaction_id/:interaction_token/callback', ({ params, body, query, files }) => {
    const interaction = world.interactions.get(params['interaction_id'] ?? '');
    if (!interaction || interaction.token !== params['interaction_token']) fail(404, 10062, 'Unknown interaction');
    if (interaction.responseType !== null) fail(400, 40060, 'Interaction has already been acknowledged.');
    if (deps.interactionAckTimeoutMs > 0 && Date.now() - interaction.createdAt > deps.interactionAckTimeoutMs) {
      // Discord forgets interactions not acknowledged within 3 s.
      fail(404, 10062, 'Unknown interaction');
    }
    const callback = (body ?? {}) as { type?: number; data?: Body };
    const data = callback.data ?? {};
    let message: APIMessage | null = null;

    switch (callback.type) {
      case InteractionResponseType.ChannelMessageWithSource:
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        if (interaction.type !== InteractionType.ApplicationCommand && interaction.type !== InteractionType.MessageComponent && interaction.type !== InteractionType.ModalSubmit) {
          fail(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Invalid response type for this interaction.' }] } });
        }
        const deferred = callback.type === InteractionResponseType.DeferredChannelMessageWithSource;
        if (!deferred) validateMessageBody(data, files.length);
        const flags = Number(data['flags'] ?? 0);
        interaction.ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
        // A deferred response is a real "Bot is thinking..." message with the Loading flag.
        message = createInteractionMessage(world, interaction, deferred ? { flags: flags | MessageFlags.Loading } : { ...draftFromBody(data, files), flags });
        interaction.originalMessageId = message.id;
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        if (interaction.type !== InteractionType.ApplicationCommandAutocomplete) {
          fail(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Autocomplete results are only valid for autocomplete interactions.' }] } });
        }
        const choices = data['choices'];
        if (!Array.isArray(choices) || choices.length > 25) {
          fail(400, 50035, 'Invalid Form Body', { data: { choices: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 0 and 25 in length.' }] } } });
        }
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage:
      case InteractionResponseType.Modal:
        break;
      default:
        fail(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value must be one of the response types.` }] } });
    }
    interaction.responseType = callback.type ?? null;
    if (message && !interaction.ephemeral) {
      gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessage(world, message), messageDispatchOptions(world));
    }

    // discord.js always sends ?with_response=true|false; false gets 204 like Discord.
    if (query['with_response'] !== 'true') return {};
    return {
      body: {
        interaction: {
          id: interaction.id,
          type: interaction.type,
          ...(message
            ? { response_message_id: message.id, response_message_loading: callback.type === InteractionResponseType.DeferredChannelMessageWithSource, response_message_ephemeral: interaction.ephemeral }
            : {}),
        },
        resource: { type: callback.type, ...(message ? { message } : {}) },
      },
    };
  }, false);

  const interactionByToken = (params: Record<string, string>): InteractionState => {
    if (params['application_id'] !== world.applicationId) fail(404, 10015, 'Unknown Webhook');
    for (const interaction of world.interactions.values()) {
      if (interaction.token === params['token']) return interaction;
    }
    return fail(404, 10015, 'Unknown Webhook');
  };
  const webhookMessage = (interaction: InteractionState, messageId: string): APIMessage => {
    const id = messageId === '@original' ? interaction.originalMessageId : messageId;
    const message = id ? world.message(interaction.channelId, id) : undefined;
    // Only messages of this interaction are reachable through its token.
    if (!message || message.interaction_metadata?.id !== interaction.id) return fail(404, 10008, 'Unknown Message');
    return message;
  };

  post('/webhooks/:application_id/:token', ({ params, body, query, files }) => {
    const interaction = interactionByToken(params);
    if (interaction.responseType === null) fail(404, 10015, 'Unknown Webhook');
    const input = (body ?? {}) as Body;
    validateMessageBody(input, files.length);
    let message: APIMessage;
    const original = interaction.originalMessageId ? world.message(interaction.channelId, interaction.originalMessageId) : undefined;
    if (original && ((original.flags ?? 0) & MessageFlags.Loading) !== 0) {
      // Documented Discord quirk: the first follow-up after a deferral edits the
      // loading message instead of creating a new one, keeping its ephemeral flag.
      message = applyEdit(original, input);
      dispatchUpdate(message);
    } else {
      const flags = Number(input['flags'] ?? 0);
      message = createInteractionMessage(world, interaction, { ...draftFromBody(input, files), flags });
      if ((flags & MessageFlags.Ephemeral) === 0) {
        gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessage(world, message), messageDispatchOptions(world));
      }
    }
    // Without ?wait=true Discord answers 204; discord.js always asks to wait.
    return query['wait'] === 'true' ? { body: message } : {};
  }, false);

  get('/webhooks/:application_id/:token/messages/:message_id', ({ params }) => ({
    body: webhookMessage(interactionByToken(params), params['message_id'] ?? ''),
  }), false);

  patch('/webhooks/:application_id/:token/messages/:message_id', ({ params, body }) => {
    const interaction = interactionByToken(params);
    const message = applyEdit(webhookMessage(interaction, params['message_id'] ?? ''), (body ?? {}) as Body);
    dispatchUpdate(message);
    return { body: message };
  }, false);

  del('/webhooks/:application_id/:token/messages/:message_id', ({ params }) => {
    const interaction = interactionByToken(params);
    const message = webhookMessage(interaction, params['message_id'] ?? '');
    world.messages.get(message.channel_id)?.delete(message.id);
    if (!((message.flags ?? 0) & MessageFlags.Ephemeral)) {
      gateway.dispatch(GatewayDispatchEvents.MessageDelete, { id: message.id, channel_id: message.channel_id, guild_id: interaction.guildId },
        { intent: GatewayIntentBits.GuildMessages });
    }
    return {};
  }, false);

  /** Ephemeral messages never reach the gateway. */
  function dispatchUpdate(message: APIMessage): void {
    if ((message.flags ?? 0) & MessageFlags.Ephemeral) return;
    gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessage(world, message), messageDispatchOptions(world));
  }
}

function createInteractionMessage(world: World, interaction: InteractionState, draft: Omit<MessageDraft, 'channelId' | 'authorId'>): APIMessage {
  const user = world.users.get(interaction.userId) ?? world.bot;
  return createMessage(world, {
    ...draft,
    channelId: interaction.channelId,
    authorId: world.bot.id,
    type: MessageType.ChatInputCommand,
    webhookId: world.applicationId,
    applicationId: world.applicationId,
    interactionMetadata: {
      id: interaction.id,
      type: InteractionType.ApplicationCommand,
      user,
      authorizing_integration_owners: interaction.guildId ? { 0: interaction.guildId } : {},
    } as APIMessage['interaction_metadata'] & object,
  });
}
