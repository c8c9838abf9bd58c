// Gateway v10 over WebSocket: HELLO, IDENTIFY -> READY (+ GUILD_CREATE), heartbeats,
// RESUME with replay, plus fault injection (drops, RECONNECT, INVALID_SESSION).
//
// Sessions outlive connections on purpose: a dispatch emitted while a session has
// no live socket is sequenced and buffered, and RESUME replays everything after the
// client's last seen seq. That is what lets a test prove "no command is lost".

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import type { Recorder } from './recorder.ts';

export interface GatewaySession {
  readonly id: string;
  readonly intents: number;
  /** Last sequence number assigned. */
  seq: number;
  /** Every dispatch of this session, for replay on RESUME. */
  readonly buffer: { s: number; t: string; d: unknown }[];
  connection: GatewayConnection | null;
  /** Dead sessions can't be resumed and get no dispatches. */
  dead: boolean;
}

export interface GatewayConnection {
  readonly id: number;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly socket: WebSocket;
  session: GatewaySession | null;
  /** Present when the client asked for compress=zlib-stream. */
  readonly zlib: ZlibStream | null;
  /** Set when the server itself closed/terminated the socket (fault or protocol error). */
  closingByServer: boolean;
}

export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  /** URL paths accepted for upgrades: the gateway path and the resume path. */
  paths: string[];
  /** READY data for a new session plus the GUILD_CREATE data to send right after it. */
  onIdentify(session: GatewaySession, identify: IdentifyData): { ready: unknown; guildCreates: unknown[] };
  /** GUILD_MEMBERS_CHUNK data for an op 8 request. */
  onRequestGuildMembers(request: RequestGuildMembersData): unknown;
}

export interface IdentifyData {
  token: string;
  intents: number;
  properties?: Record<string, string>;
  shard?: [number, number];
  compress?: boolean;
  large_threshold?: number;
  presence?: unknown;
}

export interface RequestGuildMembersData {
  guild_id: string;
  query?: string;
  limit?: number;
  user_ids?: string | string[];
  nonce?: string;
  presences?: boolean;
}

export interface DispatchOptions {
  /** Only sessions that identified with this intent bit receive the event. */
  intent?: number;
  /** Per-session rewrite, e.g. blanking content without the MessageContent intent. */
  transform?: (data: unknown, session: GatewaySession) => unknown;
}

export interface DropOptions {
  /**
   * 'terminate' (default): destroy the TCP socket without a close frame; the client
   * sees 1006 and resumes. 'close': send a close frame with `code` (default 4000,
   * "unknown error", which discord.js also answers with RESUME).
   */
  mode?: 'terminate' | 'close';
  code?: number;
  reason?: string;
}

/** Close codes after which Discord no longer lets the session be resumed. */
const NON_RESUMABLE_CLOSE_CODES = new Set<number>([
  1000, 1001,
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidSeq,
  GatewayCloseCodes.SessionTimedOut,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<GatewayConnection>();
  /** When false, heartbeats are not ACKed (to exercise zombie-connection handling). */
  ackHeartbeats = true;
  /** The next this many connection attempts are refused with HTTP 503. */
  rejectUpgrades = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private nextConnectionId = 1;

  constructor(
    private readonly hooks: GatewayHooks,
    private readonly recorder: Recorder,
  ) {}

  /** Wire into the HTTP server's 'upgrade' event. Returns false if the path isn't ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!this.hooks.paths.includes(url.pathname)) return false;
    if (this.rejectUpgrades > 0) {
      // An outage: the gateway refuses the connection before any WebSocket traffic.
      this.rejectUpgrades--;
      this.recorder.record({ kind: 'connection', event: 'rejected', connectionId: 0, path: url.pathname, query: {} });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, url));
    return true;
  }

  private onConnection(socket: WebSocket, url: URL): void {
    const query = Object.fromEntries(url.searchParams);
    const connection: GatewayConnection = {
      id: this.nextConnectionId++,
      path: url.pathname,
      query,
      socket,
      session: null,
      zlib: query['compress'] === 'zlib-stream' ? new ZlibStream() : null,
      closingByServer: false,
    };
    this.connections.add(connection);
    this.recorder.record({ kind: 'connection', event: 'open', connectionId: connection.id, path: connection.path, query });

    socket.on('message', (raw, isBinary) => this.onMessage(connection, raw, isBinary));
    socket.on('close', (code, reason) => this.onClose(connection, code, reason.toString()));
    // Errors (e.g. ECONNRESET after terminate) are expected during fault injection.
    socket.on('error', () => {});

    // Validate the query string the way Discord does before saying HELLO.
    if (query['v'] !== '10') {
      this.closeConnection(connection, GatewayCloseCodes.InvalidAPIVersion, `fake gateway speaks v=10, got v=${query['v']}`);
      return;
    }
    if ((query['encoding'] ?? 'json') !== 'json') {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, `fake gateway only supports encoding=json`);
      return;
    }
    if (query['compress'] !== undefined && query['compress'] !== 'zlib-stream') {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, `unsupported compress=${query['compress']}`);
      return;
    }
    this.send(connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs }, s: null, t: null });
  }

  private onMessage(connection: GatewayConnection, raw: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary frames are not supported');
      payload = JSON.parse(rawToString(raw)) as { op?: unknown; d?: unknown };
    } catch {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const op = typeof payload.op === 'number' ? payload.op : -1;
    this.recorder.record({
      kind: 'gateway', direction: 'in', connectionId: connection.id, sessionId: connection.session?.id ?? null,
      op, t: null, s: null, d: payload.d,
    });

    switch (op) {
      case GatewayOpcodes.Heartbeat:
        if (this.ackHeartbeats) this.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, payload.d as IdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, payload.d as { token: string; session_id: string; seq: number | null });
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (!this.requireSession(connection)) return;
        this.dispatchTo(connection.session as GatewaySession, GatewayDispatchEvents.GuildMembersChunk,
          this.hooks.onRequestGuildMembers(payload.d as RequestGuildMembersData));
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        // Recorded above; nothing to answer.
        this.requireSession(connection);
        return;
      default:
        this.closeConnection(connection, GatewayCloseCodes.UnknownOpcode, `Unknown opcode ${op}.`);
    }
  }

  private requireSession(connection: GatewayConnection): boolean {
    if (connection.session) return true;
    this.closeConnection(connection, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
    return false;
  }

  private onIdentify(connection: GatewayConnection, identify: IdentifyData): void {
    if (connection.session) {
      this.closeConnection(connection, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (identify.token !== this.hooks.token) {
      this.closeConnection(connection, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session: GatewaySession = {
      id: randomHex(32), intents: identify.intents, seq: 0, buffer: [], connection, dead: false,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    const { ready, guildCreates } = this.hooks.onIdentify(session, identify);
    // READY first, then one GUILD_CREATE per guild: discord.js marks the client
    // ready only once every guild listed as unavailable in READY has arrived.
    this.dispatchTo(session, GatewayDispatchEvents.Ready, ready);
    for (const guild of guildCreates) this.dispatchTo(session, GatewayDispatchEvents.GuildCreate, guild);
  }

  private onResume(connection: GatewayConnection, resume: { token: string; session_id: string; seq: number | null }): void {
    const session = this.sessions.get(resume.session_id);
    if (!session || session.dead || resume.token !== this.hooks.token) {
      // d=false: not resumable, the client must IDENTIFY again.
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    // A resume takes the session over from any connection still holding it.
    if (session.connection && session.connection !== connection) {
      this.drop(session.connection, { mode: 'close', code: GatewayCloseCodes.SessionTimedOut, reason: 'session resumed elsewhere' });
    }
    session.connection = connection;
    connection.session = session;
    const lastSeen = resume.seq ?? 0;
    for (const event of session.buffer) {
      if (event.s > lastSeen) this.send(connection, { op: GatewayOpcodes.Dispatch, t: event.t, s: event.s, d: event.d }, true);
    }
    // RESUMED carries no sequence: it is not part of the replayable stream (this
    // also keeps discord.js's shardResume "replayed" count exact).
    this.send(connection, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: null, d: {} });
  }

  private onClose(connection: GatewayConnection, code: number, reason: string): void {
    this.connections.delete(connection);
    this.recorder.record({
      kind: 'connection', event: 'close', connectionId: connection.id, path: connection.path, query: connection.query,
      code, reason, closedBy: connection.closingByServer ? 'server' : 'client',
    });
    const session = connection.session;
    if (!session) return;
    if (session.connection === connection) session.connection = null;
    // A client closing with 1000/1001 ends its session (Discord won't let it resume).
    if (!connection.closingByServer && NON_RESUMABLE_CLOSE_CODES.has(code)) session.dead = true;
  }

  // ---- dispatching ----

  /** Sequence + buffer an event for every live session, and send it where connected. */
  dispatch(t: string, d: unknown, options: DispatchOptions = {}): number {
    let delivered = 0;
    for (const session of this.sessions.values()) {
      if (session.dead) continue;
      if (options.intent !== undefined && (session.intents & options.intent) === 0) continue;
      this.dispatchTo(session, t, options.transform ? options.transform(d, session) : d);
      delivered++;
    }
    return delivered;
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    const s = ++session.seq;
    session.buffer.push({ s, t, d });
    if (session.connection) this.send(session.connection, { op: GatewayOpcodes.Dispatch, t, s, d });
  }

  private send(connection: GatewayConnection, payload: { op: number; d: unknown; s: number | null; t: string | null }, replay = false): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    this.recorder.record({
      kind: 'gateway', direction: 'out', connectionId: connection.id, sessionId: connection.session?.id ?? null,
      op: payload.op, t: payload.t, s: payload.s, d: payload.d, ...(replay ? { replay } : {}),
    });
    const text = JSON.stringify(payload);
    if (!connection.zlib) {
      connection.socket.send(text);
      return;
    }
    // zlib-stream: one deflate context per connection, each payload ends in a sync flush.
    void connection.zlib.compress(text).then((frame) => {
      if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(frame);
    });
  }

  // ---- fault injection ----

  /** Connections that currently carry a live session. */
  liveConnections(): GatewayConnection[] {
    return [...this.connections].filter((c) => c.session && c.session.connection === c);
  }

  /**
   * Drop a connection (default: every live one). The session is detached *now*, so
   * anything dispatched from here on is buffered until the client resumes.
   */
  drop(connection?: GatewayConnection, options: DropOptions = {}): void {
    const targets = connection ? [connection] : this.liveConnections();
    for (const target of targets) {
      const session = target.session;
      if (session?.connection === target) session.connection = null;
      // Closing with e.g. 1000 or 4007 tells the client to start over, so stop buffering for it.
      if (session && options.mode === 'close' && NON_RESUMABLE_CLOSE_CODES.has(options.code ?? 0)) session.dead = true;
      target.closingByServer = true;
      if ((options.mode ?? 'terminate') === 'terminate') target.socket.terminate();
      else target.socket.close(options.code ?? GatewayCloseCodes.UnknownError, options.reason ?? 'fake gateway drop');
    }
  }

  /** op 7 RECONNECT: the client should close and RESUME on a new connection. */
  sendReconnect(): void {
    for (const connection of this.liveConnections()) {
      this.send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  /** op 9 INVALID_SESSION; with resumable=false the session is killed and the client must re-IDENTIFY. */
  invalidateSessions(resumable = false): void {
    for (const connection of this.liveConnections()) {
      const session = connection.session;
      if (!resumable && session) {
        session.dead = true;
        session.connection = null;
      }
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  /** op 1 from the server: ask the client to heartbeat right now. */
  requestHeartbeat(): void {
    for (const connection of this.liveConnections()) {
      this.send(connection, { op: GatewayOpcodes.Heartbeat, d: null, s: null, t: null });
    }
  }

  private closeConnection(connection: GatewayConnection, code: number, reason: string): void {
    connection.closingByServer = true;
    connection.socket.close(code, reason);
  }

  close(): void {
    for (const connection of this.connections) {
      connection.closingByServer = true;
      connection.socket.terminate();
    }
    this.wss.close();
  }
}

/** Per-connection zlib context producing Discord's zlib-stream frames (each ends in 00 00 ff ff). */
class ZlibStream {
  private readonly deflate = zlib.createDeflate();
  private pending: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.deflate.on('data', (chunk: Buffer) => this.pending.push(chunk));
  }

  compress(text: string): Promise<Buffer> {
    const result = this.queue.then(
      () =>
        new Promise<Buffer>((resolve) => {
          this.deflate.write(text);
          this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            const frame = Buffer.concat(this.pending);
            this.pending = [];
            resolve(frame);
          });
        }),
    );
    this.queue = result;
    return result;
  }
}

function rawToString(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

function randomHex(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}
