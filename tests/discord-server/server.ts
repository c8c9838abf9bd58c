// Entry point: a loopback fake of Discord's REST API + Gateway v10 for testing a
// discord.js v14 bot end to end. One HTTP server carries both (REST under /api,
// WebSocket upgrades on /gateway and /gateway-resume).
//
//   const server = await startDiscordServer();
//   const client = new Client({ intents, rest: { api: server.restUrl } });
//   await client.login(server.token);
//   const handle = server.sendInteraction({ name: 'release', options: [...] });
//   const callback = await handle.callback();

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayDispatchEvents, type APIInteraction, type APIMessage } from 'discord-api-types/v10';
import { Gateway, type DispatchOptions, type DropOptions } from './gateway.ts';
import { buildInteraction, type InteractionInput } from './interaction-payloads.ts';
import { createMessage, gatewayMessage, guildCreatePayload, memberPayload, type MessageDraft } from './payloads.ts';
import { Recorder, type RecordedEvent, type RecordedGatewayPayload, type RecordedRequest, type WaitOptions } from './recorder.ts';
import { RestServer, type FaultSpec, type RateLimitSpec } from './rest.ts';
import { messageDispatchOptions } from './route-support.ts';
import { registerRoutes } from './routes.ts';
import { World, type InteractionState, type WorldSeed } from './state.ts';

export type { RecordedEvent, RecordedGatewayPayload, RecordedRequest, RecordedConnection, RecordedFile, WaitOptions } from './recorder.ts';
export type { FaultSpec, RateLimitSpec } from './rest.ts';
export type { DropOptions } from './gateway.ts';
export type { InteractionInput, InteractionOptionInput } from './interaction-payloads.ts';
export { DEFAULT_WORLD, type WorldSeed, type GuildSeed, type UserSeed, type ChannelSeed, type RoleSeed, type MemberSeed } from './state.ts';

export interface DiscordServerOptions {
  /** Bot token the server accepts (REST `Authorization: Bot <token>` and IDENTIFY). */
  token?: string;
  /** Users/guilds to create; default DEFAULT_WORLD (guild "Stocktake QA", users alice/bob/carol). */
  world?: WorldSeed;
  /** HELLO heartbeat_interval; default 41250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Interactions not acknowledged within this window get 10062 Unknown interaction; default 3000, 0 = never. */
  interactionAckTimeoutMs?: number;
  /** Default 0 (ephemeral). Always binds 127.0.0.1. */
  port?: number;
}

export interface SendMessageInput {
  /** Default: first text channel of the first guild. */
  channelId?: string;
  /** Default: first non-bot user. */
  authorId?: string;
  content: string;
  embeds?: MessageDraft['embeds'];
  /** Files the message carries, as Discord describes them (the test serves their url). */
  attachments?: MessageDraft['attachments'];
  /** Reply to this message id (same channel). */
  replyTo?: string;
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload that was dispatched. */
  readonly payload: APIInteraction;
  /** Live server-side state (response type, ephemeral, original message id). */
  readonly state: InteractionState;
  /** First non-faulted POST /interactions/:id/:token/callback (past or future). */
  callback(timeoutMs?: number): Promise<RecordedRequest>;
  /** First PATCH of the @original response. */
  originalEdit(timeoutMs?: number): Promise<RecordedRequest>;
  /** n-th (0-based) follow-up POST /webhooks/:app/:token. */
  followUp(n?: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Everything recorded so far for this interaction's callback and webhook routes. */
  requests(): RecordedRequest[];
}

export interface DiscordServer {
  /** Value for discord.js `rest: { api }`; @discordjs/rest appends `/v10` itself. */
  readonly restUrl: string;
  /** What GET /gateway/bot returns (no query string; discord.js adds `?v=10&encoding=json`). */
  readonly gatewayUrl: string;
  /** READY's resume_gateway_url: a different path so tests can see resumes use it. */
  readonly resumeGatewayUrl: string;
  readonly token: string;
  readonly world: World;
  readonly recorder: Recorder;
  readonly gateway: Gateway;
  readonly rest: RestServer;

  // -- trigger events (server -> bot) --
  /** A user posts a message: stored, then MESSAGE_CREATE dispatched (buffered if the bot is disconnected). */
  sendMessage(input: SendMessageInput): APIMessage;
  /** A user runs a slash command (type 2) or types in an autocomplete option (type 4). */
  sendInteraction(input: InteractionInput): InteractionHandle;
  /** Any other dispatch. Returns how many sessions it was sequenced for. */
  dispatch(event: string, data: unknown, options?: DispatchOptions): number;

  // -- observe --
  /** Recorded REST requests, optionally filtered. */
  requests(filter?: { method?: string; route?: string | null; path?: string | RegExp }): RecordedRequest[];
  /** Requests that matched no route (answered 404). */
  unknownRoutes(): RecordedRequest[];
  /** Gateway payloads; default direction 'in' (what the client sent). */
  gatewayPayloads(filter?: { op?: number; t?: string; direction?: 'in' | 'out' }): RecordedGatewayPayload[];
  waitFor<E extends RecordedEvent = RecordedEvent>(predicate: (event: RecordedEvent) => boolean, options?: WaitOptions | number): Promise<E>;
  /** Next request for `method` + route template (e.g. '/channels/:channel_id/messages'). */
  waitForRequest(method: string, route: string, options?: WaitOptions | number): Promise<RecordedRequest>;
  /** Next gateway payload with this op (default: received from the client). */
  waitForGatewayOp(op: number, options?: WaitOptions | number, direction?: 'in' | 'out'): Promise<RecordedGatewayPayload>;

  // -- faults --
  /** Answer the next `count` matching requests with 429 + retry_after. */
  rateLimit(spec: RateLimitSpec): void;
  /** Answer the next `count` matching requests with an arbitrary status/body. */
  injectFault(spec: FaultSpec): void;
  /** Kill the bot's gateway connection(s); the session stays resumable and buffers dispatches. */
  dropGateway(options?: DropOptions): void;
  /** The next `count` gateway connection attempts are refused with HTTP 503 (an outage). */
  rejectGateway(count: number): void;
  /** op 7 RECONNECT. */
  sendReconnect(): void;
  /** op 9 INVALID_SESSION (resumable=false kills the session). */
  invalidateSession(resumable?: boolean): void;

  close(): Promise<void>;
}

const GATEWAY_PATH = '/gateway';
const RESUME_PATH = '/gateway-resume';
const API_PREFIX = '/api/v10';

export async function startDiscordServer(options: DiscordServerOptions = {}): Promise<DiscordServer> {
  const token = options.token ?? 'fake-bot-token.stocktake.test';
  const world = new World(options.world);
  const recorder = new Recorder();
  let origin = ''; // known once listening

  const gateway = new Gateway(
    {
      token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      paths: [GATEWAY_PATH, RESUME_PATH],
      onIdentify: (session, identify) => ({
        ready: {
          v: 10,
          user: { ...world.bot, verified: true, mfa_enabled: false, flags: 0 },
          // All guilds start unavailable; discord.js waits for their GUILD_CREATE before 'clientReady'.
          guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
          session_id: session.id,
          session_type: 'normal',
          resume_gateway_url: `ws://${origin}${RESUME_PATH}`,
          shard: identify.shard ?? [0, 1],
          application: { id: world.applicationId, flags: 0 },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: ['us-east'],
          auth: {},
          _trace: ['["fake-discord",{"micros":0}]'],
        },
        guildCreates: [...world.guilds.keys()].map((id) => guildCreatePayload(world, id)),
      }),
      onRequestGuildMembers: (request) => {
        const guild = world.guild(request.guild_id);
        const wanted = request.user_ids === undefined ? null : new Set([request.user_ids].flat());
        const query = (request.query ?? '').toLowerCase();
        let ids = [...guild.members.keys()].filter((id) =>
          wanted ? wanted.has(id) : (world.users.get(id)?.username ?? '').toLowerCase().startsWith(query),
        );
        if (request.limit) ids = ids.slice(0, request.limit);
        return {
          guild_id: guild.id,
          members: ids.map((id) => memberPayload(world, guild.id, id)),
          chunk_index: 0,
          chunk_count: 1,
          ...(wanted ? { not_found: [...wanted].filter((id) => !guild.members.has(id)) } : {}),
          ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
        };
      },
    },
    recorder,
  );

  const rest = new RestServer({ token, prefix: API_PREFIX }, recorder);
  const interactionAckTimeoutMs = options.interactionAckTimeoutMs ?? 3000;
  registerRoutes(rest, { world, gateway, gatewayUrl: () => `ws://${origin}${GATEWAY_PATH}`, interactionAckTimeoutMs });

  const http = createServer((req, res) => {
    rest.handle(req, res).catch((error: unknown) => {
      // Only reachable on socket errors; keep the server alive for the rest of the test.
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  http.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  origin = `127.0.0.1:${port}`;

  const isInteractionRequest = (interaction: InteractionState) => (e: RecordedEvent): e is RecordedRequest =>
    e.kind === 'rest' &&
    e.fault === undefined &&
    (e.params['interaction_token'] === interaction.token || e.params['token'] === interaction.token);

  const server: DiscordServer = {
    restUrl: `http://${origin}/api`,
    gatewayUrl: `ws://${origin}${GATEWAY_PATH}`,
    resumeGatewayUrl: `ws://${origin}${RESUME_PATH}`,
    token,
    world,
    recorder,
    gateway,
    rest,

    sendMessage(input) {
      const channelId = input.channelId ?? world.defaultTextChannel().id;
      const message = createMessage(world, {
        channelId,
        authorId: input.authorId ?? world.defaultUser().id,
        content: input.content,
        ...(input.embeds ? { embeds: input.embeds } : {}),
        ...(input.attachments ? { attachments: input.attachments } : {}),
        ...(input.replyTo ? { messageReference: { message_id: input.replyTo, channel_id: channelId } } : {}),
      });
      const payload = gatewayMessage(world, message);
      gateway.dispatch(GatewayDispatchEvents.MessageCreate, payload, messageDispatchOptions(world));
      return payload;
    },

    sendInteraction(input) {
      const payload = buildInteraction(world, input);
      const state: InteractionState = {
        id: payload.id,
        token: payload.token,
        type: payload.type,
        channelId: payload.channel?.id ?? '',
        guildId: payload.guild_id ?? null,
        userId: payload.member?.user.id ?? payload.user?.id ?? '',
        createdAt: Date.now(),
        responseType: null,
        ephemeral: false,
        originalMessageId: null,
      };
      world.interactions.set(state.id, state);
      gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
      const matches = isInteractionRequest(state);
      return {
        id: state.id,
        token: state.token,
        payload,
        state,
        callback: (timeoutMs = 5000) =>
          recorder.waitFor<RecordedRequest>((e) => matches(e) && e.route?.endsWith('/callback') === true, { timeoutMs, includePast: true }),
        originalEdit: (timeoutMs = 5000) =>
          recorder.waitFor<RecordedRequest>((e) => matches(e) && e.method === 'PATCH' && e.params['message_id'] === '@original', { timeoutMs, includePast: true }),
        followUp: (n = 0, timeoutMs = 5000) =>
          recorder.waitForNth<RecordedRequest>((e) => matches(e) && e.method === 'POST' && e.route === '/webhooks/:application_id/:token', n, timeoutMs),
        requests: () => recorder.events.filter(matches),
      };
    },

    dispatch: (event, data, dispatchOptions) => gateway.dispatch(event, data, dispatchOptions),

    requests(filter = {}) {
      return recorder.events.filter(
        (e): e is RecordedRequest =>
          e.kind === 'rest' &&
          (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
          (filter.route === undefined || e.route === filter.route) &&
          (filter.path === undefined || (typeof filter.path === 'string' ? e.path === filter.path : filter.path.test(e.path))),
      );
    },
    unknownRoutes: () => server.requests({ route: null }),
    gatewayPayloads(filter = {}) {
      const direction = filter.direction ?? 'in';
      return recorder.events.filter(
        (e): e is RecordedGatewayPayload =>
          e.kind === 'gateway' &&
          e.direction === direction &&
          (filter.op === undefined || e.op === filter.op) &&
          (filter.t === undefined || e.t === filter.t),
      );
    },
    waitFor: (predicate, waitOptions) => recorder.waitFor(predicate, waitOptions),
    waitForRequest: (method, route, waitOptions) =>
      recorder.waitFor<RecordedRequest>((e) => e.kind === 'rest' && e.method === method.toUpperCase() && e.route === route, waitOptions),
    waitForGatewayOp: (op, waitOptions, direction = 'in') =>
      recorder.waitFor<RecordedGatewayPayload>((e) => e.kind === 'gateway' && e.op === op && e.direction === direction, waitOptions),

    rateLimit: (spec) => rest.rateLimit(spec),
    injectFault: (spec) => rest.injectFault(spec),
    dropGateway: (dropOptions) => gateway.drop(undefined, dropOptions),
    rejectGateway: (count) => {
      gateway.rejectUpgrades = count;
    },
    sendReconnect: () => gateway.sendReconnect(),
    invalidateSession: (resumable) => gateway.invalidateSessions(resumable),

    async close() {
      recorder.clearWaiters();
      gateway.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
