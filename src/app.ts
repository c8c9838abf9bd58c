import { join, parse } from "node:path";
import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { ConsoleAdapter } from "../adapters/console/console-adapter.js";
import type { Config } from "./config/config.js";
import type { ChatAdapter, Clock, Logger, PlanStore } from "./ports.js";
import { systemClock } from "./ports.js";
import { Stocktake } from "./stocktake.js";

/**
 * The composition root: the one place that builds the store, the bot and the adapters and wires
 * them together. Platform adapters are imported lazily, so a console session never loads a chat SDK.
 */

export interface App {
  bot: Stocktake;
  store: PlanStore;
  adapters: ChatAdapter[];
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Use this store instead of opening the config's data file (the demo's memory store). */
  store?: PlanStore;
  /** Adapters to run; by default the ones the config enables. */
  adapters?: ChatAdapter[];
}

/** The console user holds the terminal and so the data file: an admin, like the file's owner. */
export function withConsoleAdmin(config: Config, consoleUserId: string): Config {
  if (config.admins.includes(consoleUserId)) return config;
  return { ...config, admins: [...config.admins, consoleUserId] };
}

/** The adapters the config turns on, by name. */
export function enabledAdapters(config: Config): string[] {
  return [...(config.console.enabled ? ["console"] : []), ...(config.matrix.enabled ? ["matrix"] : [])];
}

/** The Matrix adapter's state (sync token, kept login): `matrix.storageFile`, else NAME.matrix.json beside the data file. */
export function matrixStorageFile(config: Config): string {
  if (config.matrix.storageFile) return config.matrix.storageFile;
  const { dir, name } = parse(config.dataFile);
  return join(dir, `${name}.matrix.json`);
}

/**
 * Builds the adapters the config turns on. Platform adapters are imported here, lazily, so that a
 * console session never loads a chat SDK.
 */
export async function createAdapters(config: Config, logger: Logger): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.console.enabled) adapters.push(new ConsoleAdapter({ user: config.console.user }));
  if (config.matrix.enabled) {
    const { MatrixAdapter } = await import("../adapters/matrix/matrix-adapter.js");
    adapters.push(new MatrixAdapter({ matrix: config.matrix, core: config, storageFile: matrixStorageFile(config), logger }));
  }
  return adapters;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await LowdbStore.open(options.config.dataFile, { clock, logger: logger.child({ part: "store" }) }));
  const adapters = options.adapters ?? (await createAdapters(options.config, logger));
  const consoleUser = adapters.find((adapter): adapter is ConsoleAdapter => adapter instanceof ConsoleAdapter);
  const config = consoleUser ? withConsoleAdmin(options.config, consoleUser.invokerId) : options.config;
  const bot = new Stocktake({ store, config, clock, logger });

  const started: ChatAdapter[] = [];
  for (const adapter of adapters) {
    try {
      await adapter.start((message) => bot.handle(message), { conversation: (id) => bot.conversation(id) });
      started.push(adapter);
      logger.info({ adapter: adapter.name }, "adapter started");
    } catch (error) {
      // One platform being down must not keep the others from working.
      logger.error({ err: error, adapter: adapter.name }, "adapter failed to start");
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const adapter of started) {
        await adapter.stop().catch((error: unknown) => logger.error({ err: error, adapter: adapter.name }, "adapter failed to stop"));
      }
      await store.close();
    })();
    return stopping;
  };
  return { bot, store, adapters: started, stop };
}
