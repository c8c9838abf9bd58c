import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IrcAdapter } from "../../adapters/irc/irc-adapter.js";
import { LowdbStore } from "../../adapters/store/lowdb-store.js";
import { startApp, type App } from "../../src/app.js";
import { parseConfig, type Config } from "../../src/config/config.js";
import { importIntoStore } from "../../src/mail/import-into.js";
import { systemClock, type Logger } from "../../src/ports.js";
import { plainText } from "../../src/reply/inline.js";
import { Stocktake } from "../../src/stocktake.js";
import { CONSOLE_ADMIN, FREEZE_DATE, recordingLogger, setup } from "./discord-harness.js";
import { FIXTURE } from "./fixture.js";

export const NETWORK = "test";
export const CHANNEL = "#xen";
export const XEN_ROOM = `irc:${NETWORK}/${CHANNEL}`;

/** The rate the tests run the bot at: under ngIRCd's own (about 3 lines a second), so the bot's bucket is what shows. */
export const TEST_FLOOD = { linesPerSecond: 2, burst: 3 };

export interface IrcHarnessOptions {
  server: { host: string; port: number };
  /** Merged into the `irc:` config section. */
  irc?: Record<string, unknown>;
  /** Merged into the top-level config. */
  config?: Record<string, unknown>;
  /** More set-up before the bot connects, over the same store (as the console admin). */
  before?: (bot: Stocktake) => Promise<void>;
  /** Collects every info, warn and error line the bot logs. */
  logs?: { level: string; msg: string; obj: object }[];
  /** Where the bot's log lines go as well (a benchmark logs as Stocktake does by default); default nowhere. */
  logger?: Logger;
}

export interface IrcHarness {
  app: App;
  adapter: IrcAdapter;
  store: LowdbStore;
  config: Config;
  errors: object[];
  stop(): Promise<void>;
}

/** The real Stocktake (core, lowdb on a temp dir, composition root) with the real IRC adapter, connected to `server`. */
export async function startStocktakeOnIrc(options: IrcHarnessOptions): Promise<IrcHarness> {
  const dir = await mkdtemp(join(tmpdir(), "stocktake-irc-"));
  const config = parseConfig(
    {
      admins: [CONSOLE_ADMIN.id],
      // An account nobody on ngIRCd can log in to: the nick "alice" must not pass for it.
      projects: { xen: { rooms: [XEN_ROOM], maintainers: [`irc:${NETWORK}/alice`] } },
      dataFile: join(dir, "stocktake.json"),
      ...options.config,
      irc: {
        enabled: true,
        network: NETWORK,
        host: options.server.host,
        port: options.server.port,
        tls: false,
        channels: [{ name: CHANNEL }],
        flood: TEST_FLOOD,
        reconnect: { initialMs: 200, maxMs: 2_000 },
        announcements: { xen: CHANNEL },
        ...options.irc,
      },
    },
    "test config",
    {},
  );
  const errors: object[] = [];
  const logger = recordingLogger(errors, options.logs, options.logger);
  const store = await LowdbStore.open(config.dataFile, { logger });
  const seeder = new Stocktake({ store, config });
  const imported = await importIntoStore(store, FIXTURE, { by: CONSOLE_ADMIN.id }, systemClock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  await setup(seeder, XEN_ROOM, `!milestone set feature-freeze ${FREEZE_DATE} AoE`);
  await options.before?.(seeder);

  const adapter = new IrcAdapter({ config: config.irc, prefix: config.prefix, botName: config.botName, logger: logger.child({ adapter: "irc" }) });
  const app = await startApp({ config, logger, store, adapters: [adapter] });
  if (adapter.status() !== "connected") {
    await app.stop();
    throw new Error(`the IRC adapter did not start: ${JSON.stringify(errors)}`);
  }
  return {
    app,
    adapter,
    store,
    config,
    errors,
    stop: async () => {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
