import { describe, expect, it } from "vitest";
import { ConfigSubscriptionSchema } from "../../../src/config/core-config.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

const ROOM = "matrix:!xen:xen.org";

/** Xen 4.18 after its feature freeze, a room subscribed by config with quiet hours and reminders on. */
async function room() {
  const clock = new FakeClock(new Date("2023-09-20T12:00:00Z"));
  const chat = new FakeChat({
    clock,
    conversation: ROOM,
    config: {
      people: { george: { name: "George Dunlap", matrix: "@george:xen.org" } },
      schedule: {
        graceHours: 6,
        tightenDays: 7,
        subscriptions: { [ROOM]: ConfigSubscriptionSchema.parse({ cadence: "daily", time: "09:00", zone: "Europe/London", quietHours: "22:00-08:00" }) },
      },
    },
  });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18",
    "!milestone set feature freeze 2023-09-15 AoE",
    "!milestone set release 2023-11-16",
    "!add blktap3 --owner george --bucket at risk",
    "!exception request blktap3 21d: the last patch is in review",
    "!exception grant blktap3 until 2023-10-06",
  );
  // 03:30 BST: stale at 03:30 BST on 9 October, in the quiet hours.
  clock.set("2023-09-25T02:30:00Z");
  await chat.setup("!add NUMA scheduling --owner Thanos", "!add vTPM updates --owner Thanos");
  await chat.say("!nag on", RM);
  const timer = new FakeTimer(clock);
  const posts: { at: string; text: string }[] = [];
  const scheduler = chatScheduler(chat, timer, async (_conversation, reply) => void posts.push({ at: clock.now().toISOString(), text: renderPlain(reply) }));
  chat.bot.onChange(() => scheduler.reschedule());
  const advance = (to: string) => timer.advanceTo(new Date(to), () => scheduler.settled());
  return { chat, clock, posts, scheduler, advance };
}

const countdown = (days: number, ending: boolean) =>
  `Xen 4.18: We are in feature freeze; release in ${days} days (Thu 16 Nov 2023); 1 feature at risk: blktap3; 2 fair: NUMA scheduling, vTPM updates${ending ? "; exception ending soon: blktap3 (6 October 2023)" : ""}.`;

describe("!countdown preview", () => {
  it("lists the posts and reminders a mute and the quiet hours let through, at the times they are then made", async () => {
    const { chat, clock, posts, scheduler, advance } = await room();
    clock.set("2023-10-03T09:30:00Z");
    await scheduler.start();
    await chat.setup("!countdown mute 2d");
    expect(await chat.say("!countdown preview 4", MAINTAINER)).toBe(
      [
        "Muted until Thu 5 Oct 2023 10:30 Europe/London: the posts due before then are skipped. Next posts here:",
        "",
        `* Fri 6 Oct 2023 09:00 Europe/London: ${countdown(41, true)}`,
        `* Sat 7 Oct 2023 09:00 Europe/London: ${countdown(40, true)}`,
        `* Sun 8 Oct 2023 09:00 Europe/London: ${countdown(39, false)}`,
        "* Mon 9 Oct 2023 09:00 Europe/London: the weekly summary (taking stock), with the freeze exceptions granted: blktap3 (ended 6 October 2023)",
        "",
        "Reminders here:",
        "",
        "* Thu 5 Oct 2023 10:30 Europe/London: a reminder to George Dunlap, 1 stale item (blktap3); due Wed 4 Oct 2023 13:00 Europe/London, held by the mute",
        "* Mon 9 Oct 2023 08:00 Europe/London: a reminder to Thanos, 2 stale items (NUMA scheduling, vTPM updates); due 03:30 Europe/London, held by the quiet hours (22:00-08:00)",
      ].join("\n"),
    );
    await advance("2023-10-10T00:00:00Z");
    expect(posts.map((post) => `${post.at} ${post.text.split("\n")[0]}`)).toEqual([
      "2023-10-05T09:30:00.000Z George Dunlap, a polite reminder: 1 of your items has had no update for 14 days or more. A word on where it stands (!status FEATURE BUCKET or !note FEATURE: TEXT) keeps the plan true.",
      `2023-10-06T08:00:00.000Z ${countdown(41, true)}`,
      `2023-10-07T08:00:00.000Z ${countdown(40, true)}`,
      `2023-10-08T08:00:00.000Z ${countdown(39, false)}`,
      "2023-10-09T07:00:00.000Z Thanos, a polite reminder: 2 of your items have had no update for 14 days or more. A word on where it stands (!status FEATURE BUCKET or !note FEATURE: TEXT) keeps the plan true.",
      "2023-10-09T08:00:00.000Z Xen 4.18: taking stock, weekly summary",
    ]);
    await scheduler.stop();
  });

  it("names the next reminders only, leaves out those who stopped theirs, and says when there are none", async () => {
    const { chat, clock } = await room();
    clock.set("2023-10-03T09:30:00Z");
    expect(await chat.say("!countdown preview 1", MAINTAINER)).toBe(
      [
        `Next posts here:`,
        "",
        `* Wed 4 Oct 2023 09:00 Europe/London: Xen 4.18: We are in feature freeze; release in 43 days (Thu 16 Nov 2023); 1 feature at risk: blktap3; 2 fair: NUMA scheduling, vTPM updates; exception ending soon: blktap3 (6 October 2023).`,
        "",
        "Reminders here (the next 1 of 2):",
        "",
        "* Wed 4 Oct 2023 13:00 Europe/London: a reminder to George Dunlap, 1 stale item (blktap3)",
      ].join("\n"),
    );
    await chat.say("!nag me off", { id: "matrix:@george:xen.org", displayName: "George" });
    expect(await chat.say("!countdown preview 1", MAINTAINER)).toMatch(/Reminders here:\n\n\* Mon 9 Oct 2023 08:00 Europe\/London: a reminder to Thanos, 2 stale items/);
    await chat.setup("!status NUMA scheduling done", "!status vTPM updates dropped", "!status blktap3 done");
    expect(await chat.say("!countdown preview 1", MAINTAINER)).toMatch(/\n\nReminders: none ahead \(no owner has an item in play\)\.$/);
    await chat.say("!nag off", RM);
    expect(await chat.say("!countdown preview 1", MAINTAINER)).not.toMatch(/Reminders/);
  });
});
