import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { ANNOUNCED_SETTING, Announcer } from "../../../src/announce/announcer.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

const CHANNEL = "discord:111111111111111111";
const HOUR = 3_600_000;

let temp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  temp = tempDir();
  file = join(temp.dir, "stocktake.json");
});
afterEach(() => temp.cleanup());

/** One run of the bot: the store on disk, the bot and an announcer with its outbox in that store. */
async function run(clock: FakeClock) {
  const store = await LowdbStore.open(file, { clock });
  const chat = new FakeChat({ store, clock, conversation: "discord:1" });
  const posted: string[] = [];
  const announcer = new Announcer({
    targets: () => (store.read().projects["xen"] ? [{ project: "xen", conversation: CHANNEL }] : []),
    // Long enough that nothing goes out unless the test says so: the kill lands inside it.
    batchMs: 600_000,
    read: () => store.read(),
    logger: silentLogger,
    post: async (_channel, reply) => void posted.push(renderPlain(reply)),
    outbox: { store, clock, graceMs: 6 * HOUR },
  });
  chat.bot.onChange((events) => announcer.receive(events));
  return { store, chat, announcer, posted };
}

describe("announcements survive a kill (issue 11, item 8)", () => {
  it("posts, once, after a restart, the news of changes a kill caught inside the batch window", async () => {
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const first = await run(clock);
    await first.chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair");
    await first.announcer.catchUp();
    await first.announcer.flush();
    expect(first.posted).toHaveLength(1);
    await first.chat.setup("!status blktap3 at-risk", "!status blktap3 done");
    // The kill: the batch in memory is gone (the store is closed only so this process may reopen it).
    await first.store.close();

    clock.advance(60_000);
    const second = await run(clock);
    await second.announcer.catchUp();
    expect(second.posted).toHaveLength(1);
    expect(second.posted[0]).toMatch(/^Xen 4\.3: 2 changes/);
    expect(second.posted[0]).toContain("status fair → at risk");
    expect(second.posted[0]).toContain("status at risk → finished");
    // Claimed before it was sent: a change after it is the next post's only news.
    await second.chat.setup("!status blktap3 on-track");
    await second.announcer.flush();
    expect(second.posted.at(-1)).toMatch(/^Xen 4\.3: 1 change\n/);
    await second.store.close();

    const third = await run(clock);
    await third.announcer.catchUp();
    await third.announcer.flush();
    expect(third.posted).toEqual([]);
    await third.store.close();
  });

  it("a new announcement target starts from now; news older than the grace window is not posted late", async () => {
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const first = await run(clock);
    await first.chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair");
    await first.announcer.catchUp();
    expect(first.posted).toEqual([]);
    // Claimed up to just before the news still waiting in the batch (the release's creation, the feature).
    const claimed = first.store.read().conversations[CHANNEL]?.settings[ANNOUNCED_SETTING];
    expect(claimed).toBeTypeOf("number");
    expect(claimed).toBeLessThan(first.store.read().seq);
    await first.chat.setup("!status blktap3 at-risk");
    await first.store.close();

    clock.advance(7 * HOUR);
    const second = await run(clock);
    await second.announcer.catchUp();
    await second.announcer.flush();
    expect(second.posted).toEqual([]);
    await second.store.close();
  });

  it("news in a batch when the target first appears is still posted", async () => {
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    const first = await run(clock);
    await first.chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair", "!status blktap3 at-risk");
    await first.announcer.catchUp();
    await first.announcer.flush();
    expect(first.posted).toHaveLength(1);
    expect(first.posted[0]).toContain("status fair → at risk");
    await first.store.close();
  });
});
