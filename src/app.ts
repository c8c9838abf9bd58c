import { LowdbStore } from "../adapters/store/lowdb-store.js";
import { ConsoleAdapter } from "../adapters/console/console-adapter.js";
import type { Config } from "./config/config.js";
import { noMetrics } from "./metrics/metrics.js";
import { MetricsRegistry } from "./metrics/registry.js";
import { trackBucketSeries } from "./plan/bucket-series.js";
import type { ChatAdapter, Clock, Logger, Metrics, PlanStore } from "./ports.js";
import { systemClock } from "./ports.js";
import { Stocktake } from "./stocktake.js";
import { checkHealth } from "./web/health.js";
import { pageUrl } from "./web/links.js";

/**
 * The composition root: the one place that builds the store, the bot and the adapters and wires
 * them together. Platform adapters are imported lazily, so a console session never loads a chat SDK.
 */

export interface App {
  bot: Stocktake;
  store: PlanStore;
  adapters: ChatAdapter[];
  metrics: MetricsRegistry;
  /** Where the web page listens, when the config turns it on and it started. */
  web?: { url: string };
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
  return config.console.enabled ? ["console"] : [];
}

/**
 * Builds the adapters the config turns on. Platform adapters are imported here, lazily, so that a
 * console session never loads a chat SDK.
 */
export async function createAdapters(config: Config, _logger: Logger, metrics: Metrics = noMetrics): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.console.enabled) adapters.push(new ConsoleAdapter({ user: config.console.user, metrics }));
  return adapters;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await LowdbStore.open(options.config.dataFile, { clock, logger: logger.child({ part: "store" }) }));
  const metrics = new MetricsRegistry();
  const adapters = options.adapters ?? (await createAdapters(options.config, logger, metrics));
  const consoleUser = adapters.find((adapter): adapter is ConsoleAdapter => adapter instanceof ConsoleAdapter);
  const config = consoleUser ? withConsoleAdmin(options.config, consoleUser.invokerId) : options.config;
  const bot = new Stocktake({ store, config, clock, logger, metrics, pageUrl: (project) => pageUrl(config, project) });

  const started: ChatAdapter[] = [];
  for (const adapter of adapters) {
    try {
      await adapter.start((message) => bot.handle(message));
      started.push(adapter);
      logger.info({ adapter: adapter.name }, "adapter started");
    } catch (error) {
      // One platform being down must not keep the others from working.
      logger.error({ err: error, adapter: adapter.name }, "adapter failed to start");
    }
  }

  const web = config.http?.enabled ? await startWeb(config, { store, bot, metrics, clock, logger, adapters, started }) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await web?.stop();
      for (const adapter of started) {
        await adapter.stop().catch((error: unknown) => logger.error({ err: error, adapter: adapter.name }, "adapter failed to stop"));
      }
      await store.close();
    })();
    return stopping;
  };
  return { bot, store, adapters: started, metrics, ...(web ? { web: { url: web.url } } : {}), stop };
}

interface WebParts {
  store: PlanStore;
  bot: Stocktake;
  metrics: MetricsRegistry;
  clock: Clock;
  logger: Logger;
  adapters: readonly ChatAdapter[];
  started: readonly ChatAdapter[];
}

/**
 * The read-only web page (adapters/http), imported only when the config asks for it. Its chart is
 * built from the whole history once, here, then follows the bot's changes. A port already in use
 * (or a history it cannot read) is logged, not fatal: the chat adapters go on working.
 */
async function startWeb(config: Config, parts: WebParts): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const http = config.http!;
  const logger = parts.logger.child({ part: "web" });
  const { WebServer } = await import("../adapters/http/server.js");
  let tracked: Awaited<ReturnType<typeof trackBucketSeries>> | undefined;
  try {
    tracked = await trackBucketSeries(parts.store, (listener) => parts.bot.onChange(listener));
    const server = new WebServer({
      store: parts.store,
      config,
      series: tracked.series,
      metrics: parts.metrics,
      clock: parts.clock,
      logger,
      health: () => checkHealth(parts.store, parts.adapters.map((adapter) => ({ adapter, started: parts.started.includes(adapter) }))),
    });
    const url = await server.listen(http.port, http.host);
    logger.info({ url, publicUrl: http.publicUrl }, "web page serving");
    const { stop } = tracked;
    return {
      url,
      stop: async () => {
        stop();
        await server.close();
      },
    };
  } catch (error) {
    tracked?.stop();
    logger.error({ err: error, host: http.host, port: http.port }, "web page failed to start");
    return undefined;
  }
}
