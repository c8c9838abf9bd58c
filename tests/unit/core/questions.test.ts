import { describe, expect, it } from "vitest";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";

async function plan(): Promise<FakeChat> {
  const chat = new FakeChat({ clock: new FakeClock(new Date("2013-01-23T12:00:00Z")) });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.3",
    "!add Default to QEMU upstream --bucket at risk",
    "!add blktap3 --bucket fair",
    "!add PVH mode --bucket on track",
  );
  return chat;
}

const feature = (chat: FakeChat, id: string) => chat.store.read().projects["xen"]!.releases["4.3"]!.features[id]!;

describe("the two questions", () => {
  it("the summary asks nothing until a release manager marks what is needed", async () => {
    const chat = await plan();
    expect(await chat.say("!stock")).not.toContain("Two questions");
    expect(await chat.say('!need "Default to QEMU upstream"', MAINTAINER)).toContain("Only release managers");
    expect(await chat.say('!need "Default to QEMU upstream"', RM)).toBe("Default to QEMU upstream is marked as needed: the summary asks whether to intervene while it is fair or at risk.");
    await chat.say("!need PVH mode", RM);
    expect(feature(chat, "default-to-qemu-upstream").needed).toBe(true);
    const stock = await chat.say("!stock");
    expect(stock).toContain(
      [
        "Two questions",
        "",
        "1. Are there features we absolutely need that are not on the list?",
        "",
        "2. Are any fair or at-risk features important enough to intervene in: more effort from the community, outside resources, or slip the schedule?",
        "",
        "Needed and fair or at risk:",
        "",
        "* Default to QEMU upstream: no answer yet",
      ].join("\n"),
    );
    // PVH mode is needed but on track: not under question 2.
    expect(stock).not.toContain("PVH mode: no answer yet");
    const mail = await chat.say("!export");
    expect(mail).toContain("1. Are there features we absolutely need that are not on the list?\n2. Are any fair or at-risk features");
    expect(mail).toContain("   Needed and fair or at risk:\n   * Default to QEMU upstream: no answer yet");
  });

  it("!intervene records the answer, shown in the summary and the history, and undoable", async () => {
    const chat = await plan();
    await chat.say("!need Default to QEMU upstream", RM);
    expect(await chat.say("!intervene Default to QEMU upstream slip: two more weeks for the last patches", RM)).toBe(
      "Default to QEMU upstream: slip the schedule: two more weeks for the last patches",
    );
    expect(feature(chat, "default-to-qemu-upstream").intervention).toMatchObject({ kind: "slip", text: "two more weeks for the last patches", by: RM.id });
    const stock = await chat.say("!stock");
    expect(stock).toContain("* Default to QEMU upstream: slip the schedule: two more weeks for the last patches");
    expect(stock).toContain("intervene: slip: two more weeks for the last patches");
    expect(await chat.say("!history Default to QEMU upstream")).toContain("intervention — → slip: two more weeks for the last patches");
    await chat.say("!undo", RM);
    expect(feature(chat, "default-to-qemu-upstream").intervention ?? null).toBeNull();
    expect(await chat.say("!intervene blktap3 pray: maybe", RM)).toContain("Say which feature, which option (effort, resources, slip)");
    expect(await chat.say("!intervene blktap3 effort:", RM)).toContain("what was decided?");
  });
});
