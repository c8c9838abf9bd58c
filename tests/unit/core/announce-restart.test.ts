import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import type { AnnouncementTarget, ChatAdapter, ChatHost } from "../../../src/ports.js";
import type { Reply } from "../../../src/reply/reply.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FakeTimer } from "../../support/fake-timer.js";
import { tempDir } from "../../support/temp.js";

const NEWS = "test:news";

/** A chat adapter whose conversation `test:news` announces xen, and which keeps what it was sent. */
class NewsAdapter implements ChatAdapter {
  readonly name = "test";
  readonly sent: string[] = [];
  host: ChatHost | undefined;
  async start(host: ChatHost): Promise<void> {
    this.host = host;
  }
  async send(conversation: string, reply: Reply): Promise<void> {
    if (conversation === NEWS) this.sent.push(renderPlain(reply));
  }
  async stop(): Promise<void> {}
  announcementTargets(): AnnouncementTarget[] {
    return [{ project: "xen", conversation: NEWS }];
  }
  say(text: string) {
    return this.host!.handle({ text, invoker: { id: "test:admin", displayName: "admin" }, conversation: "test:room" });
  }
}

let temp: ReturnType<typeof tempDir>;
const apps: App[] = [];
beforeEach(() => {
  temp = tempDir();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  temp.cleanup();
});

async function start(file: string, clock: FakeClock) {
  const config = parseConfig({ admins: ["test:admin"], dataFile: file, discord: { announceBatchMs: 600_000 } }, "test");
  const store = await LowdbStore.open(file, { clock });
  const adapter = new NewsAdapter();
  const app = await startApp({ config, logger: silentLogger, clock, timer: new FakeTimer(clock), store, adapters: [adapter] });
  apps.push(app);
  return { app, adapter, store };
}

describe("the app after a kill inside the announcement batch window (issue 11, item 8)", () => {
  it("posts the news of the acknowledged changes once, when the adapter is up again", async () => {
    const file = join(temp.dir, "stocktake.json");
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const first = await start(file, clock);
    for (const line of ["!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair"]) await first.adapter.say(line);
    await first.app.announcer.flush();
    expect(first.adapter.sent).toHaveLength(1);
    await first.adapter.say("!status blktap3 at-risk");
    // The kill: the store goes, the announcer never gets to post its batch.
    await first.store.close();

    clock.advance(30_000);
    const second = await start(file, clock);
    await second.app.announcer.catchUp();
    expect(second.adapter.sent).toEqual([expect.stringMatching(/^Xen 4\.3: 1 change\n\n\* blktap3: status fair → at risk/)]);
    await second.app.stop();
    apps.splice(apps.indexOf(second.app), 1);
    const third = await start(file, clock);
    await third.app.announcer.catchUp();
    expect(third.adapter.sent).toEqual([]);
  });
});
