import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { exportJson, exportText } from "../../../src/mail/export.js";
import { bucketCounts } from "../../../src/plan/summary.js";
import { BucketSeries } from "../../../src/plan/bucket-series.js";
import { checkHealth } from "../../../src/web/health.js";
import type { ChatAdapter } from "../../../src/ports.js";
import { xenSite, type WebSite } from "../../support/web.js";

let site: WebSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

async function open(options: Parameters<typeof xenSite>[0] = {}): Promise<WebSite> {
  site = await xenSite(options);
  return site;
}

const xen = (web: WebSite) => web.chat.store.read().projects["xen"]!;

describe("the project page", () => {
  it("shows the release: schedule with we-are-here, buckets with owners and notes, chart, table and changes", async () => {
    const web = await open();
    await web.chat.setup("!status blktap3 fair", "!owner blktap3 Thanos Makatos", "!note blktap3: rebased on 4.3");
    const response = await web.get("/p/xen");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain("<h1>Xen 4.3: taking stock</h1>");
    expect(html).toContain("Month 4 of 9, feature freeze in 61 days (25 March 2013)");
    // The timeline: we are here, before the feature freeze and the release.
    expect(html).toMatch(/<li class="now" aria-current="date">We are here: <time datetime="2013-01-23">23 January 2013<\/time>, month 4 of 9<\/li><li><strong>Feature freeze<\/strong>.*in 61 days<\/li><li><strong>Release<\/strong>/);
    // Buckets: a heading each, with the colour as a swatch beside the words, and their items.
    const counts = bucketCounts(xen(web).releases["4.3"]!);
    expect(html).toContain(`<h3 id="bucket-at-risk"><span class="swatch s-at-risk" aria-hidden="true"></span>Features at risk <span class="count">(${counts["at-risk"]})</span></h3>`);
    expect(html).toContain('<h3 id="bucket-done"><span class="swatch s-done" aria-hidden="true"></span>Finished features');
    expect(html).toContain('<li>blktap3<span class="details">owner: Thanos Makatos</span><span class="details">status: rebased on 4.3</span></li>');
    // The chart, described for screen readers, and its data as a table.
    expect(html).toMatch(/<svg class="chart" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="chart-title chart-desc"/);
    expect(html).toContain('<title id="chart-title">Xen 4.3: taking stock: features in each bucket over time</title>');
    expect(html).toMatch(/<desc id="chart-desc">Features in each bucket on 23 January 2013: finished stayed at \d+.*\. Milestones: Feature freeze 25 March 2013\.<\/desc>/);
    expect(html).toContain('<path class="line" data-bucket="at-risk"');
    expect(html).toContain(">Feature freeze</text>");
    expect(html).toContain("<caption>Features in each bucket at the end of each day on which a count changed</caption>");
    // Recent changes, newest first.
    expect(html).toMatch(/<h2 id="changes">Recent changes<\/h2><ul class="changes"><li>blktap3: note — → rebased on 4.3 <span class="when">— admin, <time datetime="2013-01-23T12:00:00.000Z"/);
    expect(html).not.toContain("<script");
  });

  it("follows changes: the page, the counts and the chart's points", async () => {
    const web = await open();
    const before = await (await web.get("/p/xen")).text();
    web.chat.clock.advance(2 * 86_400_000);
    await web.chat.setup("!status blktap3 done");
    const after = await (await web.get("/p/xen")).text();
    expect(after).not.toBe(before);
    expect(after).toContain("We are here: <time datetime=\"2013-01-25\">");
    expect(after).toMatch(/<tr><th scope="row"><time datetime="2013-01-25">25 January 2013<\/time><\/th>/);
    expect(after).toMatch(/<li>blktap3: status at risk → finished/);
  });

  it("ends the chart at the plan's own counts when the history lacks events", async () => {
    // A data file from before the history was kept: the series never saw the features arrive.
    const web = await open({ series: new BucketSeries() });
    web.chat.clock.advance(86_400_000);
    const html = await (await web.get("/p/xen")).text();
    const counts = bucketCounts(xen(web).releases["4.3"]!);
    expect(html).toContain("The numbers behind the chart (1 day)");
    expect(html).toContain(`<tr><th scope="row"><time datetime="2013-01-24">24 January 2013</time></th><td>${counts.done}</td><td>${counts["on-track"]}</td>`);
  });

  it("moves on with the clock when nothing changes: we-are-here and the countdowns", async () => {
    const web = await open();
    expect(await (await web.get("/p/xen")).text()).toContain("Month 4 of 9, feature freeze in 61 days");
    web.chat.clock.advance(86_400_000);
    const html = await (await web.get("/p/xen")).text();
    expect(html).toContain("feature freeze in 60 days");
    expect(html).toContain('We are here: <time datetime="2013-01-24">');
    expect(await (await web.get("/")).text()).toContain("feature freeze in 60 days");
  });

  it("shows what people typed as text: markup in titles, owners and notes never runs", async () => {
    const web = await open();
    await web.chat.setup('!add "<script>alert(1)</script>" --bucket fair --owner "\\"><img src=x onerror=alert(2)>" --note "</li><b>bold</b> & co"');
    const html = await (await web.get("/p/xen")).text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("owner: &quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("status: &lt;/li&gt;&lt;b&gt;bold&lt;/b&gt; &amp; co");
    expect(html).not.toMatch(/<script|<img|<b>/);
    const index = await (await web.get("/")).text();
    expect(index).not.toMatch(/<script|<img/);
  });

  it("forbids scripts, frames and outside resources in its headers", async () => {
    const web = await open();
    const response = await web.get("/p/xen");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    expect(csp).not.toContain("script-src");
    expect(csp).not.toContain("unsafe");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    // The one inline style is the one the policy's hash allows.
    const html = await response.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const { createHash } = await import("node:crypto");
    expect(csp).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html).not.toMatch(/ style="/);
  });

  it("says so when the project has no current release", async () => {
    const web = await open();
    await web.chat.setup("!project new linux Linux");
    const html = await (await web.get("/p/linux")).text();
    expect(html).toContain("Linux has no current release yet");
    expect((await web.get("/p/linux.txt")).status).toBe(404);
  });
});

describe("the plain-text and JSON forms", () => {
  it("are the mail-ready summary and the data", async () => {
    const web = await open();
    const project = xen(web);
    const text = await web.get("/p/xen.txt");
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await text.text()).toBe(exportText(project, project.releases["4.3"]!, web.chat.clock.now()));
    const json = await web.get("/p/xen.json");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json.json()).toEqual(JSON.parse(exportJson(project, project.releases["4.3"]!)));
  });
});

describe("the project list", () => {
  it("lists public projects with where they stand, and leaves private ones out", async () => {
    const web = await open({ privateProjects: ["secret"] });
    await web.chat.setup("!project new secret Secret Project", "!project new linux Linux");
    const html = await (await web.get("/")).text();
    expect(html).toContain('<li><a href="p/xen">Xen 4.3</a>: ');
    expect(html).toContain("Month 4 of 9, feature freeze in 61 days (25 March 2013).");
    expect(html).toContain('<li><a href="p/linux">Linux</a>: no current release yet.</li>');
    expect(html).not.toMatch(/secret/i);
  });
});

describe("private and unknown projects", () => {
  it("answer 404, byte for byte the same, in every form", async () => {
    const web = await open({ privateProjects: ["secret"] });
    await web.chat.setup("!project new secret Secret Project", "!release new 1.0");
    const unknown = await web.get("/p/nothing");
    const body = await unknown.text();
    expect(unknown.status).toBe(404);
    for (const path of ["/p/secret", "/p/secret.txt", "/p/secret.json", "/p/nothing.txt", "/p/__proto__", "/p/constructor", "/p/%E0%A4%A", "/p/xen/extra", "/nowhere"]) {
      const response = await web.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toBe(body);
      expect(response.headers.get("content-length"), path).toBe(unknown.headers.get("content-length"));
    }
  });
});

describe("methods", () => {
  it("answers only GET and HEAD: the site is read-only", async () => {
    const web = await open();
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const response = await web.get("/p/xen", { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
    }
    expect(xen(web).releases["4.3"]!.features["blktap3"]).toBeDefined();
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const web = await open();
    const get = await web.get("/p/xen");
    const head = await web.get("/p/xen", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    expect(await head.text()).toBe("");
  });
});

describe("/healthz", () => {
  it("is 200 when the store can write and every adapter is connected", async () => {
    const web = await open();
    const response = await web.get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", ok: true, store: { ok: true, detail: "in memory" }, adapters: {}, connections: {} });
  });

  it("is 503 naming what is wrong: an adapter reconnecting, one that never started", async () => {
    const adapter = (name: string, status?: "connected" | "connecting" | "down"): ChatAdapter => ({
      name,
      start: async () => undefined,
      send: async () => undefined,
      stop: async () => undefined,
      ...(status ? { status: () => status } : {}),
    });
    let store: Parameters<typeof checkHealth>[0] | undefined;
    const web = await open({
      health: () =>
        checkHealth(store!, [
          { adapter: adapter("console", "connected"), started: true },
          { adapter: adapter("matrix", "connecting"), started: true },
          { adapter: adapter("discord"), started: false },
          { adapter: adapter("irc"), started: true },
        ]),
    });
    store = web.chat.store;
    const response = await web.get("/healthz");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "unhealthy", ok: false, adapters: { console: "connected", matrix: "connecting", discord: "down", irc: "connected" } });
  });
});

describe("/metrics", () => {
  it("exposes commands by outcome, their latency, and the site's own requests", async () => {
    const web = await open();
    // The site's FakeChat has no registry of its own: feed this one as the app would.
    web.metrics.count("stocktake_commands_total", { command: "status", outcome: "ok" });
    web.metrics.observe("stocktake_command_duration_seconds", 0.002);
    await web.get("/p/xen");
    await web.get("/p/nothing");
    const response = await web.get("/metrics");
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain('stocktake_commands_total{command="status",outcome="ok"} 1\n');
    expect(text).toContain("stocktake_command_duration_seconds_count 1\n");
    expect(text).toContain('stocktake_http_requests_total{route="/p/:project",status="200"} 1\n');
    expect(text).toContain('stocktake_http_requests_total{route="/p/:project",status="404"} 1\n');
    expect(text).toContain("# TYPE stocktake_posts_total counter");
    expect(text).toContain("# TYPE stocktake_adapter_reconnects_total counter");
  });
});

describe("the page, as a newcomer sees it", () => {
  it("links the text and JSON forms and says how to change things", async () => {
    const web = await open();
    const html = await (await web.get("/p/xen")).text();
    // Relative, so the site also works behind a proxy that serves it under a path.
    expect(html).toContain('<a href="xen.txt">plain text</a>');
    expect(html).toContain('<a href="xen.json">JSON</a>');
    expect(html).toContain('<a href="../">All projects</a>');
    expect(html).toContain("<code>!status FEATURE at-risk</code>");
  });
});

describe("slow clients", () => {
  /** A raw socket that sends a request's headers a few bytes at a time and never finishes them. */
  function trickle(url: string, everyMs: number): Promise<{ answer: string; sent: number }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname);
      let answer = "";
      let sent = 0;
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (answer += chunk));
      socket.on("connect", () => socket.write("GET / HTTP/1.1\r\nHost: x\r\n"));
      const timer = setInterval(() => {
        if (socket.writable) socket.write(`X-${sent++}: y\r\n`);
      }, everyMs);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(timer);
        resolve({ answer, sent });
      });
    });
  }

  it("are cut off when their headers trickle in past the headers timeout (slowloris)", async () => {
    const web = await open({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 } });
    // Without the timeout the server keeps reading the headers as long as they come: this waits for its close.
    const { answer, sent } = await trickle(web.url, 20);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeGreaterThan(0);
    // The server still answers everyone else.
    expect((await web.get("/healthz")).status).toBe(200);
  });

  it("answers 431 to headers over the size limit", async () => {
    const web = await open({ limits: { maxHeaderBytes: 1_024 } });
    const response = await web.get("/", { headers: { "X-Big": "x".repeat(4_000) } });
    expect(response.status).toBe(431);
  });

  it("are limited in number: connections past the cap are closed at once", async () => {
    const web = await open({ limits: { maxConnections: 2 } });
    const { hostname, port } = new URL(web.url);
    const held = [connect(Number(port), hostname), connect(Number(port), hostname)];
    await Promise.all(held.map((socket) => new Promise((resolve) => socket.on("connect", resolve))));
    const third = connect(Number(port), hostname);
    third.on("error", () => undefined);
    await new Promise((resolve) => third.on("close", resolve));
    expect(third.bytesRead).toBe(0);
    held.forEach((socket) => socket.destroy());
  });
});
