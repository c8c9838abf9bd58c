import { describe, expect, it } from "vitest";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";

async function xen418(staleDays?: number): Promise<FakeChat> {
  const chat = new FakeChat({ clock: new FakeClock(new Date("2023-05-01T12:00:00Z")), ...(staleDays ? { config: { staleDays } } : {}) });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18 --cycle 9 --start 2023-01-09",
    "!add blktap3 --owner Thanos --bucket at risk",
    "!add vTPM updates --bucket fair",
    "!add PVH mode --bucket done",
    "!add NUMA scheduling --bucket deferred",
    "!add Persistent grants --bucket on track",
    "!add Persistent grants for blk --under Persistent grants",
  );
  return chat;
}

describe("stale items", () => {
  it("nothing is stale while every feature in play had an update in the last 14 days", async () => {
    const chat = await xen418();
    chat.clock.set("2023-05-14T12:00:00Z");
    expect(await chat.say("!stale")).toBe("Nothing in Xen 4.18 is stale: every feature in play had an update in the last 14 days.");
    expect(await chat.say("!stock")).not.toContain("stale");
  });

  it("after 14 days without a change or note, !stale lists them, !stock marks and counts them", async () => {
    const chat = await xen418();
    chat.clock.set("2023-05-10T12:00:00Z");
    await chat.say("!note vTPM updates: spec under review", MAINTAINER);
    chat.clock.set("2023-05-21T12:00:00Z");
    // A note is an update: vTPM (touched 11 days ago) is not stale; finished and deferred work, and a parent heading, never are.
    expect(await chat.say("!stale")).toBe(
      [
        "Xen 4.18: 2 stale (no update for 14 days or more)",
        "",
        "* blktap3 [at risk]",
        "  owner: Thanos",
        "  no update for 20 days (last: 1 May 2023, admin)",
        "* Persistent grants for blk [fair]",
        "  no update for 20 days (last: 1 May 2023, admin)",
      ].join("\n"),
    );
    const stock = await chat.say("!stock full");
    expect(stock).toContain("2 features stale (no update for 14 days or more): !stale lists them.");
    expect(stock).toContain("* blktap3\n  owner: Thanos\n  stale: no update for 20 days\n");
    expect(stock).toContain("- Persistent grants for blk\n   stale: no update for 20 days\n");
    expect(stock).toContain("* vTPM updates\n  status: spec under review\n* Persistent grants\n");
    expect(stock).toContain("* PVH mode\n\n");
    // A change makes it fresh again.
    await chat.say("!status blktap3 fair", MAINTAINER);
    expect(await chat.say("!stale")).not.toContain("blktap3");
    expect(await chat.say("!stock")).toContain("1 feature stale (no update for 14 days or more)");
  });

  it("takes the number of days from the config, and a shipped release has nothing stale", async () => {
    const chat = await xen418(3);
    chat.clock.set("2023-05-05T12:00:00Z");
    expect(await chat.say("!stale")).toContain("Xen 4.18: 3 stale (no update for 3 days or more)");
    await chat.say("!release close 4.18", RM);
    expect(await chat.say("!stale")).toBe("Nothing in Xen 4.18 is stale: every feature in play had an update in the last 3 days.");
  });
});
