import { MatrixClient, MemoryStorageProvider } from "@vector-im/matrix-bot-sdk";

/**
 * A real Matrix client acting as a person, for the integration tests and the benchmark. Nothing
 * here depends on vitest.
 */

export interface HomeserverUrl {
  url: string;
}

export interface Account {
  userId: string;
  accessToken: string;
  localpart: string;
  password: string;
}

export interface MatrixEvent {
  type: string;
  event_id: string;
  sender: string;
  state_key?: string;
  origin_server_ts: number;
  content: Record<string, unknown> & { body?: string; msgtype?: string; formatted_body?: string; format?: string };
}

export interface Recording {
  events: readonly MatrixEvent[];
  stop(): void;
  until<T>(check: (events: readonly MatrixEvent[]) => T | undefined, timeoutMs?: number): Promise<T>;
}

type Waiter = { roomId: string | undefined; match: (event: MatrixEvent) => boolean; resolve: (event: MatrixEvent) => void };

/**
 * A second real Matrix client acting as a person. Waiters are armed before the message that causes
 * the awaited event is sent, so a fast answer cannot slip past; they see only events that arrive after arming.
 */
export class Person {
  readonly client: MatrixClient;
  private waiters: Waiter[] = [];

  constructor(
    readonly account: Account,
    hs: HomeserverUrl,
  ) {
    this.client = new MatrixClient(hs.url, account.accessToken, new MemoryStorageProvider());
    this.client.syncingTimeout = 10_000;
    this.client.on("room.event", (roomId: string, event: MatrixEvent) => {
      for (const waiter of [...this.waiters]) {
        if ((waiter.roomId === undefined || waiter.roomId === roomId) && waiter.match(event)) {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          waiter.resolve(event);
        }
      }
    });
  }

  get userId(): string {
    return this.account.userId;
  }

  async start(): Promise<this> {
    await this.client.start();
    return this;
  }

  stop(): void {
    this.client.stop();
  }

  /** Arms a waiter for the next event in the room (any room: undefined) that matches. */
  next(roomId: string | undefined, match: (event: MatrixEvent) => boolean, timeoutMs = 15_000): Promise<MatrixEvent> {
    return new Promise<MatrixEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`no matching event in ${roomId ?? "any room"} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        roomId,
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Starts recording the room's events as this client's sync delivers them, in timeline order.
   * `until(check)` resolves with the first non-undefined result of `check` over what was recorded.
   */
  record(roomId: string): Recording {
    const events: MatrixEvent[] = [];
    let poke: () => void = () => undefined;
    const waiter: Waiter = {
      roomId,
      match: (event) => {
        events.push(event);
        poke();
        return false;
      },
      resolve: () => undefined,
    };
    this.waiters.push(waiter);
    const stop = () => {
      this.waiters = this.waiters.filter((other) => other !== waiter);
    };
    return {
      events,
      stop,
      until: <T>(check: (events: readonly MatrixEvent[]) => T | undefined, timeoutMs = 15_000) =>
        new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => {
            stop();
            reject(new Error(`timed out after ${timeoutMs} ms in ${roomId}; recorded: ${events.map((event) => `${event.sender} ${event.type} ${String(event.content.body ?? "").slice(0, 60)}`).join(" | ")}`));
          }, timeoutMs);
          poke = () => {
            const result = check(events);
            if (result === undefined) return;
            clearTimeout(timer);
            poke = () => undefined;
            resolve(result);
          };
          poke();
        }),
    };
  }

  /**
   * Sends a command and returns the bot's answer. Recording starts before sending; the answer is the
   * first bot message that replies to the command or, in rooms bridged to IRC (no reply relations),
   * the first bot message after the command in the timeline.
   */
  async ask(roomId: string, bot: string, text: string, timeoutMs?: number): Promise<{ sent: string; reply: MatrixEvent }> {
    const { sent, messages } = await this.collect(roomId, bot, text, (found) => found.length >= 1, timeoutMs);
    return { sent, reply: messages[0]! };
  }

  /** Sends a message and collects the bot's messages after it until `done` says they are complete. */
  async collect(roomId: string, bot: string, text: string, done: (messages: readonly MatrixEvent[]) => boolean, timeoutMs?: number): Promise<{ sent: string; messages: MatrixEvent[] }> {
    const recording = this.record(roomId);
    try {
      const sent = await this.say(roomId, text);
      const messages = await recording.until((events) => {
        const own = events.findIndex((event) => event.event_id === sent);
        const answers = events.filter((event, index) => {
          if (event.type !== "m.room.message" || event.sender !== bot) return false;
          const target = inReplyTo(event);
          return target === sent || (target === undefined && own >= 0 && index > own);
        });
        return answers.length > 0 && done(answers) ? answers : undefined;
      }, timeoutMs);
      return { sent, messages };
    } finally {
      recording.stop();
    }
  }

  async say(roomId: string, text: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.client.sendMessage(roomId, { msgtype: "m.text", body: text, ...extra });
  }

  async join(roomId: string): Promise<void> {
    await this.client.joinRoom(roomId);
  }
}

export function inReplyTo(event: MatrixEvent): string | undefined {
  return (event.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined)?.["m.in_reply_to"]?.event_id;
}

export function plainLines(event: MatrixEvent): string[] {
  return String(event.content.body ?? "").split("\n");
}
