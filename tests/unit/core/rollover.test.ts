import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { FakeChat, FakeClock, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";
import { tempDir } from "../../support/temp.js";

async function xen43(): Promise<FakeChat> {
  const chat = new FakeChat({ clock: new FakeClock(new Date("2023-05-01T12:00:00Z")) });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18 --cycle 9 --start 2023-01-09",
    "!add blktap3 --owner Thanos --note patches posted --bucket at risk",
    "!add PVH mode --bucket done",
    "!add vTPM updates --bucket dropped",
    "!add NUMA scheduling --bucket deferred --owner Dario",
    "!add Persistent grants --bucket on track",
    "!add Persistent grants for blk --under Persistent grants",
    "!link blktap3 https://lists.xen.org/blktap3",
  );
  return chat;
}

const release = (chat: FakeChat, id: string) => chat.store.read().projects["xen"]!.releases[id]!;

describe("!release new --carry", () => {
  it("carries every feature not finished or dropped, with its id, owners, notes and links", async () => {
    const chat = await xen43();
    const before = structuredClone(release(chat, "4.18").features);
    chat.clock.set("2023-11-20T12:00:00Z");
    const answer = await chat.say("!release new 4.19 --carry", RM);
    expect(answer).toBe("Xen 4.19 is the current release now (was 4.18). Carried 4 unfinished features over from 4.18. Next: !add FEATURE and !milestone set feature-freeze DATE.");
    const carried = release(chat, "4.19").features;
    expect(Object.keys(carried).sort()).toEqual(["blktap3", "numa-scheduling", "persistent-grants", "persistent-grants-for-blk"]);
    expect(carried["blktap3"]).toMatchObject({ owners: ["Thanos"], note: "patches posted", links: ["https://lists.xen.org/blktap3"], bucket: "at-risk", carriedFrom: "4.18" });
    // Deferred work is planned again in the next release; a sub-item keeps its parent.
    expect(carried["numa-scheduling"]!.bucket).toBe("fair");
    expect(carried["persistent-grants-for-blk"]!.parent).toBe("persistent-grants");
    // The old release stays as it was.
    expect(release(chat, "4.18").features).toEqual(before);
    const old = await chat.say("!stock --release 4.18");
    expect(old).toContain("Xen 4.18: taking stock");
    expect(old).toContain("PVH mode");
    expect(old).toContain("vTPM updates");
  });

  it("says in the feature's history that it was carried, after what happened before", async () => {
    const chat = await xen43();
    await chat.say("!status blktap3 fair", MAINTAINER);
    await chat.say("!release new 4.19 --carry", RM);
    const history = await chat.say("!history blktap3");
    const lines = history!.split("\n").filter((line) => line !== "");
    expect(lines[0]).toBe("History of blktap3");
    expect(lines[1]).toContain("carried from 4.18: blktap3 (fair)");
    expect(lines[2]).toContain("blktap3: status at risk → fair");
    expect(lines.at(-1)).toContain("added blktap3 (at risk)");
  });

  it("is one change: !undo takes the release and every carried feature back", async () => {
    const chat = await xen43();
    await chat.say("!release new 4.19 --carry", RM);
    const undone = await chat.say("!undo", RM);
    expect(undone).toContain("Undone:");
    expect(chat.store.read().projects["xen"]!.releases["4.19"]).toBeUndefined();
    expect(chat.store.read().projects["xen"]!.currentRelease).toBe("4.18");
  });

  it("is for release managers, and needs a release to carry from", async () => {
    const chat = await xen43();
    expect(await chat.say("!release new 4.19 --carry", MAINTAINER)).toContain("Only release managers and admins of xen can use !release new");
    const empty = new FakeChat();
    await empty.setup("!project new xen Xen");
    expect(await empty.say("!release new 4.3 --carry")).toBe("--carry takes the unfinished features of the current release, and Xen has none yet.");
  });
});

describe("!defer", () => {
  it("moves one feature to a later release and leaves it deferred in this one", async () => {
    const chat = await xen43();
    await chat.say("!release new 4.19", RM);
    await chat.say("!release use 4.18", RM);
    expect(await chat.say("!defer Persistent grants to 4.19", MAINTAINER)).toBe("* Deferred Persistent grants with 1 sub-item to 4.19; it shows as deferred in 4.18. [deferred]");
    expect(release(chat, "4.18").features["persistent-grants"]!.bucket).toBe("deferred");
    expect(release(chat, "4.19").features["persistent-grants"]).toMatchObject({ bucket: "on-track", carriedFrom: "4.18" });
    expect(release(chat, "4.19").features["persistent-grants-for-blk"]!.parent).toBe("persistent-grants");
  });

  it("answers clearly when it cannot", async () => {
    const chat = await xen43();
    expect(await chat.say("!defer blktap3 to 4.19", MAINTAINER)).toBe("Xen has no release 4.19. Start it first with !release new 4.19.");
    await chat.say("!release new 4.19", RM);
    await chat.say("!release use 4.18", RM);
    expect(await chat.say("!defer PVH mode to 4.19", MAINTAINER)).toBe("PVH mode is finished: there is nothing to defer. (!status pvh-mode fair first if it is not.)");
    expect(await chat.say("!defer blktap3 to 4.18", MAINTAINER)).toBe("blktap3 is in 4.18 already.");
    await chat.say("!defer blktap3 to 4.19", MAINTAINER);
    await chat.say("!release use 4.18", RM);
    expect(await chat.say("!defer NUMA scheduling to 4.19", STRANGER)).toContain("Only maintainers");
  });
});

describe("!release close", () => {
  it("marks the release shipped and refuses every change to its plan", async () => {
    const chat = await xen43();
    chat.clock.set("2023-11-16T12:00:00Z");
    expect(await chat.say("!release close 4.18", RM)).toBe(
      "Xen 4.18 is shipped: its plan is read-only now (!stock --release 4.18 still shows it). Next: !release new VERSION --carry takes its unfinished features along.",
    );
    const refused = "Xen 4.18 shipped on 16 November 2023: its plan is read-only, so nothing was changed. Start the next one with !release new VERSION --carry.";
    expect(await chat.say("!status blktap3 done", MAINTAINER)).toBe(refused);
    expect(await chat.say("!add Something new", MAINTAINER)).toBe(refused);
    expect(await chat.say("!milestone set release 2023-12-01", RM)).toBe(refused);
    expect(release(chat, "4.18").features["blktap3"]!.bucket).toBe("at-risk");
    expect(await chat.say("!stock")).toContain("Shipped on 16 November 2023: this plan is read-only.");
    expect(await chat.say("!releases")).toContain("4.18: 5 features (sub-items counted, not the 1 feature they are under) (current), shipped 16 November 2023");
    // The rollover still reads the shipped plan, and the new release takes changes.
    await chat.say("!release new 4.19 --carry", RM);
    expect(await chat.say("!status blktap3 fair", MAINTAINER)).toContain("blktap3");
    expect(release(chat, "4.19").features["blktap3"]!.bucket).toBe("fair");
    await chat.say("!release use 4.18", RM);
    expect(await chat.say("!status blktap3 done", MAINTAINER)).toBe(
      "Xen 4.18 shipped on 16 November 2023: its plan is read-only, so nothing was changed. Start the next one with !release new VERSION --carry.",
    );
  });

  it("is for release managers, and undo reopens the release", async () => {
    const chat = await xen43();
    expect(await chat.say("!release close 4.18", MAINTAINER)).toContain("Only release managers and admins of xen can use !release close");
    await chat.say("!release close", RM);
    expect(await chat.say("!release close 4.18", RM)).toContain("shipped already");
    expect(await chat.say("!undo", RM)).toContain("Undone:");
    expect(release(chat, "4.18").closedAt).toBeNull();
    expect(await chat.say("!status blktap3 done", MAINTAINER)).toContain("finished");
  });
});

describe("a data file written by the previous version", () => {
  const temp = tempDir();

  it("loads, rolls over and closes", async () => {
    const file = join(temp.dir, "stocktake.json");
    copyFileSync("tests/fixtures/data/main-v1.json", file);
    copyFileSync("tests/fixtures/data/main-v1.history.jsonl", join(temp.dir, "stocktake.history.jsonl"));
    const clock = new FakeClock(new Date("2013-07-01T12:00:00Z"));
    const store = await LowdbStore.open(file, { clock });
    try {
      const chat = new FakeChat({ store, clock });
      expect(await chat.say("!stock")).toContain("Xen 4.3: taking stock");
      expect(await chat.say("!release close 4.3", RM)).toContain("Xen 4.3 is shipped");
      expect(await chat.say("!release new 4.4 --carry", RM)).toContain("Carried 3 unfinished features over from 4.3.");
      expect(Object.keys(store.read().projects["xen"]!.releases["4.4"]!.features).sort()).toEqual(["blktap3", "numa", "qemu-upstream"]);
      const history = await chat.say("!history blktap3");
      expect(history).toContain("carried from 4.3: blktap3 (at risk)");
      expect(history).toContain("added blktap3 (fair)");
    } finally {
      await store.close();
    }
    // And it opens again, with the new fields, as written.
    const again = await LowdbStore.open(file, { clock });
    try {
      expect(again.read().projects["xen"]!.releases["4.3"]!.closedAt).toBe("2013-07-01T12:00:00.000Z");
      expect(again.read().projects["xen"]!.releases["4.4"]!.features["blktap3"]!.carriedFrom).toBe("4.3");
    } finally {
      await again.close();
      temp.cleanup();
    }
  });
});
