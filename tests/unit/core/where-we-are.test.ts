import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FakeChat, RM } from "../../support/fake-chat.js";

const seed = readFileSync(new URL("../../../demo/xen-4.3-taking-stock.txt", import.meta.url), "utf8");
const release = (chat: FakeChat, version = "4.3") => chat.store.read().projects["xen"]!.releases[version]!;

describe("where in the cycle an imported mail stood (issue 14)", () => {
  it("the seed's “4 months into our 9-month schedule” gives the start, so !stock says month 4 of 9", async () => {
    const chat = new FakeChat();
    chat.clock.set("2013-01-23T12:00:00Z");
    await chat.setup("!project new xen Xen Project");
    expect(await chat.say(`!import --yes\n${seed}`, RM)).toContain("Imported 40 features");
    expect(release(chat).cycleMonths).toBe(9);
    // The seed has no Date header: the months count back from the day it is read.
    expect(release(chat).cycleStart).toBe("2012-09-23");
    expect(await chat.say("!stock", RM)).toContain("\nMonth 4 of 9. 40 features");
    chat.clock.set("2013-03-25T12:00:00Z");
    expect(await chat.say("!schedule", RM)).toContain("Month 6 of 9.");
  });

  it("counts from the mail's Date when it has one, and keeps a start given with --start", async () => {
    const dated = `Date: Tue, 22 Jan 2013 10:00:00 +0000\n${seed}`;
    const chat = new FakeChat();
    chat.clock.set("2013-02-20T12:00:00Z");
    await chat.setup("!project new xen Xen Project");
    await chat.say(`!import --yes\n${dated}`, RM);
    expect(release(chat).cycleStart).toBe("2012-09-22");
    expect(await chat.say("!stock", RM)).toContain("\nMonth 4 of 9. ");

    const other = new FakeChat();
    other.clock.set("2013-02-20T12:00:00Z");
    await other.setup("!project new xen Xen Project", "!release new 4.3 --cycle 9 --start 2012-10-01");
    await other.say(`!import --yes\n${dated}`, RM);
    expect(release(other).cycleStart).toBe("2012-10-01");
  });
});

describe("a plan that knows its length and release date but not its start (issue 14)", () => {
  it("counts the months back from the release", async () => {
    const mail = [
      "Subject: [Xen-devel] 4.3 development update",
      "Date: Wed, 23 Jan 2013 10:00:00 +0000",
      "",
      "We are planning on a 9-month release cycle.",
      "",
      "= Timeline =",
      "",
      "* Feature freeze: 25 March 2013",
      "* Release: 17 June 2013",
      "",
      "== Features at risk ==",
      "",
      "* blktap3",
    ].join("\n");
    const chat = new FakeChat();
    chat.clock.set("2013-01-23T12:00:00Z");
    await chat.setup("!project new xen Xen Project");
    expect(await chat.say(`!import --yes\n${mail}`, RM)).toContain("Imported 1 feature");
    expect(release(chat).cycleStart).toBeNull();
    // 17 June 2013 less 9 months is 17 September 2012: on 23 January that is month 4.
    expect(await chat.say("!stock", RM)).toContain("\nMonth 4 of 9, feature freeze in 61 days (25 March 2013). 1 feature");
  });
});
