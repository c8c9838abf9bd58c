import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { startApp } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import type { ChatAdapter, ChatHost } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Reply } from "../../../src/reply/reply.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FakeTimer } from "../../support/fake-timer.js";
import { tempDir } from "../../support/temp.js";

/** An in-memory chat platform for the composition root: say() goes in, sent() comes out. */
class TestAdapter implements ChatAdapter {
  handler: ChatHost["handle"] | undefined;
  readonly sent: { conversation: string; text: string }[] = [];
  starts = 0;
  constructor(
    readonly name: string,
    private failures = 0,
  ) {}
  async start(host: ChatHost): Promise<void> {
    this.starts++;
    if (this.failures-- > 0) throw new Error(`${this.name} is down`);
    this.handler = (message) => host.handle(message);
  }
  async send(conversation: string, reply: Reply): Promise<void> {
    this.sent.push({ conversation, text: renderPlain(reply) });
  }
  async stop(): Promise<void> {
    this.handler = undefined;
  }
  async say(text: string, conversation = `${this.name}:room`): Promise<string | undefined> {
    if (!this.handler) throw new Error(`${this.name} is not connected`);
    const reply = await this.handler({ text, conversation, invoker: { id: `${this.name}:admin`, displayName: "admin" } });
    return reply && renderPlain(reply);
  }
}

function config(dataFile: string) {
  return parseConfig({ dataFile, admins: ["alpha:admin", "beta:admin"] }, "test");
}

describe("stocktake run: every adapter in one process", () => {
  it("keeps serving the adapters that are up while another retries with backoff", async () => {
    const temp = tempDir();
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const timer = new FakeTimer(clock);
    const alpha = new TestAdapter("alpha");
    const beta = new TestAdapter("beta", 2);
    const app = await startApp({ config: config(join(temp.dir, "data.json")), logger: silentLogger, clock, timer, adapters: [alpha, beta], retryMs: 1_000 });
    try {
      expect(await alpha.say("!project new Xen")).toMatch(/Created Xen/);
      expect(beta.starts).toBe(1);
      await timer.advanceTo(new Date("2013-03-11T08:00:01Z"), () => Promise.resolve());
      expect(beta.starts).toBe(2);
      // Backoff doubles: the third try comes two seconds after the second.
      await timer.advanceTo(new Date("2013-03-11T08:00:02.500Z"), () => Promise.resolve());
      expect(beta.starts).toBe(2);
      await timer.advanceTo(new Date("2013-03-11T08:00:03Z"), async () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      expect(beta.starts).toBe(3);
      expect(await beta.say("!project list")).toContain("Xen (xen)");
    } finally {
      await app.stop();
      temp.cleanup();
    }
  });

  it("routes scheduled posts to the adapter that owns the room", async () => {
    const temp = tempDir();
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const timer = new FakeTimer(clock);
    const alpha = new TestAdapter("alpha");
    const beta = new TestAdapter("beta");
    const app = await startApp({ config: config(join(temp.dir, "data.json")), logger: silentLogger, clock, timer, adapters: [alpha, beta] });
    try {
      await alpha.say("!project new Xen");
      await alpha.say("!release new 4.3");
      await alpha.say("!milestone set ff 2013-03-25");
      await beta.say("!project use xen");
      await beta.say("!countdown on daily 09:00");
      await timer.advanceTo(new Date("2013-03-12T10:00:00Z"), () => app.scheduler.settled());
      expect(alpha.sent).toEqual([]);
      expect(beta.sent.map((post) => post.conversation)).toEqual(["beta:room", "beta:room"]);
      expect(beta.sent[1]?.text).toMatch(/^Xen 4\.3: Feature freeze in 13 days/);
    } finally {
      await app.stop();
      temp.cleanup();
    }
  });

  it("finishes and writes commands in flight before it stops", async () => {
    const temp = tempDir();
    const file = join(temp.dir, "data.json");
    const alpha = new TestAdapter("alpha");
    const app = await startApp({ config: config(file), logger: silentLogger, adapters: [alpha], timer: new FakeTimer(new FakeClock()) });
    await alpha.say("!project new Xen");
    await alpha.say("!release new 4.3");
    const replies = Array.from({ length: 20 }, (_, i) => alpha.say(`!add feature ${i}`));
    const stopped = app.stop();
    expect((await Promise.all(replies)).every((reply) => reply?.startsWith("* Added"))).toBe(true);
    await stopped;
    const store = await LowdbStore.open(file);
    expect(Object.keys(store.read().projects["xen"]!.releases["4.3"]!.features)).toHaveLength(20);
    await store.close();
    temp.cleanup();
  });
});
