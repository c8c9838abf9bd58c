import { describe, expect, it } from "vitest";
import { renderHtml } from "../../../src/reply/render-html.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Feature } from "../../../src/model/schema.js";
import { planNags, upcomingNags } from "../../../src/plan/nags.js";
import { makeFeature } from "../../support/plan.js";
import { FakeChat, FakeClock, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

async function room() {
  const clock = new FakeClock(new Date("2023-05-01T08:00:00Z"));
  const chat = new FakeChat({
    clock,
    conversation: "matrix:!xen:xen.org",
    config: { people: { george: { name: "George Dunlap", matrix: "@george:xen.org" } } },
  });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18",
    "!add blktap3 --owner George Dunlap --bucket at risk",
    "!add NUMA scheduling --owner george",
    "!add vTPM updates --owner Thanos",
    "!add PVH mode --owner Thanos --bucket done",
    "!add Credit2",
  );
  const timer = new FakeTimer(clock);
  const posts: { at: string; text: string; html: string }[] = [];
  const scheduler = chatScheduler(chat, timer, async (conversation, reply) => {
    expect(conversation).toBe("matrix:!xen:xen.org");
    posts.push({ at: clock.now().toISOString(), text: renderPlain(reply), html: renderHtml(reply) });
  });
  chat.bot.onChange(() => scheduler.reschedule());
  const advance = (to: string) => timer.advanceTo(new Date(to), () => scheduler.settled());
  return { chat, clock, timer, posts, scheduler, advance };
}

describe("polite nags", () => {
  it("is for release managers, and off until a room asks", async () => {
    const { chat, posts, scheduler, advance } = await room();
    await scheduler.start();
    await advance("2023-05-20T08:00:00Z");
    expect(posts).toEqual([]);
    expect(await chat.say("!nag", STRANGER)).toBe("Reminders are off here. (!nag on turns them on.)");
    expect(await chat.say("!nag on", MAINTAINER)).toContain("Only release managers");
    expect(await chat.say("!nag on", RM)).toBe(
      "Reminders on: owners of items with no update for 14 days get one polite message here, at most once every 14 days (not while !countdown mute 3d is on). !stale shows who is due.",
    );
    expect(await chat.say("!nag on", RM)).toBe("Reminders are on here already.");
    expect(await chat.say("!nag", STRANGER)).toBe("Reminders are on here: at most one per owner every 14 days; 2 owners have stale items: George Dunlap, Thanos.");
    expect(await chat.say("!nag off", STRANGER)).toContain("Only release managers");
  });

  it("one message per owner for all their stale items, then nothing again for 14 days, and never twice across a restart", async () => {
    const { chat, posts, scheduler, advance, clock, timer } = await room();
    await chat.say("!nag on", RM);
    await scheduler.start();
    await advance("2023-05-15T07:00:00Z");
    expect(posts).toEqual([]);
    await advance("2023-05-15T09:00:00Z");
    expect(posts.map((post) => post.text)).toEqual([
      "George Dunlap, a polite reminder: 2 of your items have had no update for 14 days or more. A word on where it stands (!status FEATURE BUCKET or !note FEATURE: TEXT) keeps the plan true.\n\n* blktap3: 14 days [at risk]\n* NUMA scheduling: 14 days [fair]",
      "Thanos, a polite reminder: 1 of your items has had no update for 14 days or more. A word on where it stands (!status FEATURE BUCKET or !note FEATURE: TEXT) keeps the plan true.\n\n* vTPM updates: 14 days [fair]",
    ]);
    // In Matrix HTML a person of the config is a pill named as the config names them.
    expect(posts[0]!.html).toMatch(/^<p><a href="https:\/\/matrix\.to\/#\/%40george%3Axen\.org">George Dunlap<\/a>, a polite reminder/);
    expect(posts[1]!.html).toMatch(/^<p>Thanos, a polite reminder/);
    const claimed = chat.store.read().conversations["matrix:!xen:xen.org"]!.settings;
    expect(claimed["nag.last.person:george"]).toBe(posts[0]!.at);
    expect(claimed["nag.last.name:thanos"]).toBe(posts[1]!.at);
    // A restart: a new scheduler over the same store sends nothing already sent.
    await scheduler.stop();
    const again: string[] = [];
    const restarted = chatScheduler(chat, timer, async (_conversation, reply) => void again.push(renderPlain(reply)));
    await restarted.start();
    await timer.advanceTo(new Date("2023-05-28T09:00:00Z"), () => restarted.settled());
    expect(again).toEqual([]);
    // Fourteen days after the last reminder, the next one.
    await timer.advanceTo(new Date("2023-05-29T10:00:00Z"), () => restarted.settled());
    expect(again).toHaveLength(2);
    expect(clock.now().toISOString()).toBe("2023-05-29T10:00:00.000Z");
    await restarted.stop();
  });

  it("an update stops the reminder; mute and !nag off hold them back", async () => {
    const { chat, posts, scheduler, advance } = await room();
    await chat.say("!nag on", RM);
    await scheduler.start();
    await advance("2023-05-14T09:00:00Z");
    await chat.say("!note blktap3: v3 posted", MAINTAINER);
    await chat.say("!status NUMA scheduling on track", MAINTAINER);
    await chat.say("!countdown mute 2d", RM);
    await advance("2023-05-16T07:00:00Z");
    expect(posts).toEqual([]);
    await advance("2023-05-16T10:00:00Z");
    expect(posts.map((post) => post.text.split(",")[0])).toEqual(["Thanos"]);
    expect(await chat.say("!nag off", RM)).toBe("Reminders off here.");
    await advance("2023-07-01T10:00:00Z");
    expect(posts).toHaveLength(1);
  });

  it("a person can stop their own reminders, from any platform they are known on", async () => {
    const { chat, posts, scheduler, advance } = await room();
    await chat.say("!nag on", RM);
    expect(await chat.say("!nag me off", RM)).toBe("No more reminders for you here. (!nag me on brings them back.)");
    expect(await chat.say("!nag me off", RM)).toBe("Your reminders are off here already.");
    await scheduler.start();
    await advance("2023-05-15T09:00:00Z");
    expect(posts.map((post) => post.text.split(",")[0])).toEqual(["Thanos"]);
    expect(await chat.say("!nag me on", RM)).toBe("Your reminders are on again here.");
    await advance("2023-05-15T11:00:00Z");
    expect(posts.map((post) => post.text.split(",")[0])).toEqual(["Thanos", "George Dunlap"]);
    await scheduler.stop();
  });

  it("two schedulers over one store send each reminder once, and a shipped release nags nobody", async () => {
    const { chat, clock, timer } = await room();
    await chat.say("!nag on", RM);
    clock.set("2023-05-20T09:00:00Z");
    const sent: string[] = [];
    const send = async (_conversation: string, reply: Parameters<typeof renderPlain>[0]) => void sent.push(renderPlain(reply).split(",")[0]!);
    const one = chatScheduler(chat, timer, send);
    const two = chatScheduler(chat, timer, send);
    await Promise.all([one.runDue(), two.runDue()]);
    expect(sent.sort()).toEqual(["George Dunlap", "Thanos"]);
    await chat.say("!release close 4.18", RM);
    clock.set("2023-07-20T09:00:00Z");
    await one.runDue();
    expect(sent).toHaveLength(2);
    await Promise.all([one.stop(), two.stop()]);
  });

  it("the weekly summary counts and marks the stale items, as !stock does", async () => {
    const { chat, posts, scheduler, advance } = await room();
    await chat.setup("!countdown on weekly mon 09:00 UTC");
    await scheduler.start();
    // Monday 15 May, 09:00: an hour after everything went stale.
    await advance("2023-05-15T10:00:00Z");
    const summary = posts.find((post) => post.at === "2023-05-15T09:00:00.000Z")?.text;
    const stock = await chat.say("!stock");
    expect(summary).toBe(stock!.replace("Xen 4.18: taking stock", "Xen 4.18: taking stock, weekly summary"));
    expect(summary).toContain("\n\n4 features stale (no update for 14 days or more): !stale lists them.\n\n");
    expect(summary).toContain("* blktap3\n  owner: George Dunlap\n  stale: no update for 14 days");
    await scheduler.stop();
  });

  it("plans one reminder per owner over 1 000 owners, each with all their items", () => {
    const release: { features: Record<string, Feature>; closedAt: null } = { features: {}, closedAt: null };
    for (let i = 0; i < 3000; i++) {
      release.features[`f${i}`] = {
        id: `f${i}`, title: `Feature ${i}`, qualifier: null, external: false, bucket: "fair", owners: [`owner ${i % 1000}`],
        note: null, probability: null, links: [], aliases: [], parent: null, order: i,
        createdAt: "2023-01-01T00:00:00Z", createdBy: "x", updatedAt: "2023-01-01T00:00:00Z", updatedBy: "x",
      };
    }
    const nags = planNags(release, {}, new Date("2023-03-01T00:00:00Z"), 14, (key) => (key === "name:owner 7" ? new Date("2023-02-28T00:00:00Z") : undefined), "matrix");
    expect(nags).toHaveLength(999);
    expect(nags[0]!.features.map((feature) => feature.id)).toEqual(["f0", "f1000", "f2000"]);
  });

  it("reminds a person written under two names once, listing each of their items once", () => {
    const people = { george: { name: "George Dunlap", matrix: "@george:xen.org" } };
    const old = { updatedAt: "2023-01-01T00:00:00Z" };
    const release = {
      closedAt: null,
      features: {
        a: makeFeature("a", { ...old, order: 1, owners: ["George Dunlap", "george", "Thanos"] }),
        b: makeFeature("b", { ...old, order: 2, owners: ["george"] }),
        c: makeFeature("c", { ...old, order: 3, owners: ["Thanos", "George Dunlap"] }),
      },
    };
    const now = new Date("2023-03-01T00:00:00Z");
    const listed = (nags: { owner: { key: string; chatId?: string }; features: Feature[] }[]) =>
      nags.map((nag) => [nag.owner.key, nag.owner.chatId ?? null, nag.features.map((feature) => feature.id)]);
    expect(listed(planNags(release, people, now, 14, () => undefined, "matrix"))).toEqual([
      ["person:george", "matrix:@george:xen.org", ["a", "b", "c"]],
      ["name:thanos", null, ["a", "c"]],
    ]);
    expect(listed(upcomingNags(release, people, now, 14, () => undefined, "matrix"))).toEqual([
      ["person:george", "matrix:@george:xen.org", ["a", "b", "c"]],
      ["name:thanos", null, ["a", "c"]],
    ]);
  });
});
