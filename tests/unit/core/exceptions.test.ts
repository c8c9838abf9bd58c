import { describe, expect, it } from "vitest";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { countdownReply } from "../../../src/schedule/posts.js";
import { FakeChat, FakeClock, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";

// Xen 4.18's real schedule (2023): feature freeze 7 July, release 16 November.
async function xen418(): Promise<FakeChat> {
  const chat = new FakeChat({ clock: new FakeClock(new Date("2023-06-20T12:00:00Z")) });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18 --cycle 9 --start 2023-01-09",
    "!milestone set feature-freeze 2023-07-07",
    "!milestone set release 2023-11-16",
    "!add blktap3 --owner Thanos --bucket at risk",
    "!add vTPM updates --bucket fair",
    "!add PVH mode --bucket done",
  );
  return chat;
}

const feature = (chat: FakeChat, id: string) => chat.store.read().projects["xen"]!.releases["4.18"]!.features[id]!;

describe("freeze exceptions", () => {
  it("before the freeze, a request says when it would be needed and records nothing", async () => {
    const chat = await xen418();
    expect(await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER)).toBe(
      "blktap3 needs no exception yet: the feature freeze is 7 July 2023 (in 17 days). Ask after it if blktap3 is not in by then.",
    );
    expect(feature(chat, "blktap3").exception).toBeUndefined();
  });

  it("records a request after the freeze, with who, when, days and reason", async () => {
    const chat = await xen418();
    chat.clock.set("2023-07-10T09:00:00Z");
    expect(await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER)).toBe(
      "Exception requested for blktap3: 7 extra days after the feature freeze (until 14 July 2023). A release manager answers with !exception grant blktap3 or !exception deny blktap3: reason.",
    );
    expect(feature(chat, "blktap3").exception).toEqual({
      state: "requested",
      days: 7,
      reason: "last patch in review",
      requestedBy: MAINTAINER.id,
      requestedAt: "2023-07-10T09:00:00.000Z",
      until: null,
      decidedBy: null,
      decidedAt: null,
      answer: null,
    });
    expect(await chat.say("!exception request blktap3 3d: again", MAINTAINER)).toContain("has an exception request open already");
  });

  it("a release manager grants (to the day asked, or a date given) and denies; the summary shows the granted ones", async () => {
    const chat = await xen418();
    chat.clock.set("2023-07-10T09:00:00Z");
    await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER);
    await chat.say("!exception request vTPM updates 10 days: needs a new spec", MAINTAINER);
    expect(await chat.say("!exception grant blktap3", MAINTAINER)).toContain("Only release managers");
    expect(feature(chat, "blktap3").exception!.state).toBe("requested");
    expect(await chat.say("!exception grant blktap3", RM)).toBe("Exception granted: blktap3 may go in until 14 July 2023.");
    expect(await chat.say("!exception grant blktap3 until 2023-07-21", RM)).toBe("Exception granted: blktap3 may go in until 21 July 2023.");
    expect(await chat.say("!exception deny vTPM updates: too risky this late", RM)).toBe("Exception denied for vTPM updates: too risky this late");
    expect(feature(chat, "blktap3").exception).toMatchObject({ state: "granted", until: "2023-07-21", decidedBy: RM.id });
    expect(feature(chat, "vtpm-updates").exception).toMatchObject({ state: "denied", answer: "too risky this late", until: null });
    const stock = await chat.say("!stock");
    expect(stock).toContain("Freeze exceptions granted: blktap3 until 21 July 2023.");
    // Asked for and decided since the freeze: news, from the first state to the last.
    const since = await chat.say("!stock --since 2023-07-08");
    expect(since).toContain("blktap3: freeze exception — → granted until 21 July 2023");
    expect(since).toContain("vTPM updates: freeze exception — → denied: too risky this late");
    expect(await chat.say("!exceptions", STRANGER)).toBe(
      [
        "Xen 4.18: freeze exceptions",
        "",
        "* blktap3: granted until 21 July 2023 [at risk]",
        "  asked by @ian:xen.org on 10 July 2023; decided by @george:xen.org",
        "* vTPM updates: denied: too risky this late [fair]",
        "  asked by @ian:xen.org on 10 July 2023; decided by @george:xen.org",
      ].join("\n"),
    );
  });

  it("is in the history and undoable like any change", async () => {
    const chat = await xen418();
    chat.clock.set("2023-07-10T09:00:00Z");
    await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER);
    await chat.say("!exception grant blktap3", RM);
    const history = await chat.say("!history blktap3");
    expect(history).toContain("blktap3: freeze exception requested (7 extra days: last patch in review) → granted until 14 July 2023");
    expect(history).toContain("blktap3: freeze exception — → requested (7 extra days: last patch in review)");
    expect(await chat.say("!undo", RM)).toContain("Undone:");
    expect(feature(chat, "blktap3").exception!.state).toBe("requested");
    expect(await chat.say("!undo", MAINTAINER)).toContain("Undone:");
    expect(feature(chat, "blktap3").exception ?? null).toBeNull();
    expect(await chat.say("!stock")).not.toContain("Freeze exceptions");
  });

  it("answers bad input with a clear reply", async () => {
    const chat = await xen418();
    chat.clock.set("2023-07-10T09:00:00Z");
    expect(await chat.say("!exception request blktap3: no days", MAINTAINER)).toBe(
      "days: how many extra days? Such as 7d\nUsage: !exception request FEATURE DAYS [REASON] (more: !help exception request)",
    );
    expect(await chat.say("!exception request blktap3 900d: forever", MAINTAINER)).toContain("ask for 1 to 365 extra days");
    expect(await chat.say("!exception grant blktap3", RM)).toBe("Nobody has asked for an exception for blktap3: !exception request blktap3 7d: reason first.");
    expect(await chat.say("!exception request PVH mode 7d: why", MAINTAINER)).toBe("PVH mode is done: it needs no exception.");
    await chat.say("!exception request blktap3 7d: x", MAINTAINER);
    expect(await chat.say("!exception grant blktap3 until", RM)).toBe("Until when? Give a date after “until”: !exception grant blktap3 until 2013-04-05.");
    expect(await chat.say("!exception grant blktap3 until someday", RM)).toBe("“someday” is not a date I can read; try 2013-04-05, 5 April 2013 or +7d.");
    expect(await chat.say("!exceptions")).toContain("blktap3: requested (7 extra days: x)");
    // Several words name the feature without a colon or a reason too.
    await chat.say("!exception request vTPM updates 7d", MAINTAINER);
    expect(await chat.say("!exception deny vTPM updates", RM)).toBe("Exception denied for vTPM updates.");
    expect(await chat.say("!exception deny vTPM updates", RM)).toBe("The exception for vTPM updates was denied already.");
  });

  it("the countdown names features whose exception ends within a week", async () => {
    const chat = await xen418();
    chat.clock.set("2023-07-10T09:00:00Z");
    await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER);
    await chat.say("!exception request vTPM updates 30d: new spec", MAINTAINER);
    await chat.say("!exception grant blktap3", RM);
    // Every word names the feature when no date is given.
    expect(await chat.say("!exception grant vTPM updates", RM)).toBe("Exception granted: vTPM updates may go in until 6 August 2023.");
    expect(await chat.say("!freeze")).toBe(
      "Xen 4.18: Release in 129 days (16 November 2023). 1 finished, 0 on track, 1 fair, 1 at risk. Exception ending soon: blktap3 (14 July 2023).",
    );
    const release = chat.store.read().projects["xen"]!.releases["4.18"]!;
    expect(renderPlain(countdownReply({ name: "Xen" }, release, new Date("2023-08-01T09:00:00Z"))!)).toContain("exception ending soon: vTPM updates (6 August 2023)");
    expect(renderPlain(countdownReply({ name: "Xen" }, release, new Date("2023-08-10T09:00:00Z"))!)).not.toContain("exception");
  });
});
