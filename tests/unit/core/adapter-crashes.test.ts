import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { AdapterCrashes } from "../../../src/adapter-crashes.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import type { ChatAdapter, ChatHost } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";

/** A working adapter beside the crashing one: it must keep answering. */
class SteadyAdapter implements ChatAdapter {
  readonly name = "test";
  private host: ChatHost | undefined;
  async start(host: ChatHost): Promise<void> {
    this.host = host;
  }
  async send(): Promise<void> {}
  async stop(): Promise<void> {}
  async say(text: string): Promise<string | undefined> {
    const reply = await this.host!.handle({ text, invoker: { id: "test:admin", displayName: "admin" }, conversation: "test:room" });
    return reply && renderPlain(reply);
  }
}

/**
 * Fails the way an SDK does, long after `start` returned: the first connection throws a TypeError
 * from a socket callback (a gateway payload with a missing field), the second leaves a promise
 * rejected with nobody listening; the third stays up.
 */
class CrashingAdapter implements ChatAdapter {
  readonly name = "crashy";
  starts = 0;
  stops = 0;
  private resolveUp!: () => void;
  readonly up = new Promise<void>((resolve) => (this.resolveUp = resolve));
  async start(): Promise<void> {
    this.starts++;
    if (this.starts === 1) {
      setTimeout(() => {
        const payload = {} as { d: { channel_id: string } };
        payload.d.channel_id.toString();
      }, 1);
    } else if (this.starts === 2) {
      setTimeout(() => void Promise.reject(new Error("gateway said no")), 1);
    } else this.resolveUp();
  }
  async send(): Promise<void> {}
  async stop(): Promise<void> {
    this.stops++;
  }
}

// The test runner listens for uncaught errors too, and would fail the run on the ones the app contains.
let saved: { uncaught: NodeJS.UncaughtExceptionListener[]; rejection: NodeJS.UnhandledRejectionListener[] };
beforeEach(() => {
  saved = { uncaught: process.listeners("uncaughtException"), rejection: process.listeners("unhandledRejection") };
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
});
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
  saved.uncaught.forEach((listener) => process.on("uncaughtException", listener));
  saved.rejection.forEach((listener) => process.on("unhandledRejection", listener));
});

describe("an adapter that crashes", () => {
  it("is logged, counted and restarted with backoff, while the other adapters and the store carry on", async () => {
    const steady = new SteadyAdapter();
    const crashy = new CrashingAdapter();
    const config = parseConfig({ admins: ["test:admin"] }, "test");
    const logged: { msg: string; adapter?: string }[] = [];
    const logger = { ...silentLogger, error: (obj: object, msg?: string) => logged.push({ msg: msg ?? "", ...(obj as { adapter?: string }) }), child: () => logger };
    app = await startApp({ config, logger, store: new MemoryStore(new FakeClock()), adapters: [steady, crashy], retryMs: 5 });
    await crashy.up;
    expect(crashy.starts).toBe(3);
    expect(crashy.stops).toBe(2);
    expect(logged.filter((entry) => entry.adapter === "crashy").map((entry) => entry.msg)).toEqual(["adapter crashed; restarting it", "adapter crashed; restarting it"]);
    const metrics = app.metrics.render();
    expect(metrics).toContain('stocktake_adapter_crashes_total{adapter="crashy"} 2');
    expect(metrics).toContain('stocktake_adapter_restarts_total{adapter="crashy"} 2');
    // The process, the store and the other adapter never stopped.
    expect(await steady.say("!project new xen Xen")).toMatch(/xen/i);
    expect(Object.keys(app.store.read().projects)).toEqual(["xen"]);
  });
});

describe("a stopped app's crash tracking", () => {
  it("is off: work an adapter left running is no longer followed as that adapter's", async () => {
    const crashes = new AdapterCrashes();
    crashes.install(
      () => undefined,
      () => undefined,
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: (string | undefined)[] = [];
    // An SDK's callback that outlives the adapter's start, as a socket's does.
    const outliving = crashes.within("discord", async () => {
      seen.push(crashes.current());
      await gate;
      seen.push(crashes.current());
    });
    crashes.uninstall();
    release();
    await outliving;
    // Followed while the app ran; nothing carried along for it after it stopped.
    expect(seen).toEqual(["discord", undefined]);
  });
});
