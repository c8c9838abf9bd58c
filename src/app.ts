import { existsSync, readFileSync } from "node:fs";
import { join, parse } from "node:path";
import { LockedError } from "../adapters/store/lock.js";
import { LowdbStore, StoreLoadError } from "../adapters/store/lowdb-store.js";
import { MemoryStore } from "../adapters/store/memory-store.js";
import { ConsoleAdapter } from "../adapters/console/console-adapter.js";
import { Snowflake } from "../adapters/discord/config.js";
import { cronerTimer, hourly } from "../adapters/schedule/croner-timer.js";
import { describeCommands } from "./commands/catalogue.js";
import type { Config } from "./config/config.js";
import { DEMO_MAIL, loadDemo } from "./demo.js";
import { noMetrics, type Metrics } from "./metrics/metrics.js";
import { MetricsRegistry } from "./metrics/registry.js";
import { followBucketSeries } from "./plan/bucket-series.js";
import { Announcer } from "./announce/announcer.js";
import { CORE_COMMANDS } from "./commands/index.js";
import type { CommandSpec } from "./commands/spec.js";
import { platformOf } from "./ids.js";
import { plainText } from "./reply/inline.js";
import type { AnnouncementTarget, ChatAdapter, ChatHost, Clock, ListMailer, Logger, PlanStore } from "./ports.js";
import { systemClock } from "./ports.js";
import { textReply, type Reply } from "./reply/reply.js";
import { Scheduler, type StandingTarget, type Timer } from "./schedule/scheduler.js";
import { SubscriptionSchema } from "./schedule/subscription.js";
import type { PlanEvent } from "./model/schema.js";
import { Stocktake } from "./stocktake.js";
import { checkHealth } from "./web/health.js";
import { AdapterCrashes } from "./adapter-crashes.js";
import { pageUrl } from "./web/links.js";

/**
 * The composition root: the one place that builds the store, the bot, the scheduler and the
 * adapters and wires them together. Platform adapters are imported lazily, so a console session
 * never loads a chat SDK.
 */

export interface App {
  bot: Stocktake;
  store: PlanStore;
  scheduler: Scheduler;
  /** Posts each project's changes to its announcement targets. */
  announcer: Announcer;
  /** Every adapter the app runs, connected or still retrying. */
  adapters: ChatAdapter[];
  metrics: MetricsRegistry;
  /** Where the web page listens, when the config turns it on and it started. */
  web?: { url: string };
  /** Finishes commands in flight, stops the web page, the adapters and the scheduler, and closes the store. */
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
  /** The scheduler's wake-ups; croner by default. */
  timer?: Timer;
  /** First retry delay for an adapter that fails to start; doubles up to five minutes. */
  retryMs?: number;
  /** The bot's commands instead of the core's: for tests that need one that throws. */
  commands?: readonly CommandSpec[];
  /** Where counters go, when adapters built outside count into it too (tests). */
  metrics?: MetricsRegistry;
}

/** The console user holds the terminal and so the data file: an admin, like the file's owner. */
export function withConsoleAdmin(config: Config, consoleUserId: string): Config {
  if (config.admins.includes(consoleUserId)) return config;
  return { ...config, admins: [...config.admins, consoleUserId] };
}

/** The adapters the config turns on, by name. */
export function enabledAdapters(config: Config): string[] {
  return [
    ...(config.console.enabled ? ["console"] : []),
    ...(config.matrix.enabled ? ["matrix"] : []),
    ...(config.discord.enabled ? ["discord"] : []),
    ...(config.irc.enabled ? ["irc"] : []),
    ...(config.mail.enabled ? ["mail"] : []),
  ];
}

/** Where the mail adapter remembers each release's last posts: `mail.threadsFile`, else NAME.mail-threads.json beside the data file. */
export function mailThreadsFile(config: Config): string {
  if (config.mail.threadsFile) return config.mail.threadsFile;
  const { dir, name } = parse(config.dataFile);
  return join(dir, `${name}.mail-threads.json`);
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
export async function createAdapters(config: Config, logger: Logger, metrics: Metrics = noMetrics): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.console.enabled) adapters.push(new ConsoleAdapter({ user: config.console.user, metrics, prefix: config.prefix }));
  if (config.matrix.enabled) {
    const { MatrixAdapter } = await import("../adapters/matrix/matrix-adapter.js");
    adapters.push(new MatrixAdapter({ matrix: config.matrix, core: config, storageFile: matrixStorageFile(config), logger }));
  }
  if (config.discord.enabled) {
    const { DiscordAdapter } = await import("../adapters/discord/discord-adapter.js");
    adapters.push(new DiscordAdapter({ config: config.discord, prefix: config.prefix, commands: describeCommands(CORE_COMMANDS), logger: logger.child({ adapter: "discord" }), metrics }));
  }
  if (config.irc.enabled) {
    const { IrcAdapter } = await import("../adapters/irc/irc-adapter.js");
    adapters.push(new IrcAdapter({ config: config.irc, prefix: config.prefix, botName: config.botName, logger: logger.child({ adapter: "irc" }) }));
  }
  if (config.mail.enabled) {
    const { MailAdapter } = await import("../adapters/mail/mail-adapter.js");
    adapters.push(new MailAdapter({ config: config.mail, threadsFile: mailThreadsFile(config), logger: logger.child({ adapter: "mail" }) }));
  }
  return adapters;
}

const MAX_RETRY_MS = 5 * 60_000;

export async function startApp(options: AppOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const timer = options.timer ?? cronerTimer;
  const store = options.store ?? (await openConfiguredStore(options.config, { clock, logger: logger.child({ part: "store" }) }));
  const metrics = options.metrics ?? new MetricsRegistry();
  const adapters = options.adapters ?? (await createAdapters(options.config, logger, metrics));
  const consoleUser = adapters.find((adapter): adapter is ConsoleAdapter => adapter instanceof ConsoleAdapter);
  const config = consoleUser ? withConsoleAdmin(options.config, consoleUser.invokerId) : options.config;
  // The mail adapter is also how `!mail send` reaches the list.
  const mailer = adapters.find((adapter): adapter is ChatAdapter & ListMailer => adapter.name === "mail" && "deliver" in adapter);
  const bot = new Stocktake({
    store,
    config,
    clock,
    logger,
    metrics,
    pageUrl: (project) => pageUrl(config, project),
    ...(mailer ? { mailer } : {}),
    ...(options.commands ? { commands: options.commands } : {}),
  });

  // Commands in flight, typed or structured, so a shutdown can let them finish and be written first.
  const inFlight = new Set<Promise<unknown>>();
  let accepting = true;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  // What adapters get of the bot: commands in (tracked, refused while stopping), nothing else.
  const host: ChatHost = {
    handle: (message) => (accepting ? track(bot.handle(message)) : Promise.resolve(undefined)),
    // A reply ready at once is not in flight: only one still being made is tracked.
    answer: (message) => {
      if (!accepting) return undefined;
      const reply = bot.answer(message);
      return reply instanceof Promise ? track(reply) : reply;
    },
    execute: (path, args, origin) =>
      accepting ? track(bot.execute(path, args, origin)) : Promise.resolve(textReply("Stocktake is restarting; try again in a moment.", "error")),
    suggest: (conversation, command, param, partial) => bot.suggest(conversation, command, param, partial),
    conversation: (id) => bot.conversation(id),
  };

  const send = async (conversation: string, reply: Reply): Promise<void> => {
    const platform = platformOf(conversation);
    const adapter = adapters.find((candidate) => candidate.name === platform);
    if (!adapter) throw new Error(`no adapter for ${conversation}`);
    await adapter.send(conversation, reply);
  };
  const announcementTargets = (): AnnouncementTarget[] => adapters.flatMap((adapter) => adapter.announcementTargets?.() ?? []);
  const announcer = new Announcer({
    targets: announcementTargets,
    batchMs: config.discord.announceBatchMs,
    read: () => store.read(),
    post: send,
    logger: logger.child({ part: "announcer" }),
    people: config.people,
    // News still waiting in a batch when the process died is posted after the restart.
    outbox: { store, clock, graceMs: config.schedule.graceHours * 3_600_000 },
    ...(store.claimOnce ? { claim: (keys: readonly string[]) => store.claimOnce!(keys) } : {}),
  });
  bot.onChange((events) => announcer.receive(events));
  // On a shared store the process with the target announces another's change; the claim keeps it to one post.
  if (store.claimOnce) store.onForeignChange?.((events) => announcer.receive(events));
  // An announcement target also gets the scheduled summaries and countdowns, without asking.
  const standingTargets = (): StandingTarget[] =>
    announcementTargets().map((target) => ({ ...target, subscription: SubscriptionSchema.parse({}) }));
  const scheduler = new Scheduler({
    store,
    config,
    clock,
    timer,
    logger: logger.child({ part: "scheduler" }),
    send,
    standingTargets,
  });
  const reschedule = (events: readonly PlanEvent[]) => {
    // Subscriptions, milestones and the current release move the schedule; bookkeeping does not.
    if (events.some((event) => !event.quiet && event.entity !== "feature")) scheduler.reschedule();
  };
  bot.onChange(reschedule);
  // Another process on a shared store (`!countdown on` in the Matrix bot's room) moves this one's schedule too.
  store.onForeignChange?.(reschedule);

  // One platform being down must not keep the others from working: each retries on its own.
  const retries = new Set<{ cancel(): void }>();
  const started: ChatAdapter[] = [];
  let stopped = false;
  const crashes = new AdapterCrashes();
  const startAdapter = async (adapter: ChatAdapter, delay: number): Promise<void> => {
    try {
      await crashes.within(adapter.name, () => adapter.start(host));
      started.push(adapter);
      logger.info({ adapter: adapter.name }, "adapter started");
      // Its announcement targets are known now: post what they were not told of before a restart.
      void announcer.catchUp().catch((error: unknown) => logger.error({ err: error }, "could not post the news missed while Stocktake was down"));
    } catch (error) {
      if (stopped) return;
      logger.error({ err: error, adapter: adapter.name, retryInMs: delay }, "adapter failed to start; retrying");
      const retry = timer.at(new Date(clock.now().getTime() + delay), () => {
        retries.delete(retry);
        void startAdapter(adapter, Math.min(delay * 2, MAX_RETRY_MS));
      });
      retries.add(retry);
    }
  };
  // A crash inside one adapter (a bad gateway payload, an SDK bug) restarts that adapter, with the
  // same backoff as a failed start while it keeps crashing; nothing else stops.
  const crashDelay = new Map<ChatAdapter, { delay: number; restarting: boolean }>();
  crashes.install(
    (name, error) => {
      const adapter = adapters.find((candidate) => candidate.name === name);
      metrics.count("stocktake_adapter_crashes_total", { adapter: name });
      if (!adapter || stopped) return void logger.error({ err: error, adapter: name }, "adapter crashed");
      const state = crashDelay.get(adapter) ?? { delay: options.retryMs ?? 1_000, restarting: false };
      crashDelay.set(adapter, state);
      logger.error({ err: error, adapter: name, restartInMs: state.restarting ? undefined : state.delay }, state.restarting ? "adapter crashed again while restarting" : "adapter crashed; restarting it");
      if (state.restarting) return;
      state.restarting = true;
      const index = started.indexOf(adapter);
      if (index >= 0) started.splice(index, 1);
      const retry = timer.at(new Date(clock.now().getTime() + state.delay), () => {
        retries.delete(retry);
        void (async () => {
          await adapter.stop().catch((stopError: unknown) => logger.warn({ err: stopError, adapter: name }, "crashed adapter failed to stop"));
          if (stopped) return;
          metrics.count("stocktake_adapter_restarts_total", { adapter: name });
          await startAdapter(adapter, state.delay);
          state.restarting = false;
          state.delay = Math.min(state.delay * 2, MAX_RETRY_MS);
        })();
      });
      retries.add(retry);
    },
    (error) => logger.error({ err: error }, "uncaught error outside any adapter; exiting"),
  );
  await Promise.all(adapters.map((adapter) => startAdapter(adapter, options.retryMs ?? 1_000)));
  await scheduler.start();
  const stopHourly = options.timer ? () => undefined : hourly(() => void scheduler.runDue());

  const web = config.http?.enabled ? await startWeb(config, { store, bot, metrics, clock, logger, adapters, started }) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      stopped = true;
      accepting = false;
      for (const retry of retries) retry.cancel();
      stopHourly();
      await scheduler.stop();
      await Promise.allSettled([...inFlight]);
      // Changes already made are still news: post them before the adapters go.
      await announcer.stop().catch((error: unknown) => logger.error({ err: error }, "could not post the last announcements"));
      await web?.stop();
      for (const adapter of adapters) {
        await adapter.stop().catch((error: unknown) => logger.error({ err: error, adapter: adapter.name }, "adapter failed to stop"));
      }
      await store.close();
      crashes.uninstall();
    })();
    return stopping;
  };
  return { bot, store, scheduler, announcer, adapters, metrics, ...(web ? { web: { url: web.url } } : {}), stop };
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
 * built from the whole history once, after the page is serving (start-up does not wait for a pass
 * over the history), then follows the bot's changes. A port already in use, or a history the chart
 * cannot read, is logged, not fatal: the chat adapters go on working.
 */
async function startWeb(config: Config, parts: WebParts): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const http = config.http!;
  const logger = parts.logger.child({ part: "web" });
  const { WebServer } = await import("../adapters/http/server.js");
  let tracked: ReturnType<typeof followBucketSeries> | undefined;
  try {
    // The chart follows this process's changes and, on a shared store, the other processes' ones.
    tracked = followBucketSeries(parts.store, (listener) => {
      const own = parts.bot.onChange(listener);
      const foreign = parts.store.onForeignChange?.(listener);
      return () => {
        own();
        foreign?.();
      };
    });
    const following = tracked;
    const seriesReady = following.ready.then(
      () => true,
      (error: unknown) => {
        following.stop();
        logger.error({ err: error }, "the web page's chart could not be built from the history; pages show no chart");
        return false;
      },
    );
    const server = new WebServer({
      store: parts.store,
      config,
      series: tracked.series,
      seriesReady,
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

// --- what the command line runs: it builds nothing itself ---

/** Opens the config's data file for a one-shot command (import, export); the caller closes it. */
export function openStore(config: Config): Promise<PlanStore> {
  return openConfiguredStore(config);
}

/** Where the config keeps the plan, for people: the data file, or the database without its password. */
export function storeName(config: Config): string {
  if (config.store.kind === "lowdb") return config.dataFile;
  let where = "PostgreSQL";
  try {
    const url = new URL(config.store.url);
    where = `postgres://${url.host}${url.pathname}`;
  } catch {
    // The config only checked the scheme; the store will say what is wrong with the rest.
  }
  return config.store.schema === "public" ? where : `${where} (schema ${config.store.schema})`;
}

/** The config's store: lowdb at `dataFile`, or PostgreSQL (loaded only then, as the Discord adapter is). */
async function openConfiguredStore(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<PlanStore> {
  if (config.store.kind === "postgres") {
    const { PostgresStore } = await import("../adapters/store/postgres/postgres-store.js");
    return PostgresStore.open({ url: config.store.url, schema: config.store.schema, poolSize: config.store.poolSize, ...options });
  }
  return LowdbStore.open(config.dataFile, options);
}

/** What a dry run reads: the database, or the data file if there is one; otherwise an empty plan, and no file is made. */
export async function openStoreToRead(config: Config): Promise<PlanStore> {
  return config.store.kind === "postgres" || existsSync(config.dataFile) ? openStore(config) : new MemoryStore(systemClock);
}

/** A data file the store refuses (invalid, or held by another process): a message for the person, not a crash. */
export function isStoreRefusal(error: unknown): error is Error {
  return error instanceof StoreLoadError || error instanceof LockedError;
}

/** The Xen 4.3 example plan in a memory store, forgotten on exit (`--demo`). */
export async function openDemoStore(clock: Clock = systemClock): Promise<PlanStore> {
  const store = new MemoryStore(clock);
  const loaded = await loadDemo(store, readFileSync(DEMO_MAIL, "utf8"), clock);
  if (!loaded.ok) throw new Error(plainText(loaded.error.message));
  return store;
}

export interface ConsoleAppOptions {
  config: Config;
  logger: Logger;
  /** Run on the demo plan in memory instead of the data file. */
  demo: boolean;
  greeting: string;
}

/** A terminal session: the console adapter alone, on the data file or the demo plan. `closed` settles when the person leaves. */
export async function startConsoleApp(options: ConsoleAppOptions): Promise<{ app: App; closed: Promise<void> }> {
  const { config, logger } = options;
  const store = options.demo ? await openDemoStore() : undefined;
  const adapter = new ConsoleAdapter({ user: config.console.user, greeting: options.greeting, prefix: config.prefix });
  const app = await startApp({ config, logger, adapters: [adapter], ...(store ? { store } : {}) });
  return { app, closed: adapter.closed() };
}

/** Settles when the terminal of an app that runs a console closes; undefined when it runs none. */
export function consoleClosed(app: Pick<App, "adapters">): Promise<void> | undefined {
  return app.adapters.find((adapter): adapter is ConsoleAdapter => adapter instanceof ConsoleAdapter)?.closed();
}

/** Whether a command-line value is a Discord id (a snowflake), as the config's ids are. */
export function isDiscordId(text: string): boolean {
  return Snowflake.safeParse(text).success;
}

/** Registers the slash commands with Discord, in one server when `guildId` is given (`stocktake discord deploy-commands`). */
export async function deployDiscordCommands(config: Config, guildId: string | undefined) {
  const { deployCommands } = await import("../adapters/discord/deploy-commands.js");
  return deployCommands({ config: config.discord, commands: describeCommands(CORE_COMMANDS), ...(guildId === undefined ? {} : { guildId }) });
}
