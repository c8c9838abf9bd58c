import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CoreConfig } from "../../src/config/core-config.js";
import { exportJson, exportText } from "../../src/mail/export.js";
import type { Project } from "../../src/model/schema.js";
import type { BucketSeries } from "../../src/web/views.js";
import { systemClock, type Clock, type Logger, type PlanStore } from "../../src/ports.js";
import type { Metrics } from "../../src/metrics/metrics.js";
import { own } from "../../src/util/own.js";
import { silentLogger } from "../../src/util/silent-logger.js";
import type { HealthReport } from "../../src/web/health.js";
import type { PageFormat } from "../../src/web/links.js";
import { FEED_ENTRIES, renderAtom, renderCalendar } from "./feeds.js";
import { renderIndex, renderNotFound, renderProjectPage } from "./page.js";
import { CONTENT_SECURITY_POLICY } from "./style.js";

/** Recent changes the page lists. */
const RECENT_CHANGES = 15;

export interface WebServerOptions {
  store: PlanStore;
  config: CoreConfig;
  series: BucketSeries;
  /**
   * Resolves true once `series` holds the whole history (built after start-up), false when it could
   * not be read: the page then shows no chart. Pages with a chart wait for it; nothing else does.
   */
  seriesReady?: Promise<boolean>;
  metrics: Metrics & { render(): string };
  health: () => Promise<HealthReport>;
  clock?: Clock;
  logger?: Logger;
  /** How long a slow client may take; the defaults suit a read-only page (tests shorten them). */
  limits?: Partial<HttpLimits>;
}

export interface HttpLimits {
  /** A request's headers must all arrive within this (slowloris sends them a byte at a time). */
  headersTimeoutMs: number;
  /** The whole request, headers and body. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Bytes of request headers; more is answered 431. */
  maxHeaderBytes: number;
  /** Open connections at once; more are refused until some close. */
  maxConnections: number;
  /** How often node:http checks the two timeouts above (its default, 30 s, lets a trickle live that long). */
  checkIntervalMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 8_192,
  maxConnections: 256,
  checkIntervalMs: 1_000,
};

interface Page {
  status: number;
  type: string;
  body: Buffer;
  headers?: Record<string, string>;
}

const TYPES: Record<PageFormat, string> = {
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  json: "application/json; charset=utf-8",
  ics: "text/calendar; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
};

/** Sent with every answer: nothing on the page may run, frame it or load from elsewhere. */
const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

/**
 * The read-only web site: / lists the public projects, /p/ID shows a project's current release
 * (also as .txt and .json), /healthz and /metrics are for operators. node:http is enough for a
 * handful of GET routes and keeps the adapter free of dependencies. Only GET and HEAD are answered;
 * private projects answer exactly as unknown ones do.
 */
export class WebServer {
  private server: Server | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** The last rendering of each page, valid while the plan, the chart and the minute stay the same. */
  private readonly cache = new Map<string, { key: string; page: Page }>();
  private readonly notFound: Page = { status: 404, type: TYPES.html, body: Buffer.from(renderNotFound()) };

  constructor(private readonly options: WebServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts listening; resolves with the address, such as http://127.0.0.1:8080. */
  async listen(port: number, host: string): Promise<string> {
    const limits = { ...HTTP_LIMITS, ...this.options.limits };
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        maxHeaderSize: limits.maxHeaderBytes,
        connectionsCheckingInterval: limits.checkIntervalMs,
      },
      (request, response) => void this.handle(request, response),
    );
    server.maxConnections = limits.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Browsers keep connections open; the page has nothing in flight worth waiting for.
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let route = "other";
    let page: Page;
    try {
      if (request.method !== "GET" && request.method !== "HEAD") {
        page = { status: 405, type: TYPES.txt, body: Buffer.from("This site is read-only: only GET and HEAD.\n"), headers: { Allow: "GET, HEAD" } };
      } else {
        ({ route, page } = await this.route(new URL(request.url ?? "/", "http://localhost").pathname));
      }
    } catch (error) {
      this.logger.error({ err: error, url: request.url }, "web page failed");
      page = { status: 500, type: TYPES.txt, body: Buffer.from("Sorry, something went wrong on our side. It is in the log.\n") };
    }
    this.options.metrics.count("stocktake_http_requests_total", { route, status: String(page.status) });
    response.writeHead(page.status, { ...SECURITY_HEADERS, ...page.headers, "Content-Type": page.type, "Content-Length": String(page.body.length) });
    response.end(request.method === "HEAD" ? undefined : page.body);
  }

  private async route(path: string): Promise<{ route: string; page: Page }> {
    if (path === "/") return { route: "/", page: await this.cached("index", (now) => this.index(now)) };
    if (path === "/healthz") return { route: "/healthz", page: await this.health() };
    if (path === "/metrics") {
      return { route: "/metrics", page: { status: 200, type: "text/plain; version=0.0.4; charset=utf-8", body: Buffer.from(this.options.metrics.render()) } };
    }
    const match = /^\/p\/([^/]+)$/.exec(path);
    if (!match) return { route: "other", page: this.notFound };
    let name: string;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      return { route: "other", page: this.notFound };
    }
    // Ids may contain dots: "/p/a.txt" is a's text when a exists, else the page of a project "a.txt".
    for (const format of ["txt", "json", "ics", "atom"] as const) {
      const project = name.endsWith(`.${format}`) ? this.visible(name.slice(0, -format.length - 1)) : undefined;
      if (project) return { route: `/p/:project.${format}`, page: await this.cached(`${format}:${project.id}`, (now) => this.render(project, format, now)) };
    }
    const project = this.visible(name);
    if (project) await this.options.seriesReady;
    return { route: "/p/:project", page: project ? await this.cached(`html:${project.id}`, (now) => this.render(project, "html", now)) : this.notFound };
  }

  /** A project anyone may see: it exists and the config does not call it private. */
  private visible(id: string): Project | undefined {
    const { projects } = this.options.store.read();
    if (own(this.options.config.projects, id)?.private) return undefined;
    return own(projects, id);
  }

  private index(now: Date): Page {
    const state = this.options.store.read();
    const entries = Object.keys(state.projects)
      .map((id) => this.visible(id))
      .filter((project): project is Project => project !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((project) => ({ project, release: project.currentRelease === null ? undefined : own(project.releases, project.currentRelease) }));
    return { status: 200, type: TYPES.html, body: Buffer.from(renderIndex(entries, now)) };
  }

  /** A page as last rendered, unless the plan, the chart or the minute (countdowns, "2 hours ago") moved on. */
  private async cached(id: string, render: (now: Date) => Page | Promise<Page>): Promise<Page> {
    // Never a change whose write is still reaching the disk (group commit, src/ports.ts).
    const settling = this.options.store.settled?.();
    if (settling) await settling;
    const now = this.clock.now();
    const key = `${this.options.store.read().seq}:${this.options.series.lastSeq}:${Math.floor(now.getTime() / 60_000)}`;
    const hit = this.cache.get(id);
    if (hit?.key === key) return hit.page;
    const page = await render(now);
    this.cache.set(id, { key, page });
    return page;
  }

  private async render(project: Project, format: PageFormat, now: Date): Promise<Page> {
    const release = project.currentRelease === null ? undefined : own(project.releases, project.currentRelease);
    if (format === "atom") {
      const events = await this.options.store.history({ project: project.id, limit: FEED_ENTRIES });
      return { status: 200, type: TYPES.atom, body: Buffer.from(renderAtom(project, events, this.options.store.read(), now, this.options.config.people)) };
    }
    if (format !== "html") {
      if (!release) return this.notFound;
      if (format === "ics") return { status: 200, type: TYPES.ics, body: Buffer.from(await renderCalendar(project, release, now)) };
      const text = format === "txt" ? exportText(project, release, now, this.options.config.people) : exportJson(project, release);
      return { status: 200, type: TYPES[format], body: Buffer.from(text) };
    }
    const { store, series, config } = this.options;
    // A release filter leaves out room bindings and project bookkeeping; quiet events are out anyway.
    const changes = release ? await store.history({ project: project.id, release: release.id, limit: RECENT_CHANGES }) : [];
    const html = renderProjectPage({
      project,
      release,
      points: release && (await this.options.seriesReady) !== false ? series.points(project.id, release.id) : [],
      changes,
      state: store.read(),
      now,
      prefix: config.prefix,
      people: config.people,
    });
    return { status: 200, type: TYPES.html, body: Buffer.from(html) };
  }

  private async health(): Promise<Page> {
    const report = await this.options.health();
    return { status: report.ok ? 200 : 503, type: TYPES.json, body: Buffer.from(`${JSON.stringify({ status: report.ok ? "ok" : "unhealthy", ...report }, null, 2)}\n`) };
  }
}
