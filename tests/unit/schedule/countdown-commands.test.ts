import { describe, expect, it } from "vitest";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { SubscriptionSchema } from "../../../src/schedule/subscription.js";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

async function room(config: ConstructorParameters<typeof FakeChat>[0] = {}) {
  const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
  const chat = new FakeChat({ clock, ...config });
  await chat.setup("!project new Xen", "!release new 4.3", "!milestone set feature freeze 2013-03-25 AoE", "!add blktap3 --bucket at-risk", "!add vTPM --bucket fair");
  const timer = new FakeTimer(clock);
  const posts: { conversation: string; at: string; text: string }[] = [];
  const scheduler = chatScheduler(chat, timer, async (conversation, reply) => void posts.push({ conversation, at: clock.now().toISOString(), text: renderPlain(reply) }));
  chat.bot.onChange(() => scheduler.reschedule());
  const advance = (to: string) => timer.advanceTo(new Date(to), () => scheduler.settled());
  return { chat, clock, timer, scheduler, posts, advance };
}

describe("!countdown", () => {
  it("subscribes a room, previews exactly what it later posts, and stops on off", async () => {
    const { chat, scheduler, posts, advance } = await room();
    await scheduler.start();
    expect(await chat.say("!countdown")).toMatch(/gets no scheduled posts/);
    expect(await chat.say("!countdown on daily 10:00 Europe/London")).toMatch(/now gets the summary every Mon and a countdown on each of the other days, at 10:00 Europe\/London/);
    const preview = await chat.say("!countdown preview 3");
    expect(preview).toContain("* Mon 11 Mar 2013 10:00 Europe/London: the weekly summary (taking stock)");
    expect(preview).toContain("* Tue 12 Mar 2013 10:00 Europe/London: Xen 4.3: Feature freeze in 13 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.");
    await advance("2013-03-13T12:00:00Z");
    expect(posts.map((post) => post.at)).toEqual(["2013-03-11T10:00:00.000Z", "2013-03-12T10:00:00.000Z", "2013-03-13T10:00:00.000Z"]);
    expect(posts[1]?.text).toBe("Xen 4.3: Feature freeze in 13 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.");
    expect(posts[0]?.text).toMatch(/^Xen 4\.3: taking stock, weekly summary\n/);
    await chat.say("!countdown off");
    await advance("2013-03-20T12:00:00Z");
    expect(posts).toHaveLength(3);
  });

  it("mutes a room for a while, then posts again", async () => {
    const { chat, scheduler, posts, advance } = await room();
    await scheduler.start();
    await chat.setup("!countdown on daily 09:00 UTC");
    expect(await chat.say("!countdown mute 2d")).toBe("Muted until Wed 13 Mar 2013 08:00 UTC. !countdown unmute ends it sooner.");
    await advance("2013-03-14T12:00:00Z");
    expect(posts.map((post) => post.at)).toEqual(["2013-03-13T09:00:00.000Z", "2013-03-14T09:00:00.000Z"]);
    expect(await chat.say("!countdown unmute")).toMatch(/not muted|resume/);
  });

  it("previews what a mute lets through, not the posts it will skip", async () => {
    const { chat, scheduler, posts, advance } = await room();
    await scheduler.start();
    await chat.setup("!countdown on daily 09:00 UTC", "!countdown mute 2d");
    const preview = await chat.say("!countdown preview 2");
    expect(preview).toBe(
      [
        "Muted until Wed 13 Mar 2013 08:00 UTC: the posts due before then are skipped. Next posts here:",
        "",
        "* Wed 13 Mar 2013 09:00 UTC: Xen 4.3: Feature freeze in 12 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.",
        "* Thu 14 Mar 2013 09:00 UTC: Xen 4.3: Feature freeze in 11 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.",
      ].join("\n"),
    );
    await advance("2013-03-14T12:00:00Z");
    expect(posts.map((post) => `${post.at} ${post.text}`)).toEqual([
      "2013-03-13T09:00:00.000Z Xen 4.3: Feature freeze in 12 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.",
      "2013-03-14T09:00:00.000Z Xen 4.3: Feature freeze in 11 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.",
    ]);
    expect(await chat.say("!countdown preview 1")).toBe("Next posts here:\n\n* Fri 15 Mar 2013 09:00 UTC: Xen 4.3: Feature freeze in 10 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3; 1 fair: vTPM.");
  });

  it("posts once when the config and a command subscribe the same room", async () => {
    const { chat, scheduler, posts, advance } = await room({
      config: { schedule: { graceHours: 6, tightenDays: 7, subscriptions: { "test:room": SubscriptionSchema.parse({ cadence: "daily", time: "09:00" }) } } },
    });
    await scheduler.start();
    await chat.setup("!countdown on daily 09:00 UTC");
    await advance("2013-03-12T12:00:00Z");
    expect(posts.map((post) => post.at)).toEqual(["2013-03-11T09:00:00.000Z", "2013-03-12T09:00:00.000Z"]);
  });

  it("follows the config's subscription until the room turns it off", async () => {
    const { chat, scheduler, posts, advance } = await room({
      config: { schedule: { graceHours: 6, tightenDays: 7, subscriptions: { "test:room": SubscriptionSchema.parse({ cadence: "weekly" }) } } },
    });
    await scheduler.start();
    expect(await chat.say("!countdown")).toMatch(/gets the summary every Mon at 09:00 UTC/);
    await advance("2013-03-19T00:00:00Z");
    expect(posts.map((post) => post.at)).toEqual(["2013-03-11T09:00:00.000Z", "2013-03-18T09:00:00.000Z"]);
    await chat.setup("!countdown off");
    await advance("2013-03-26T00:00:00Z");
    expect(posts).toHaveLength(2);
  });

  it("is for release managers to change, and anyone to look at", async () => {
    const { chat } = await room();
    expect(await chat.say("!countdown on", MAINTAINER)).toMatch(/Only release managers and admins/);
    expect(await chat.say("!countdown on", RM)).toMatch(/now gets/);
    expect(await chat.say("!countdown preview", MAINTAINER)).toMatch(/Next posts here/);
    expect(await chat.say("!countdown on hourly")).toMatch(/not a cadence/);
    expect(await chat.say("!countdown on 25:00")).toMatch(/not a cadence|time/);
    expect(await chat.say("!countdown mute forever")).toMatch(/a span such as/);
  });
});
