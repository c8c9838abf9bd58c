import { EventEmitter } from "node:events";
import { MatrixError } from "@vector-im/matrix-bot-sdk";
import type { MatrixClientLike, MatrixConnection } from "../../adapters/matrix/matrix-adapter.js";

/**
 * A Matrix client at the seam the adapter uses (`MatrixClientLike`), for running the real Matrix
 * adapter without a homeserver. It behaves like matrix-bot-sdk's client over a homeserver for what
 * the adapter calls: room state and members, joins, profiles, sends with transaction ids (a repeated
 * txn id is one event, as the spec says), and each sent event coming back through the sync as the
 * bot's own. Tests inject what people post with `post` and read what the bot sent from `sent`.
 */

export interface SentEvent {
  roomId: string;
  type: string;
  txnId: string;
  eventId: string;
  content: Record<string, unknown>;
}

export interface FakeMember {
  userId: string;
  displayName?: string;
  /** In the room's m.room.power_levels. */
  powerLevel?: number;
}

interface StateEvent {
  type: string;
  state_key: string;
  sender: string;
  content: Record<string, unknown>;
}

const SEND = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/;

export class FakeMatrixClient extends EventEmitter implements MatrixClientLike {
  readonly sent: SentEvent[] = [];
  private readonly rooms = new Map<string, StateEvent[]>();
  private readonly joined = new Set<string>();
  private readonly byTxn = new Map<string, SentEvent>();
  private readonly waiters = new Set<{ match: (event: SentEvent) => boolean; resolve: (event: SentEvent) => void }>();
  private counter = 0;
  private syncing = false;
  /** Set by `connection(storage)`: posts then go through a sync loop like the SDK's. */
  private storage: { setSyncToken(token: string | null): Promise<void> } | undefined;
  private loop: Promise<void> = Promise.resolve();
  private batches = 0;

  constructor(
    readonly userId: string,
    private readonly displayName = "Stocktake",
  ) {
    super();
  }

  /**
   * For `MatrixAdapterOptions.connect`: the login is this client's user. Given the adapter's storage,
   * each post is a sync batch of its own and, as in matrix-bot-sdk's loop, the next batch is
   * delivered only once the storage took the previous batch's token (`s1`, `s2`, …).
   */
  connection(storage?: { setSyncToken(token: string | null): Promise<void> }): Promise<MatrixConnection> {
    this.storage = storage;
    return Promise.resolve({ userId: this.userId, client: this });
  }

  /** A room the bot has joined, with its members (the bot among them) and any further state. */
  addRoom(roomId: string, members: readonly FakeMember[], state: readonly Omit<StateEvent, "sender">[] = []): void {
    const everyone = [{ userId: this.userId, displayName: this.displayName, powerLevel: 100 }, ...members];
    const users = Object.fromEntries(everyone.flatMap((member) => (member.powerLevel === undefined ? [] : [[member.userId, member.powerLevel]])));
    this.rooms.set(roomId, [
      { type: "m.room.create", state_key: "", sender: this.userId, content: { room_version: "10" } },
      { type: "m.room.power_levels", state_key: "", sender: this.userId, content: { users, users_default: 0 } },
      ...everyone.map((member) => ({
        type: "m.room.member",
        state_key: member.userId,
        sender: member.userId,
        content: { membership: "join", ...(member.displayName ? { displayname: member.displayName } : {}) },
      })),
      ...state.map((event) => ({ ...event, sender: this.userId })),
    ]);
    this.joined.add(roomId);
  }

  /**
   * Someone posts an m.room.message (m.text unless `content` says otherwise), delivered as the next
   * sync would deliver it. Returns its event id.
   */
  post(roomId: string, sender: string, body: string, content: Record<string, unknown> = {}): string {
    const eventId = this.eventId();
    const event = {
      type: "m.room.message",
      event_id: eventId,
      sender,
      room_id: roomId,
      origin_server_ts: Date.now(),
      unsigned: { age: 0 },
      content: { msgtype: "m.text", body, ...content },
    };
    const storage = this.storage;
    if (!storage) {
      this.emit("room.event", roomId, event);
      return eventId;
    }
    const token = `s${++this.batches}`;
    this.loop = this.loop.then(async () => {
      this.emit("room.event", roomId, event);
      await storage.setSyncToken(token);
    });
    return eventId;
  }

  /** The next event the bot sends that matches (armed now: earlier ones do not count). */
  nextSent(match: (event: SentEvent) => boolean, timeoutMs = 5_000): Promise<SentEvent> {
    const origin = new Error("nextSent timed out");
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (event: SentEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        origin.message = `no matching event sent within ${timeoutMs} ms; sent: ${this.sent.length}`;
        reject(origin);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  // --- what the adapter calls ---

  async start(): Promise<void> {
    this.syncing = true;
  }

  stop(): void {
    this.syncing = false;
  }

  async getUserProfile(userId: string): Promise<{ displayname?: unknown }> {
    return userId === this.userId ? { displayname: this.displayName } : {};
  }

  async getRoomState(roomId: string): Promise<unknown[]> {
    return structuredClone(this.state(roomId));
  }

  async getRoomStateEvent(roomId: string, type: string, stateKey: string): Promise<unknown> {
    const event = this.state(roomId).find((candidate) => candidate.type === type && candidate.state_key === stateKey);
    if (!event) throw new MatrixError({ errcode: "M_NOT_FOUND", error: "Event not found." }, 404);
    return structuredClone(event.content);
  }

  async joinRoom(roomId: string): Promise<string> {
    if (!this.rooms.has(roomId)) this.addRoom(roomId, []);
    this.joined.add(roomId);
    this.later(() => this.emit("room.join", roomId, {}));
    return roomId;
  }

  async leaveRoom(roomId: string): Promise<void> {
    this.joined.delete(roomId);
    this.later(() => this.emit("room.leave", roomId, {}));
  }

  async getJoinedRooms(): Promise<string[]> {
    return [...this.joined];
  }

  async doRequest(method: string, endpoint: string, _qs?: unknown, body?: unknown): Promise<unknown> {
    const send = SEND.exec(endpoint);
    if (method !== "PUT" || !send) throw new MatrixError({ errcode: "M_UNRECOGNIZED", error: `fake client: no ${method} ${endpoint}` }, 404);
    const [roomId, type, txnId] = [send[1]!, send[2]!, send[3]!].map(decodeURIComponent) as [string, string, string];
    if (!this.joined.has(roomId)) throw new MatrixError({ errcode: "M_FORBIDDEN", error: "not in the room" }, 403);
    const known = this.byTxn.get(txnId);
    if (known) return { event_id: known.eventId };
    const event: SentEvent = { roomId, type, txnId, eventId: this.eventId(), content: structuredClone(body as Record<string, unknown>) };
    this.byTxn.set(txnId, event);
    this.sent.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
    // The homeserver echoes the bot's own events back in the next sync.
    this.later(() => this.emit("room.event", roomId, { type, event_id: event.eventId, sender: this.userId, room_id: roomId, origin_server_ts: Date.now(), unsigned: { age: 0 }, content: event.content }));
    return { event_id: event.eventId };
  }

  private state(roomId: string): StateEvent[] {
    const state = this.rooms.get(roomId);
    if (!state) throw new MatrixError({ errcode: "M_FORBIDDEN", error: "not in the room" }, 403);
    return state;
  }

  private later(fn: () => void): void {
    setImmediate(() => {
      if (this.syncing) fn();
    });
  }

  private eventId(): string {
    return `$fake${++this.counter}`;
  }
}
