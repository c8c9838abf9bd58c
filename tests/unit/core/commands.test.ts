import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, FakeChat, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";
import { plainText } from "../../../src/reply/inline.js";
import { FIXTURE } from "../../support/fixture.js";
import { importIntoStore } from "../../../src/mail/import-into.js";

/** A room with the Xen 4.3 plan from the fixture mail, on 23 January 2013. */
async function xenRoom(): Promise<FakeChat> {
  const chat = new FakeChat();
  const imported = await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  await chat.setup("!release use 4.3", "!milestone set feature-freeze 2013-03-25", "!project use xen");
  return chat;
}

const feature = (chat: FakeChat, id: string) => chat.store.read().projects["xen"]!.releases["4.3"]!.features[id];

describe("a newcomer on an empty store", () => {
  it("is told how to start, and can plan a release from scratch", async () => {
    const chat = new FakeChat();
    expect(await chat.say("!stock")).toMatch(/no project yet.*!project new/i);
    expect(await chat.say("!add blktap3")).toMatch(/no project yet/i);
    await chat.setup("!project new xen Xen Project");
    expect(await chat.say("!add blktap3")).toMatch(/no current release.*!release new/i);
    await chat.setup("!release new 4.3 --cycle 9 --start 2012-09-17", "!add blktap3 --bucket at-risk --owner Thanos");
    const text = await chat.say("!stock");
    expect(text).toContain("Xen Project 4.3: taking stock");
    expect(text).toContain("== Features at risk ==\n\n* blktap3\n  owner: Thanos");
    expect(text).toContain("Month 4 of 9. 1 feature: 0 finished, 0 on track, 0 fair, 1 at risk.");
  });
});

describe("!status", () => {
  let chat: FakeChat;
  beforeEach(async () => {
    chat = await xenRoom();
  });

  it("moves a feature, named by id, and says from where to where", async () => {
    expect(await chat.say("!status blktap3 fair")).toBe("* blktap3: at risk → fair [fair]");
    expect(feature(chat, "blktap3")?.bucket).toBe("fair");
    expect(feature(chat, "blktap3")?.updatedBy).toBe(ADMIN.id);
  });

  it.each([
    ["!status persistent grants for net fair", "persistent-grants-for-net", "fair"],
    ["!status Persistent grants for net on track", "persistent-grants-for-net", "on-track"],
    ["!status blktap3 at risk", "blktap3", "at-risk"],
    ["!status blktap3 done", "blktap3", "done"],
    ["!status blktap3 finished", "blktap3", "done"],
    ["!status blktap3 green", "blktap3", "on-track"],
    ["!status blktap3 red", "blktap3", "at-risk"],
    ["!status blktap3 slipped", "blktap3", "deferred"],
    ["!status blktap3 DROPPED", "blktap3", "dropped"],
    ['!status "V4V: Inter-domain communication" on-track', "v4v-inter-domain-communication", "on-track"],
    ["!status \u201cWait queues for mm\u201d fair", "wait-queues-for-mm", "fair"],
    ["!status pvh mode on-track", "pvh-mode-xen-linux", "on-track"],
  ])("%s", async (command, id, bucket) => {
    await chat.say(command);
    expect(chat.last?.tone).not.toBe("error");
    expect(feature(chat, id)?.bucket).toBe(bucket);
  });

  it("asks which one when a name fits several features, and changes nothing", async () => {
    const before = JSON.stringify(chat.store.read());
    const answer = await chat.say("!status persistent grants for blk done");
    expect(answer).toMatch(/matches 2 features/);
    expect(answer).toContain("Persistent grants for blk (Linux) (persistent-grants-for-blk-linux)");
    expect(answer).toContain("Persistent grants for blk (qemu) (persistent-grants-for-blk-qemu)");
    expect(JSON.stringify(chat.store.read())).toBe(before);
  });

  it("suggests close names for an unknown one", async () => {
    const answer = await chat.say("!status numa schedular fair");
    expect(answer).toMatch(/No feature called|matches/);
    expect(answer).toContain("NUMA scheduler affinity");
  });

  it("refuses an unknown bucket and shows the usage", async () => {
    const answer = await chat.say("!status blktap3 purple");
    expect(answer).toMatch(/“purple” is not a bucket/);
    expect(answer).toMatch(/Usage: !status FEATURE/);
    expect(feature(chat, "blktap3")?.bucket).toBe("at-risk");
  });

  it("will not set a parent that has sub-items, and lists them", async () => {
    const answer = await chat.say("!status Default to QEMU upstream done");
    expect(answer).toMatch(/has sub-items; set their status instead/);
    expect(answer).toContain("linux-based qemu stubdom");
  });

  it("records a probability", async () => {
    await chat.say("!status blktap3 fair --probability 40%");
    expect(feature(chat, "blktap3")).toMatchObject({ bucket: "fair", probability: 40 });
    expect(await chat.say("!status blktap3 fair --probability 140")).toMatch(/at most 100/);
  });
});

describe("permissions", () => {
  let chat: FakeChat;
  beforeEach(async () => {
    chat = await xenRoom();
  });

  it("lets anyone read", async () => {
    expect(await chat.say("!stock", STRANGER)).toContain("== Features at risk ==");
    expect(await chat.say("!show blktap3", STRANGER)).toContain("status: at risk");
  });

  it("refuses changes from people without a role, saying who may and how to get access", async () => {
    const answer = await chat.say("!status blktap3 done", STRANGER);
    expect(answer).toContain("Only maintainers, release managers and admins of xen can use !status.");
    expect(answer).toContain("add matrix:@eve:evil.example to `projects.xen.maintainers`");
    expect(chat.last?.private).toBe(true);
    expect(feature(chat, "blktap3")?.bucket).toBe("at-risk");
  });

  it("lets maintainers change features but not the schedule", async () => {
    await chat.say("!status blktap3 fair", MAINTAINER);
    expect(feature(chat, "blktap3")?.bucket).toBe("fair");
    expect(await chat.say("!milestone set code-freeze 2013-04-15", MAINTAINER)).toMatch(/Only release managers and admins/);
  });

  it("lets release managers set milestones but not create projects", async () => {
    expect(await chat.say("!milestone set code-freeze 2013-04-15", RM)).toMatch(/Code freeze on 15 April 2013/);
    expect(await chat.say("!project new linux", RM)).toMatch(/Only admins can use !project new\./);
  });

  it("honours roles an adapter grants from the platform", async () => {
    await chat.say("!status blktap3 done", { ...STRANGER, grants: ["maintainer"] });
    expect(feature(chat, "blktap3")?.bucket).toBe("done");
  });
});

describe("feature commands", () => {
  let chat: FakeChat;
  beforeEach(async () => {
    chat = await xenRoom();
  });

  it("adds with a qualifier, flags and a parent", async () => {
    await chat.say("!add Persistent grants for scsi (Linux) --bucket on-track --owner Roger --note \"RFC posted\"");
    expect(feature(chat, "persistent-grants-for-scsi-linux")).toMatchObject({
      title: "Persistent grants for scsi",
      qualifier: "Linux",
      bucket: "on-track",
      owners: ["Roger"],
      note: "RFC posted",
    });
    await chat.say("!add usb pass-through --under \"Default to QEMU upstream\" --external");
    expect(feature(chat, "usb-pass-through")).toMatchObject({ parent: "default-to-qemu-upstream", external: true, bucket: "fair" });
    expect(await chat.say("!add blktap3")).toMatch(/already on the list/);
  });

  it("refuses a 10 000-character title and a 100 kB message", async () => {
    const count = Object.keys(chat.store.read().projects["xen"]!.releases["4.3"]!.features).length;
    expect(await chat.say(`!add ${"x".repeat(10_000)}`)).toMatch(/That message is 10,005 characters; commands are at most 4,000/);
    expect(await chat.say(`!add "${"y".repeat(300)}"`)).toMatch(/titles are at most 200 characters/);
    expect(await chat.say(`!stock ${"z".repeat(100_000)}`)).toMatch(/commands are at most 4,000/);
    expect(Object.keys(chat.store.read().projects["xen"]!.releases["4.3"]!.features)).toHaveLength(count);
  });

  it("removes only after confirmation, sub-items included, and undo brings all back", async () => {
    expect(await chat.say("!remove Default to QEMU upstream")).toMatch(/removes Default to QEMU upstream and its 4 sub-items.*--yes/);
    expect(feature(chat, "default-to-qemu-upstream")).toBeDefined();
    await chat.say("!remove default-to-qemu-upstream --yes");
    expect(feature(chat, "default-to-qemu-upstream")).toBeUndefined();
    expect(feature(chat, "pci-pass-thru")).toBeUndefined();
    expect(await chat.say("!undo")).toMatch(/^Undone:/);
    expect(feature(chat, "pci-pass-thru")).toMatchObject({ parent: "default-to-qemu-upstream", bucket: "done" });
    expect(await chat.say("!stock done")).toContain("* Default to QEMU upstream (partial)\n - pci pass-thru (external)");
  });

  it("renames across the word 'to', even when the title contains it", async () => {
    await chat.say("!rename Default to QEMU upstream to Default to upstream QEMU");
    expect(feature(chat, "default-to-qemu-upstream")?.title).toBe("Default to upstream QEMU");
    await chat.say('!rename blktap3 to "blktap3 (disk backend)"');
    expect(feature(chat, "blktap3")).toMatchObject({ title: "blktap3", qualifier: "disk backend" });
    await chat.say("!rename blktap3 to blktap3 (a userspace disk backend for Xen)");
    expect(feature(chat, "blktap3")).toMatchObject({ title: "blktap3 (a userspace disk backend for Xen)", qualifier: null });
  });

  it("sets and clears owners, notes, aliases and links", async () => {
    await chat.say("!owner persistent grants for net Konrad, Annie and Matt");
    expect(feature(chat, "persistent-grants-for-net")?.owners).toEqual(["Konrad", "Annie", "Matt"]);
    await chat.say("!owner persistent grants for net none");
    expect(feature(chat, "persistent-grants-for-net")?.owners).toEqual([]);
    await chat.say("!note blktap3: v2 posted, waiting for review");
    expect(feature(chat, "blktap3")?.note).toBe("v2 posted, waiting for review");
    await chat.say("!note blktap3 --clear");
    expect(feature(chat, "blktap3")?.note).toBeNull();
    await chat.say("!alias persistent grants for net pgnet");
    await chat.say("!status pgnet fair");
    expect(feature(chat, "persistent-grants-for-net")?.bucket).toBe("fair");
    expect(await chat.say("!alias blktap3 pgnet")).toMatch(/already names Persistent grants for net/);
    await chat.say("!link blktap3 https://lists.xen.org/archives/html/xen-devel/2013-01/msg01234.html");
    expect(feature(chat, "blktap3")?.links).toHaveLength(1);
    expect(await chat.say("!link blktap3 javascript:alert(1)")).toMatch(/http/);
  });

  it("moves items under a parent and back to the top", async () => {
    await chat.say("!move Scripts for driver domains under Rationalized backend scripts");
    const scripts = Object.values(chat.store.read().projects["xen"]!.releases["4.3"]!.features).find((item) => item.title.startsWith("Scripts for driver domains"));
    expect(scripts?.parent).toBe("rationalized-backend-scripts");
    const stock = await chat.say("!stock");
    expect(stock).toContain("== Features marked as Fair ==\n\n* Rationalized backend scripts\n - Scripts for driver domains (depends on backend scripts)");
    expect(await chat.say("!move blktap3 under pci pass-thru")).toMatch(/itself a sub-item/);
    await chat.say("!move pci pass-thru under top");
    expect(feature(chat, "pci-pass-thru")?.parent).toBeNull();
  });
});

describe("history and undo", () => {
  it("keeps who, when and before → after, and undoes only your own last change", async () => {
    const chat = await xenRoom();
    await chat.say("!status blktap3 fair", MAINTAINER);
    chat.clock.advance(3_600_000);
    await chat.say("!owner blktap3 Thanos", RM);
    chat.clock.advance(60_000);
    const history = await chat.say("!history blktap3");
    expect(history).toContain("History of blktap3");
    expect(history).toContain("1 minute ago, @george:xen.org: blktap3: owner — → Thanos");
    expect(history).toContain("1 hour ago, @ian:xen.org: blktap3: status at risk → fair");

    // The undo says what is true now: blktap3 is at risk again.
    expect(await chat.say("!undo", MAINTAINER)).toBe("Undone: blktap3: status fair → at risk");
    expect(feature(chat, "blktap3")).toMatchObject({ bucket: "at-risk", owners: ["Thanos"] });
    expect(await chat.say("!undo", MAINTAINER)).toMatch(/no change here to undo/);
    expect(await chat.say("!history blktap3")).toMatch(/undo: blktap3: status fair → at risk/);
  });

  it("will not undo over someone else's later change", async () => {
    const chat = await xenRoom();
    await chat.say("!status blktap3 fair", MAINTAINER);
    await chat.say("!status blktap3 done", RM);
    expect(await chat.say("!undo", MAINTAINER)).toMatch(/changed again since/);
    expect(feature(chat, "blktap3")?.bucket).toBe("done");
  });

  it("names features by their titles as they are now, one line each, news only unless --all (issue 10, item 8)", async () => {
    const afterChanges = async () => {
      const chat = await xenRoom();
      await chat.say("!stock");
      chat.clock.advance(60_000);
      await chat.say("!status blktap3 fair");
      await chat.say("!status blktap3 on-track");
      await chat.say("!rename blktap3 to Blktap3 driver");
      await chat.say("!alias Blktap3 driver bt3");
      await chat.say("!status vtpm updates done");
      await chat.say("!status vtpm updates on-track");
      return chat;
    };
    const changesIn = (text: string | undefined) => text!.slice(text!.indexOf("Changes since"), text!.indexOf("== "));
    // vTPM updates went to done and back: no news. The rename and the alias are bookkeeping.
    expect(changesIn(await (await afterChanges()).say("!stock --since last"))).toBe(
      "Changes since the last summary (23 January 2013, 12:00 UTC):\n\n* Blktap3 driver: status at risk → on track\n\n",
    );
    expect(changesIn(await (await afterChanges()).say("!stock --since last --all"))).toMatch(/^\* Blktap3 driver: status at risk → on track; title blktap3 → Blktap3 driver; aliases — → bt3$/m);
  });

  it("lists what changed since a date, or since the last summary", async () => {
    const chat = await xenRoom();
    await chat.say("!stock");
    chat.clock.advance(86_400_000);
    await chat.say("!status blktap3 fair");
    await chat.say("!add vNUMA --bucket at-risk");
    const since = await chat.say("!stock --since last");
    expect(since).toContain("Changes since the last summary (23 January 2013, 12:00 UTC):");
    expect(since).toContain("* blktap3: status at risk → fair");
    expect(since).toContain("* added vNUMA (at risk)");
    // A feature added and then changed within the window reads as added (as it is now); after the import, the change itself.
    expect(await chat.say("!stock --since 2013-01-24")).toContain("* blktap3: status at risk → fair");
    expect(await chat.say("!stock --since 7d")).toContain("* added blktap3 (fair)");
    expect(await chat.say("!stock --since someday")).toMatch(/not a date I can read/);
  });
});

describe("releases and the schedule", () => {
  it("sets milestones in time zones and counts down to the next", async () => {
    const chat = await xenRoom();
    expect(await chat.say("!milestone set code freezing point 15 April 2013 AoE")).toMatch(/Code freeze on 15 April 2013 \(AoE\)/);
    await chat.setup("!milestone set rc1 2013-05-06 Europe/London", "!milestone set release 17 June 2013");
    const schedule = await chat.say("!schedule");
    expect(schedule).toContain("* Feature freeze: 25 March 2013 (in 61 days) ← next");
    expect(schedule).toContain("* Code freeze: 15 April 2013 AoE (in 82 days)");
    expect(schedule).toContain("* RC1: 6 May 2013 Europe/London (in 103 days)");
    expect(await chat.say("!freeze")).toBe("Xen 4.3: Feature freeze in 61 days (25 March 2013). 7 finished, 12 on track, 5 fair, 16 at risk.");
    expect(await chat.say("!milestone set ff someday")).toMatch(/not a date I can read/);
    expect(await chat.say("!milestone set ff 2013-03-25 Mars/Olympus")).toMatch(/not a date I can read|unknown time zone/);
  });

  it("keeps releases apart and switches between them", async () => {
    const chat = await xenRoom();
    await chat.setup("!release new 4.4 --cycle 9");
    expect(await chat.say("!stock")).toMatch(/No features on the list yet/);
    await chat.setup("!release use 4.3");
    expect(await chat.say("!release list")).toContain("* 4.3: 40 features (sub-items counted, not the 1 feature they are under) (current)");
  });
});

describe("input that is not a command", () => {
  it("stays quiet for chatter and other bots' commands, and helps with near misses", async () => {
    const chat = await xenRoom();
    expect(await chat.say("hello everyone")).toBeUndefined();
    expect(await chat.say("!weather berlin")).toBeUndefined();
    expect(await chat.say("!!!")).toBeUndefined();
    expect(await chat.say("!stok")).toMatch(/Did you mean !stock/);
    expect(await chat.say("!status blktap3 fair --frobnicate")).toMatch(/has no --frobnicate option/);
    expect(await chat.say('!status "blktap3 fair')).toMatch(/never closed/);
  });

  it("answers commands addressed by name without the prefix", async () => {
    const chat = await xenRoom();
    const reply = await chat.bot.handle({ text: "status blktap3 fair", invoker: ADMIN, conversation: chat.conversation, addressed: true });
    expect(reply?.tone).toBe("ok");
    expect(feature(chat, "blktap3")?.bucket).toBe("fair");
  });
});

describe("help", () => {
  it("lists every command and explains one from its spec", async () => {
    const chat = new FakeChat();
    const all = await chat.say("!help");
    for (const name of ["stock", "status", "add", "remove", "rename", "owner", "note", "alias", "move", "show", "history", "undo", "release new", "milestone set", "schedule", "freeze", "export", "help"]) {
      expect(all).toContain(`!${name}:`);
    }
    expect(await chat.say("!help release new")).toContain("Usage: !release new VERSION [--cycle MONTHS] [--start DATE]");
    expect(await chat.say("!help rename")).toContain("Usage: !rename FEATURE to TITLE");
    expect(await chat.say("!help nothing")).toMatch(/There is no command/);
  });
});

describe("events", () => {
  it("carry only what belongs to them: an undo does not inherit the original message's id", async () => {
    const chat = await xenRoom();
    await chat.bot.handle({ text: "!status blktap3 fair", invoker: ADMIN, conversation: chat.conversation, id: "test:$original" });
    await chat.say("!undo");
    const [undo, original] = await chat.store.history({ limit: 2 });
    expect(original).toMatchObject({ origin: "test:$original", command: "!status blktap3 fair" });
    expect(undo?.undoes).toBe(original?.txn);
    expect(Object.keys(undo ?? {}).sort()).toEqual(["after", "at", "before", "by", "command", "entity", "feature", "project", "release", "seq", "txn", "undoes"]);
  });

  it("ignores a message that was already applied when the platform delivers it again", async () => {
    const chat = await xenRoom();
    const message = { text: "!status blktap3 fair", invoker: ADMIN, conversation: chat.conversation, id: "test:$once" };
    expect((await chat.bot.handle(message))?.tone).toBe("ok");
    await chat.say("!status blktap3 done");
    expect(await chat.bot.handle(message)).toBeUndefined();
    expect(feature(chat, "blktap3")?.bucket).toBe("done");
  });
});

describe("typing as people do (issue 10)", () => {
  let chat: FakeChat;
  beforeEach(async () => {
    chat = await xenRoom();
  });

  it("gives a free-text flag every word up to the next flag, and a one-word flag one word", async () => {
    expect(await chat.say('!add Nested virtualization --bucket fair --owner George Dunlap --note "needs review"')).toBe(
      "* Added Nested virtualization as fair (id nested-virtualization). [fair]",
    );
    expect(feature(chat, "nested-virtualization")).toMatchObject({ owners: ["George Dunlap"], note: "needs review", bucket: "fair" });
    await chat.setup("!add Another --note needs review badly --bucket at risk");
    expect(feature(chat, "another")).toMatchObject({ title: "Another", note: "needs review badly", bucket: "at-risk" });
    await chat.setup("!add Linux side --under PVH mode --owner Mukesh Rathor");
    expect(feature(chat, "linux-side")).toMatchObject({ parent: "pvh-mode-xen-linux", owners: ["Mukesh Rathor"] });
    // A one-word flag leaves the words after its value alone.
    await chat.setup("!status vtpm updates fair --probability 60");
    expect(feature(chat, "vtpm-updates")).toMatchObject({ bucket: "fair", probability: 60 });
    expect(await chat.say("!history --limit 1 extra")).toMatch(/No feature called “extra”/);
  });

  it("takes the longest name before a colon that names a feature, and the rest as the note", async () => {
    await chat.setup("!note V4V: Inter-domain communication: waiting on review");
    expect(feature(chat, "v4v-inter-domain-communication")?.note).toBe("waiting on review");
    await chat.setup("!note Scalability: 16TiB of RAM: needs testing: on big boxes");
    expect(feature(chat, "scalability-16tib-of-ram")?.note).toBe("needs testing: on big boxes");
    await chat.setup("!note blktap3: see: the review");
    expect(feature(chat, "blktap3")?.note).toBe("see: the review");
  });

  it("refuses a rename to a title that is on the list, as add does", async () => {
    const refusal = "vTPM updates is already on the list (id vtpm-updates).";
    expect(await chat.say("!add vtpm UPDATES")).toBe(refusal);
    expect(await chat.say("!rename blktap3 to vtpm UPDATES")).toBe(refusal);
    expect(feature(chat, "blktap3")?.title).toBe("blktap3");
    // Its own title in other letters is no duplicate.
    expect(await chat.say("!rename blktap3 to BlkTap3")).toBe("* Renamed blktap3 → BlkTap3. [at risk]");
  });

  it("knows a feature by its new title after a rename, and the old title as free", async () => {
    await chat.setup("!status vtpm updates fair", "!rename vTPM updates to vTPM 2.0");
    expect(await chat.say("!rename blktap3 to VTPM 2.0")).toBe("vTPM 2.0 is already on the list (id vtpm-updates).");
    expect(await chat.say("!add vTPM updates --bucket at-risk")).toBe("* Added vTPM updates as at risk (id vtpm-updates-2). [at risk]");
    await chat.setup("!status vtpm 2.0 on track", "!note vTPM updates: waiting on review");
    expect(feature(chat, "vtpm-updates")).toMatchObject({ title: "vTPM 2.0", bucket: "on-track", note: null });
    expect(feature(chat, "vtpm-updates-2")).toMatchObject({ title: "vTPM updates", bucket: "at-risk", note: "waiting on review" });
  });

  it("keeps a multi-word alias whole", async () => {
    expect(await chat.say("!alias blktap3 my alias")).toBe("* blktap3 can now be called “my alias”. [at risk]");
    expect(feature(chat, "blktap3")?.aliases).toEqual(["my alias"]);
    await chat.setup("!alias Persistent grants for net pg net", "!status my alias fair", "!status pg net on track");
    expect(feature(chat, "blktap3")?.bucket).toBe("fair");
    expect(feature(chat, "persistent-grants-for-net")).toMatchObject({ aliases: ["pg net"], bucket: "on-track" });
  });

  it("lists the titles a short name is part of instead of saying there is none", async () => {
    const xl = await chat.say("!show xl");
    expect(xl).toMatch(/^“xl” matches 7 features; say which one/);
    expect(xl).toContain("xl QXL Spice support (xl-qxl-spice-support)");
    expect(await chat.say("!show pv")).toMatch(/^“pv” matches \d+ features; say which one/);
    expect(chat.last?.failure).toBe("ambiguous");
    // Never a silent pick, even when only one title has it.
    await chat.setup("!status xl qxl spice support done");
    expect(await chat.say("!status qx fair")).toMatch(/^No feature called “qx” in release 4.3. Did you mean:\n+\* xl QXL Spice support/);
    expect(feature(chat, "xl-qxl-spice-support")?.bucket).toBe("done");
  });

  it("helps with a group of commands by listing its subcommands and their usage", async () => {
    const milestone = await chat.say("!help milestone");
    expect(milestone).toContain("* !milestone set NAME DATE [ZONE] [--custom] [--yes]: ");
    expect(milestone).toContain("* !milestone remove NAME: ");
    const release = await chat.say("!help Release");
    for (const sub of ["!release new VERSION [--cycle MONTHS] [--start DATE]", "!release use VERSION", "!release list"]) expect(release).toContain(`* ${sub}`);
    const countdown = await chat.say("!help countdown");
    for (const sub of ["status", "on", "off", "preview", "mute", "unmute"]) expect(countdown).toContain(`* !countdown ${sub}`);
    expect(await chat.say("!help countdown mute")).toContain("Usage: !countdown mute FOR");
  });

  it("asks before a change to a feature it only guessed, and !yes applies it once, for the same person in the same room", async () => {
    const before = JSON.stringify(chat.store.read());
    expect(await chat.say("!status blktp3 done")).toBe("There is no feature called “blktp3”. Did you mean blktap3 (blktap3)? !yes to apply.");
    expect(JSON.stringify(chat.store.read())).toBe(before);
    // Someone else's !yes, or one in another room, does not apply it.
    expect(await chat.say("!yes", RM)).toMatch(/^Nothing is waiting for your !yes here/);
    expect(await chat.say("!yes", ADMIN, "test:elsewhere")).toMatch(/^Nothing is waiting for your !yes here/);
    expect(await chat.say("!yes")).toBe("* blktap3: at risk → finished [finished]");
    expect(feature(chat, "blktap3")?.bucket).toBe("done");
    expect(await chat.say("!yes")).toMatch(/^Nothing is waiting/);
    // A slipped letter, a guessed parent, and a question that expires.
    await chat.say("!status blktpa3 fair");
    await chat.setup("!yes");
    expect(feature(chat, "blktap3")?.bucket).toBe("fair");
    expect(await chat.say("!move blktap3 under vtpm updatse")).toMatch(/Did you mean vTPM updates \(vtpm-updates\)\?/);
    await chat.setup("!yes");
    expect(feature(chat, "blktap3")?.parent).toBe("vtpm-updates");
    // A question is about the last command: another one in between drops it.
    await chat.say("!status blktp3 dropped");
    await chat.say("!show blktap3");
    expect(await chat.say("!yes")).toMatch(/^Nothing is waiting/);
    await chat.say("!note blktp3: guessed");
    chat.clock.advance(6 * 60_000);
    expect(await chat.say("!yes")).toMatch(/^Nothing is waiting/);
    expect(feature(chat, "blktap3")?.note).not.toBe("guessed");
    // Names it knows need no question; a read answers its best guess and says so.
    expect(await chat.say("!status blktap3 at risk")).toBe("* blktap3: fair → at risk [at risk]\n\nvTPM updates is now shown under at risk, where its sub-items are (was fair).");
    expect(await chat.say("!show blktp3")).toContain("(There is no feature called “blktp3”; this is the closest, blktap3.)");
  });

  it("confirms a removal with !yes too", async () => {
    expect(await chat.say("!remove blktap3")).toMatch(/To confirm, say !yes or !remove blktap3 --yes/);
    expect(await chat.say("!yes")).toMatch(/^Removed blktap3/);
    expect(feature(chat, "blktap3")).toBeUndefined();
  });
});

describe("replies say what is now true (issue 10, item 11)", () => {
  it("undo names the state it went back to, for a field and for the schedule", async () => {
    const chat = await xenRoom();
    await chat.say("!status vtpm updates fair --probability 80", RM);
    expect(await chat.say("!undo", RM)).toMatch(/^Undone: vTPM updates: .*probability 80 → —/);
    await chat.say("!milestone set code-freeze 2013-04-15", RM);
    expect(await chat.say("!milestone set code-freeze 2013-04-22", RM)).toBeDefined();
    expect(await chat.say("!undo", RM)).toBe("Undone: release 4.3: Code freeze moved from 22 April 2013 to 15 April 2013");
    expect(await chat.say("!history")).toMatch(/release 4\.3: Code freeze moved from 15 April 2013 to 22 April 2013/);
  });

  it("clearing the owners of a feature that has none says it has none", async () => {
    const chat = await xenRoom();
    await chat.say("!owner blktap3 none", RM);
    expect(await chat.say("!owner blktap3 none", RM)).toBe("blktap3 has no owner.");
  });
});
