import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { LogService } from "@vector-im/matrix-bot-sdk";
import pino from "pino";
import { inject } from "vitest";
import { registerUser } from "../../../scripts/synapse-admin.mjs";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig, type Config } from "../../../src/config/config.js";
import type { Clock, Logger } from "../../../src/ports.js";
import type { Timer } from "../../../src/schedule/scheduler.js";
import type { HomeserverInfo } from "./homeserver.js";
import { Person, type Account } from "./support-person.js";

import { REPO_ROOT } from "./homeserver.js";

export { inReplyTo, Person, plainLines, type Account, type MatrixEvent, type Recording } from "./support-person.js";

export const homeserver: HomeserverInfo | null = inject("matrixHomeserver");

// The people's clients log every expected 404 (no m.direct account data yet) to the console.
LogService.muteModule("MatrixHttpClient");

/** A name no other run uses: tests register fresh users on a shared homeserver. */
export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export async function account(prefix: string, hs: HomeserverInfo, options: { admin?: boolean; localpart?: string } = {}): Promise<Account> {
  const localpart = options.localpart ?? unique(prefix);
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const session = await registerUser(hs.url, hs.registrationSecret, localpart, password, options.admin ?? false);
  return { ...session, localpart, password };
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
  /** The core's and the scheduler's time, for tests that move it (the Matrix client keeps real time). */
  clock?: Clock;
  timer?: Timer;
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
  const app = await startApp({
    config,
    logger: options.logger,
    adapters: [adapter],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
  });
  if (app.adapters.length !== 1) throw new Error("the Matrix adapter did not start; see tests/artifacts/*.log");
  return { app, adapter, config, stop: () => app.stop() };
}
