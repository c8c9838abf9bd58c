import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiscordAdapter } from "../../adapters/discord/discord-adapter.js";
import { LowdbStore } from "../../adapters/store/lowdb-store.js";
import { startApp, type App } from "../../src/app.js";
import { describeCommands } from "../../src/commands/catalogue.js";
import { CORE_COMMANDS } from "../../src/commands/index.js";
import { parseConfig, type Config } from "../../src/config/config.js";
import { createLogger } from "../../src/logging.js";
import { MetricsRegistry } from "../../src/metrics/registry.js";
import { importIntoStore } from "../../src/mail/import-into.js";
import type { Invoker, Logger } from "../../src/ports.js";
import { systemClock } from "../../src/ports.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import { Stocktake } from "../../src/stocktake.js";
import { addDays } from "../../src/util/dates.js";
import { silentLogger } from "../../src/util/silent-logger.js";
import type { DiscordServer } from "../discord-server/server.ts";
import { FIXTURE } from "./fixture.js";
import { plainText } from "../../src/reply/inline.js";

export const CONSOLE_ADMIN: Invoker = { id: "console:admin", displayName: "Admin" };

/** Twelve weeks from today: the feature freeze of the seeded Xen 4.3 plan, always ahead. */
export const FREEZE_DATE = addDays(new Date().toISOString().slice(0, 10), 84);

export interface HarnessOptions {
  server: DiscordServer;
  /** Merged into the `discord:` config section. */
  discord?: Record<string, unknown>;
  /** Merged into the top-level config. */
  config?: Record<string, unknown>;
  deferAfterMs?: number;
  /** Seed the Xen 4.3 plan from the fixture mail (default true), bound to #general. */
  seed?: boolean;
  /** Every info, warning and error logged goes here too. */
  logs?: { level: string; msg: string; obj: object }[];
  /** Keep the data here (and leave it on stop), to start again over the same plan. */
  dir?: string;
  /** More set-up before the bot connects, over the same store. */
  before?: (store: LowdbStore, bot: Stocktake) => Promise<void>;
}

export interface Harness {
  app: App;
  adapter: DiscordAdapter;
  store: LowdbStore;
  config: Config;
  /** Everything logged at error level: a passing test has none it did not expect. */
  errors: object[];
  stop(): Promise<void>;
}

/**
 * Logs nothing unless STOCKTAKE_TEST_LOG is set (or through `through`, a benchmark's real logger),
 * but keeps error entries (and, given `all`, every entry) for assertions.
 */
export function recordingLogger(errors: object[], all?: { level: string; msg: string; obj: object }[], through?: Logger): Logger {
  const base = through ?? (process.env["STOCKTAKE_TEST_LOG"] ? createLogger(process.env["STOCKTAKE_TEST_LOG"]) : silentLogger);
  const wrap = (inner: Logger): Logger => ({
    debug: (obj, msg) => inner.debug(obj, msg),
    info: (obj, msg) => {
      all?.push({ level: "info", msg: msg ?? "", obj });
      inner.info(obj, msg);
    },
    warn: (obj, msg) => {
      all?.push({ level: "warn", msg: msg ?? "", obj });
      inner.warn(obj, msg);
    },
    error: (obj, msg) => {
      all?.push({ level: "error", msg: msg ?? "", obj });
      errors.push({ ...obj, msg });
      inner.error(obj, msg);
    },
    child: (bindings) => wrap(inner.child(bindings)),
  });
  return wrap(base);
}

/** Says each line as the console admin and fails loudly on a refusal. */
export async function setup(bot: Stocktake, conversation: string, ...lines: string[]): Promise<void> {
  for (const text of lines) {
    const reply = await bot.handle({ text, invoker: CONSOLE_ADMIN, conversation });
    if (reply?.tone === "error") throw new Error(`setup “${text}” failed: ${renderPlain(reply)}`);
  }
}

/**
 * The real Stocktake (core, lowdb store on a temp dir with durable writes, composition root) with
 * the real Discord adapter, logged in to the fake server.
 */
export async function startStocktakeOnDiscord(options: HarnessOptions): Promise<Harness> {
  const { server } = options;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "stocktake-discord-")));
  const general = `discord:${server.world.channelId("general")}`;
  const config = parseConfig(
    {
      admins: [CONSOLE_ADMIN.id],
      projects: { xen: { rooms: [general] } },
      dataFile: join(dir, "stocktake.json"),
      ...options.config,
      discord: {
        enabled: true,
        token: server.token,
        restApi: server.restUrl,
        roles: { releaseManager: ["release manager"], maintainer: [server.world.roleId("Developer")] },
        announcements: { xen: server.world.channelId("release-announcements") },
        ...options.discord,
      },
    },
    "test config",
    {},
  );
  const errors: object[] = [];
  const logger = recordingLogger(errors, options.logs);
  const metrics = new MetricsRegistry();
  const store = await LowdbStore.open(config.dataFile, { logger });
  const seeder = new Stocktake({ store, config });
  if (options.seed !== false) {
    const imported = await importIntoStore(store, FIXTURE, { by: CONSOLE_ADMIN.id }, systemClock);
    if (!imported.ok) throw new Error(plainText(imported.error.message));
    await setup(seeder, general, `!milestone set feature-freeze ${FREEZE_DATE} AoE`);
  }
  await options.before?.(store, seeder);

  const adapter = new DiscordAdapter({
    config: config.discord,
    prefix: config.prefix,
    commands: describeCommands(CORE_COMMANDS),
    logger: logger.child({ adapter: "discord" }),
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
    metrics,
  });
  const app = await startApp({ config, logger, store, adapters: [adapter], metrics });
  if (app.adapters.length !== 1) {
    await app.stop();
    throw new Error(`the Discord adapter did not start: ${JSON.stringify(errors)}`);
  }
  return {
    app,
    adapter,
    store,
    config,
    errors,
    stop: async () => {
      await app.stop();
      if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
