import { describe, expect, it } from "vitest";
import { FakeChat, MAINTAINER, STRANGER } from "../../support/fake-chat.js";

async function xen(): Promise<FakeChat> {
  const chat = new FakeChat();
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3", "!project use xen");
  await chat.setup("!project use xen");
  return chat;
}

describe("!stock by someone without a role", () => {
  it("writes nothing to the plan's history", async () => {
    const chat = await xen();
    const seq = chat.store.read().seq;
    const history = (await chat.store.history({ limit: 1_000 })).length;
    await chat.say("!stock", STRANGER);
    expect(chat.store.read().seq).toBe(seq);
    expect((await chat.store.history({ limit: 1_000 })).length).toBe(history);
    expect(chat.store.read().projects["xen"]!.lastStockAt).toBeNull();
  });

  it("moves --since last only in the room where the summary was shown", async () => {
    const chat = await xen();
    await chat.say("!project use xen", undefined, "test:other");
    await chat.say("!stock");
    chat.clock.advance(60_000);
    await chat.say("!status blktap3 done", MAINTAINER);
    chat.clock.advance(60_000);
    // Someone reads the summary in another room: this room's "last" stays where it was.
    await chat.say("!stock", STRANGER, "test:other");
    const here = await chat.say("!stock --since last");
    expect(here).toContain("* blktap3: status fair → finished");
    const there = await chat.say("!stock --since last", STRANGER, "test:other");
    expect(there).not.toContain("blktap3: status");
  });
});
