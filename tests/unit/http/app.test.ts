import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import type { PlanEvent } from "../../../src/model/schema.js";
import type { ChatAdapter, ChatHost } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
});

/** A chat adapter that hands the test its message handler. */
class TestAdapter implements ChatAdapter {
  readonly name = "test";
  handler: ChatHost["handle"] | undefined;
  async start(host: ChatHost): Promise<void> {
    this.handler = (message) => host.handle(message);
  }
  async send(): Promise<void> {}
  async stop(): Promise<void> {}
  say(text: string) {
    return this.handler!({ text, invoker: { id: "test:admin", displayName: "admin" }, conversation: "test:room" });
  }
}

/** A store whose history, read whole, comes only once the test opens the gate. */
class SlowHistoryStore extends MemoryStore {
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  override async *events(fromSeq = 1): AsyncIterable<PlanEvent> {
    await this.gate;
    yield* super.events(fromSeq);
  }
}

async function start(http: Record<string, unknown> | undefined, adapter = new TestAdapter(), store = new MemoryStore(new FakeClock())) {
  const config = parseConfig({ admins: ["test:admin"], projects: { secret: { private: true } }, ...(http ? { http } : {}) }, "test");
  const app = await startApp({ config, logger: silentLogger, clock: new FakeClock(), store, adapters: [adapter] });
  apps.push(app);
  return { app, adapter };
}

describe("the app with the web page turned on", () => {
  it("serves the page over the same store, counts commands, and links !stock to the page", async () => {
    const { app, adapter } = await start({ port: 0, publicUrl: "https://stocktake.example.org/" });
    expect(app.web?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const line of ["!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket at-risk"]) await adapter.say(line);
    const stock = await adapter.say("!stock");
    expect(renderPlain(stock!)).toMatch(/\n\nWeb page: https:\/\/stocktake\.example\.org\/p\/xen$/);
    // A private project's summary does not link to a page that answers 404.
    await adapter.say("!project new secret");
    await adapter.say("!project use secret");
    await adapter.say("!release new 1.0");
    expect((await adapter.say("!stock"))?.link).toBeUndefined();

    const page = await fetch(`${app.web!.url}/p/xen`);
    expect(await page.text()).toContain("<li>blktap3</li>");
    expect(await (await fetch(`${app.web!.url}/healthz`)).json()).toMatchObject({ ok: true, adapters: { test: "connected" } });
    const metrics = await (await fetch(`${app.web!.url}/metrics`)).text();
    expect(metrics).toContain('stocktake_commands_total{command="stock",outcome="ok"} 2\n');
    expect(metrics).toContain("stocktake_command_duration_seconds_count 8\n");
  });

  it("is ready before the chart has read the history; the project page waits for the chart (issue 13, item 3)", async () => {
    const store = new SlowHistoryStore(new FakeClock());
    const { app, adapter } = await start({ port: 0 }, new TestAdapter(), store);
    // Started, serving and answering commands while the history pass is still held.
    expect(await (await fetch(`${app.web!.url}/healthz`)).json()).toMatchObject({ ok: true });
    for (const line of ["!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket at-risk"]) await adapter.say(line);
    const page = fetch(`${app.web!.url}/p/xen`).then((response) => response.text());
    store.open();
    const html = await page;
    expect(html).toContain("<li>blktap3</li>");
    expect(html).not.toContain("Nothing to chart yet");
    expect(html).toContain("The numbers behind the chart (1 day)");
  });

  it("stops serving when the app stops", async () => {
    const { app } = await start({ port: 0 });
    const url = app.web!.url;
    await app.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("keeps the chat working when the port is taken", async () => {
    const { app: first } = await start({ port: 0 });
    const port = Number(new URL(first.web!.url).port);
    const { app, adapter } = await start({ port });
    expect(app.web).toBeUndefined();
    expect(await adapter.say("!project new xen")).toBeDefined();
  });

  it("serves nothing without an http section, or with enabled: false", async () => {
    expect((await start(undefined)).app.web).toBeUndefined();
    expect((await start({ enabled: false, port: 0 })).app.web).toBeUndefined();
  });

  it("reports an adapter that failed to start as down", async () => {
    const broken: ChatAdapter = {
      name: "broken",
      start: () => Promise.reject(new Error("no network")),
      send: async () => undefined,
      stop: async () => undefined,
    };
    const { app } = await start({ port: 0 }, broken as TestAdapter);
    const response = await fetch(`${app.web!.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, adapters: { broken: "down" } });
  });
});
