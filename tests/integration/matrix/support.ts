import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { MatrixClient, MemoryStorageProvider, LogService, LogLevel } from "@vector-im/matrix-bot-sdk";
import pino from "pino";
import { inject } from "vitest";
import { registerUser } from "../../../scripts/synapse-admin.mjs";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig, type Config } from "../../../src/config/config.js";
import type { Logger } from "../../../src/ports.js";
import type { HomeserverInfo } from "./homeserver.js";
import { REPO_ROOT } from "./homeserver.js";

export const homeserver: HomeserverInfo | null = inject("matrixHomeserver");

/** A name no other run uses: tests register fresh users on a shared homeserver. */
export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export interface Account {
  userId: string;
  accessToken: string;
  localpart: string;
  password: string;
}

export async function account(prefix: string, hs: HomeserverInfo, options: { admin?: boolean; localpart?: string } = {}): Promise<Account> {
  const localpart = options.localpart ?? unique(prefix);
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const session = await registerUser(hs.url, hs.registrationSecret, localpart, password, options.admin ?? false);
  return { ...session, localpart, password };
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
    hs: HomeserverInfo,
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

export async function person(prefix: string, hs: HomeserverInfo, options: { localpart?: string } = {}): Promise<Person> {
  return new Person(await account(prefix, hs, options), hs).start();
}

/** The bot's log for a test file: tests/artifacts/NAME.log (set STOCKTAKE_TEST_LOG=debug for more). */
export function testLogger(name: string): Logger {
  const dir = join(REPO_ROOT, "tests", "artifacts");
  mkdirSync(dir, { recursive: true });
  return pino({ level: process.env["STOCKTAKE_TEST_LOG"] ?? "info", base: { test: name } }, pino.destination({ dest: join(dir, `${name}.log`), sync: true }));
}

export interface BotOptions {
  hs: HomeserverInfo;
  bot: Account;
  dir: string;
  logger: Logger;
  /** Extra config, merged over the defaults (matrix keys merged one level deep). */
  config?: Record<string, unknown>;
  matrix?: Record<string, unknown>;
  sync?: { timelineLimit?: number; pollMs?: number };
  /** token: matrix.accessToken; password: user + password; kept: user only, the token kept from a password login. */
  login?: "token" | "password" | "kept";
}

export interface RunningBot {
  app: App;
  adapter: MatrixAdapter;
  config: Config;
  stop(): Promise<void>;
}

/** Starts the real bot: config → startApp → lowdb store in `dir` → the Matrix adapter on the homeserver. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const matrix = {
    enabled: true,
    homeserverUrl: options.hs.url,
    ...(options.login === "password"
      ? { user: options.bot.localpart, password: options.bot.password }
      : options.login === "kept"
        ? { user: options.bot.localpart }
        : { accessToken: options.bot.accessToken }),
    ...options.matrix,
  };
  const config = parseConfig({ dataFile: join(options.dir, "stocktake.json"), ...options.config, matrix }, "integration test");
  const adapter = new MatrixAdapter({
    matrix: config.matrix,
    core: config,
    storageFile: join(options.dir, "stocktake.matrix.json"),
    logger: options.logger,
    sync: { pollMs: 5_000, ...options.sync },
  });
  const app = await startApp({ config, logger: options.logger, adapters: [adapter] });
  if (app.adapters.length !== 1) throw new Error("the Matrix adapter did not start; see tests/artifacts/*.log");
  return { app, adapter, config, stop: () => app.stop() };
}

/** The SDK logs failed requests of the test's own clients loudly; keep test output for test results. */
export function quietSdk(): void {
  LogService.setLevel(LogLevel.ERROR);
  LogService.muteModule("MatrixHttpClient");
  LogService.muteModule("MatrixClientLite");
}

export function inReplyTo(event: MatrixEvent): string | undefined {
  return (event.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined)?.["m.in_reply_to"]?.event_id;
}

export function plainLines(event: MatrixEvent): string[] {
  return String(event.content.body ?? "").split("\n");
}
