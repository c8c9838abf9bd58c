// Gateway rules of the fake server checked with a bare `ws` client, for paths
// discord.js doesn't take by itself (zlib-stream, protocol errors, raw RESUME).

import zlib from 'node:zlib';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordServer, type DiscordServer } from '../../discord-server/server.ts';

interface Payload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** Minimal gateway client: queues decoded payloads and the close event. */
class RawGateway {
  readonly socket: WebSocket;
  private readonly queue: Payload[] = [];
  private readonly waiting: ((p: Payload) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  // zlib-stream: every frame continues one deflate stream; inflate all bytes so far.
  private compressed: Buffer[] = [];
  private decodedLength = 0;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data: Buffer, isBinary) => {
      for (const payload of this.decode(data, isBinary)) {
        const waiter = this.waiting.shift();
        if (waiter) waiter(payload);
        else this.queue.push(payload);
      }
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  private decode(data: Buffer, isBinary: boolean): Payload[] {
    if (!isBinary) return [JSON.parse(data.toString('utf8')) as Payload];
    this.compressed.push(data);
    const text = zlib.inflateSync(Buffer.concat(this.compressed), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
    const fresh = text.slice(this.decodedLength);
    this.decodedLength = text.length;
    return [JSON.parse(fresh) as Payload];
  }

  next(timeoutMs = 2000): Promise<Payload> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no gateway payload')), timeoutMs);
      this.waiting.push((p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
  }

  send(op: number, d: unknown): void {
    this.socket.send(JSON.stringify({ op, d }));
  }
}

describe('gateway protocol (raw ws client)', () => {
  let server: DiscordServer;
  const sockets: RawGateway[] = [];
  const connect = (query = '?v=10&encoding=json', url = server.gatewayUrl): RawGateway => {
    const gw = new RawGateway(`${url}${query}`);
    sockets.push(gw);
    return gw;
  };
  const identify = (gw: RawGateway, token = server.token): void =>
    gw.send(GatewayOpcodes.Identify, { token, intents: 1 | (1 << 9) | (1 << 15), properties: { os: 'linux', browser: 'raw', device: 'raw' } });

  beforeEach(async () => {
    server = await startDiscordServer({ heartbeatIntervalMs: 45_000 });
  });
  afterEach(async () => {
    for (const gw of sockets.splice(0)) gw.socket.terminate();
    await server.close();
  });

  it('says HELLO, ACKs heartbeats and sends READY then GUILD_CREATE', async () => {
    const gw = connect();
    expect(await gw.next()).toEqual({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 45_000 }, s: null, t: null });
    gw.send(GatewayOpcodes.Heartbeat, null);
    expect((await gw.next()).op).toBe(GatewayOpcodes.HeartbeatAck);
    identify(gw);
    const ready = await gw.next();
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1, d: { resume_gateway_url: server.resumeGatewayUrl, application: { id: server.world.applicationId } } });
    const guild = await gw.next();
    expect(guild).toMatchObject({ t: 'GUILD_CREATE', s: 2, d: { id: server.world.guildId(), owner_id: server.world.userId('alice') } });
  });

  it('speaks zlib-stream when asked', async () => {
    const gw = connect('?v=10&encoding=json&compress=zlib-stream');
    expect((await gw.next()).op).toBe(GatewayOpcodes.Hello);
    identify(gw);
    expect((await gw.next()).t).toBe('READY');
    expect((await gw.next()).t).toBe('GUILD_CREATE');
  });

  it.each([
    ['?v=9&encoding=json', GatewayCloseCodes.InvalidAPIVersion],
    ['?v=10&encoding=etf', GatewayCloseCodes.DecodeError],
  ])('closes %s with %i', async (query, code) => {
    const gw = connect(query);
    expect((await gw.closed).code).toBe(code);
  });

  it('closes on a bad token and on payloads before IDENTIFY', async () => {
    const bad = connect();
    await bad.next();
    identify(bad, 'wrong-token');
    expect((await bad.closed).code).toBe(GatewayCloseCodes.AuthenticationFailed);

    const early = connect();
    await early.next();
    early.send(GatewayOpcodes.RequestGuildMembers, { guild_id: server.world.guildId(), query: '', limit: 0 });
    expect((await early.closed).code).toBe(GatewayCloseCodes.NotAuthenticated);
  });

  it('answers RESUME of an unknown session with INVALID_SESSION false', async () => {
    const gw = connect('?v=10&encoding=json', server.resumeGatewayUrl);
    await gw.next();
    gw.send(GatewayOpcodes.Resume, { token: server.token, session_id: 'nope', seq: 3 });
    expect(await gw.next()).toEqual({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
  });

  it('replays only the dispatches after the resumed seq, then RESUMED', async () => {
    const first = connect();
    await first.next();
    identify(first);
    const ready = await first.next();
    await first.next(); // GUILD_CREATE, s=2
    const sessionId = (ready.d as { session_id: string }).session_id;

    server.dropGateway();
    await first.closed;
    const a = server.sendMessage({ content: 'one' });
    const b = server.sendMessage({ content: 'two' });

    const second = connect('?v=10&encoding=json', server.resumeGatewayUrl);
    await second.next();
    second.send(GatewayOpcodes.Resume, { token: server.token, session_id: sessionId, seq: 2 });
    const replayed = [await second.next(), await second.next(), await second.next()];
    expect(replayed.map((p) => [p.t, p.s, (p.d as { id?: string }).id])).toEqual([
      ['MESSAGE_CREATE', 3, a.id],
      ['MESSAGE_CREATE', 4, b.id],
      ['RESUMED', null, undefined],
    ]);

    // Live again: new dispatches continue the sequence.
    server.sendMessage({ content: 'three' });
    expect((await second.next()).s).toBe(5);
  });

  it('answers op 8 with GUILD_MEMBERS_CHUNK carrying the nonce', async () => {
    const gw = connect();
    await gw.next();
    identify(gw);
    await gw.next();
    await gw.next();
    gw.send(GatewayOpcodes.RequestGuildMembers, { guild_id: server.world.guildId(), user_ids: [server.world.userId('bob'), '1'], nonce: 'n1' });
    const chunk = await gw.next();
    expect(chunk).toMatchObject({ t: 'GUILD_MEMBERS_CHUNK', d: { nonce: 'n1', not_found: ['1'], members: [{ user: { username: 'bob' } }] } });
  });
});
