import { WebServer, type HttpLimits } from "../../adapters/http/server.js";
import type { CoreConfig } from "../../src/config/core-config.js";
import { MetricsRegistry } from "../../src/metrics/registry.js";
import { importIntoStore } from "../../src/mail/import-into.js";
import { trackBucketSeries, type BucketSeries } from "../../src/plan/bucket-series.js";
import type { PlanStore } from "../../src/ports.js";
import { checkHealth, type HealthReport } from "../../src/web/health.js";
import { ADMIN, FakeChat, FakeClock } from "./fake-chat.js";
import { FIXTURE } from "./fixture.js";
import { plainText } from "../../src/reply/inline.js";

export interface WebSite {
  url: string;
  chat: FakeChat;
  metrics: MetricsRegistry;
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface WebSiteOptions {
  store?: PlanStore;
  clock?: FakeClock;
  health?: () => Promise<HealthReport>;
  /** Projects the config marks private. */
  privateProjects?: string[];
  /** The chart's series instead of one built from the history (one that missed events). */
  series?: BucketSeries;
  /** The server's slow-client limits, shortened by the tests that try them. */
  limits?: Partial<HttpLimits>;
  /** The config's `people`. */
  people?: CoreConfig["people"];
}

/**
 * The real web server on a free loopback port, over the Xen 4.3 plan from the fixture mail with
 * its feature freeze set, driven by a FakeChat whose changes the page follows.
 */
export async function xenSite(options: WebSiteOptions = {}): Promise<WebSite> {
  const clock = options.clock ?? new FakeClock();
  const metrics = new MetricsRegistry();
  const privateProjects = Object.fromEntries((options.privateProjects ?? []).map((id) => [id, { releaseManagers: [], maintainers: [], rooms: [], private: true }]));
  const chat = new FakeChat({ clock, ...(options.store ? { store: options.store } : {}), config: { projects: { xen: { releaseManagers: [], maintainers: [], rooms: [], private: false }, ...privateProjects }, ...(options.people ? { people: options.people } : {}) } });
  const imported = await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, clock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  await chat.setup("!project use xen", "!milestone set feature-freeze 2013-03-25", "!milestone set release 2013-06-17");
  const tracked = await trackBucketSeries(chat.store, (listener) => chat.bot.onChange(listener));
  const server = new WebServer({
    store: chat.store,
    config: chat.bot.config,
    series: options.series ?? tracked.series,
    metrics,
    clock,
    health: options.health ?? (() => checkHealth(chat.store, [])),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const url = await server.listen(0, "127.0.0.1");
  return {
    url,
    chat,
    metrics,
    get: (path, init) => fetch(`${url}${path}`, init),
    close: async () => {
      tracked.stop();
      await server.close();
    },
  };
}
