import { describe, expect, it } from "vitest";
import { FakeChat, RM } from "../../support/fake-chat.js";

async function room() {
  const chat = new FakeChat();
  chat.clock.set("2013-01-23T12:00:00Z");
  await chat.setup("!project new xen Xen Project", "!release new 4.3 --cycle 9", "!milestone set feature-freeze 2013-03-25", "!milestone set code-freeze 2013-04-15");
  return chat;
}
const milestones = (chat: FakeChat) =>
  chat.store.read().projects["xen"]!.releases["4.3"]!.milestones.map((milestone) => `${milestone.key} ${milestone.date}`);

describe("!milestone set checks the schedule (issue 14)", () => {
  it("asks before setting the release a year before the feature freeze, naming the conflict; !yes sets it", async () => {
    const chat = await room();
    const seq = chat.store.read().seq;
    expect(await chat.say("!milestone set release 2012-03-25", RM)).toBe(
      "Release on 25 March 2012 is before the feature freeze (25 March 2013), but comes after it. !yes to set it anyway, or give another date.",
    );
    expect(chat.store.read().seq).toBe(seq);
    expect(milestones(chat)).toEqual(["feature-freeze 2013-03-25", "code-freeze 2013-04-15"]);
    expect(await chat.say("!yes", RM)).toBe("Xen Project 4.3: Release on 25 March 2012.");
    expect(milestones(chat)).toEqual(["release 2012-03-25", "feature-freeze 2013-03-25", "code-freeze 2013-04-15"]);
  });

  it("warns about a freeze moved past a later milestone, and --yes sets it without asking", async () => {
    const chat = await room();
    expect(await chat.say("!milestone set ff 2013-05-01", RM)).toBe(
      "Feature freeze on 1 May 2013 is after the code freeze (15 April 2013), but comes before it. !yes to set it anyway, or give another date.",
    );
    expect(await chat.say("!milestone set rc2 2013-05-06", RM)).toMatch(/RC2 on 6 May 2013/);
    expect(await chat.say("!milestone set rc1 2013-05-13", RM)).toMatch(/^RC1 on 13 May 2013 is after the RC2 \(6 May 2013\)/);
    // In order, or on the same day, nothing is asked.
    expect(await chat.say("!milestone set hard code freeze 2013-04-15", RM)).toBe("Xen Project 4.3: Hard code freeze on 15 April 2013.");
    expect(await chat.say("!milestone set ff 2013-05-01 --yes", RM)).toBe("Xen Project 4.3: Feature freeze on 1 May 2013 (was 25 March 2013).");
    expect(milestones(chat)).toContain("feature-freeze 2013-05-01");
  });

  it("takes only the standard names unless --custom says it is one of your own", async () => {
    const chat = await room();
    expect(await chat.say("!milestone set feature freez 2013-03-30", RM)).toMatch(/“feature freez” is not a standard milestone .* add --custom: !milestone set feature freez 2013-03-30 --custom/);
    expect(milestones(chat)).toEqual(["feature-freeze 2013-03-25", "code-freeze 2013-04-15"]);
    expect(await chat.say("!milestone set tree opens 2013-07-01 --custom", RM)).toBe("Xen Project 4.3: tree opens on 1 July 2013.");
    // Set once, it is known: moving it needs no --custom, and it is in no order to check.
    expect(await chat.say("!milestone set tree opens 2013-01-30", RM)).toBe("Xen Project 4.3: tree opens on 30 January 2013 (was 1 July 2013).");
    expect(milestones(chat)).toContain("tree-opens 2013-01-30");
  });
});
