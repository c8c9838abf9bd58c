import { describe, expect, it } from "vitest";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { dateInZone, zoneOffsetMinutes } from "../../../src/util/dates.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

interface Post {
  at: Date;
  text: string;
}

/** Xen 4.18's real schedule (2023), feature freeze Anywhere on Earth. */
async function xen418(chat: FakeChat, subscribe: string): Promise<void> {
  await chat.setup(
    "!project new Xen",
    "!release new 4.18 --cycle 9 --start 2023-02-06",
    "!milestone set last posting date 2023-08-25",
    "!milestone set feature freeze 2023-09-15 AoE",
    "!milestone set code freeze 2023-09-21",
    "!milestone set hard code freeze 2023-10-06",
    "!milestone set rc1 2023-10-13",
    "!milestone set release 2023-11-01",
    "!add blktap3 --bucket at-risk",
    "!add vTPM updates --bucket fair",
    "!add PVH dom0 --bucket on-track",
    subscribe,
  );
}

/** Runs the scheduler over the whole release and collects what it posts. */
async function runRelease(zone: string, cadence = "auto"): Promise<Post[]> {
  const clock = new FakeClock(new Date("2023-08-01T00:00:00Z"));
  const chat = new FakeChat({ clock });
  await xen418(chat, `!countdown on ${cadence} mon 09:00 ${zone}`);
  const timer = new FakeTimer(clock);
  const posts: Post[] = [];
  const scheduler = chatScheduler(chat, timer, async (conversation, reply) => {
    expect(conversation).toBe(chat.conversation);
    posts.push({ at: clock.now(), text: renderPlain(reply) });
  });
  await scheduler.start();
  await timer.advanceTo(new Date("2023-11-20T00:00:00Z"), () => scheduler.settled());
  await scheduler.stop();
  return posts;
}

const localDate = (post: Post, zone: string) => dateInZone(post.at, zone);
const localTime = (post: Post, zone: string) => {
  const minutes = (post.at.getUTCHours() * 60 + post.at.getUTCMinutes() + zoneOffsetMinutes(post.at, zone) + 1440) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
};

const MONDAYS = ["08-07", "08-14", "08-21", "08-28", "09-04", "09-11", "09-18", "09-25", "10-02", "10-09", "10-16", "10-23", "10-30"].map((day) => `2023-${day}`);
/** Weekly, then daily in the last week before each milestone; nothing after the release. */
const COUNTDOWN_DAYS = [
  ...["08-18", "08-19", "08-20", "08-22", "08-23", "08-24", "08-25"],
  ...["09-08", "09-09", "09-10", "09-12", "09-13", "09-14", "09-15", "09-16"],
  ...["09-17", "09-19", "09-20", "09-21"],
  ...["09-29", "09-30", "10-01", "10-03", "10-04", "10-05", "10-06"],
  ...["10-07", "10-08", "10-10", "10-11", "10-12", "10-13"],
  ...["10-25", "10-26", "10-27", "10-28", "10-29", "10-31", "11-01"],
].map((day) => `2023-${day}`);

describe("a whole release cycle of scheduled posts", () => {
  describe.each(["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "AoE"])("subscribed in %s", (zone) => {
    it("posts the summary every Monday and countdowns daily in each milestone's last week, at 09:00 local, never twice", async () => {
      const posts = await runRelease(zone);
      const summaries = posts.filter((post) => post.text.includes("taking stock"));
      const countdowns = posts.filter((post) => !post.text.includes("taking stock"));
      expect(summaries.map((post) => localDate(post, zone))).toEqual(MONDAYS);
      expect(countdowns.map((post) => localDate(post, zone))).toEqual(COUNTDOWN_DAYS);
      expect(new Set(posts.map((post) => localTime(post, zone)))).toEqual(new Set(["09:00"]));
      expect(new Set(posts.map((post) => post.at.toISOString())).size).toBe(posts.length);
    });

    it("says where the release stands in each phase", async () => {
      const posts = await runRelease(zone);
      const on = (day: string) => posts.find((post) => localDate(post, zone) === day)?.text;
      expect(on("2023-08-18")).toBe("Xen 4.18: Last posting date in 7 days (Fri 25 Aug 2023); 1 feature at risk: blktap3; 1 fair: vTPM updates.");
      expect(on("2023-09-12")).toMatch(/^Xen 4\.18: Feature freeze in 3 days \(Fri 15 Sep 2023, AoE\); 1 feature at risk: blktap3/);
      expect(on("2023-09-15")).toMatch(/^Xen 4\.18: Feature freeze is today \(Fri 15 Sep 2023, AoE\)/);
      // Anywhere on Earth, 15 September lasts until 12:00 UTC on the 16th: at 09:00 on the 16th,
      // zones ahead of UTC-3 are still before the freeze, New York and AoE itself are past it.
      const ahead = zone === "America/New_York" || zone === "AoE" ? "We are in feature freeze; code freeze in 5 days (Thu 21 Sep 2023)" : "Feature freeze is today (Fri 15 Sep 2023, AoE)";
      expect(on("2023-09-16")).toContain(ahead);
      expect(on("2023-09-19")).toContain("We are in feature freeze; code freeze in 2 days (Thu 21 Sep 2023)");
      expect(on("2023-09-29")).toContain("We are in code freeze; hard code freeze in 7 days (Fri 6 Oct 2023)");
      expect(on("2023-10-07")).toContain("We are in hard code freeze; RC1 in 6 days (Fri 13 Oct 2023)");
      expect(on("2023-11-01")).toContain("Release is today (Wed 1 Nov 2023)");
      expect(on("2023-09-18")).toContain("Xen 4.18: taking stock");
    });
  });

  it("with the daily cadence, counts down every day, in weeks where that reads better", async () => {
    const posts = await runRelease("Europe/London", "daily");
    const on = (day: string) => posts.find((post) => localDate(post, "Europe/London") === day)?.text;
    expect(on("2023-09-22")).toBe("Xen 4.18: We are in code freeze; hard code freeze in 2 weeks (Fri 6 Oct 2023); 1 feature at risk: blktap3; 1 fair: vTPM updates.");
    expect(on("2023-08-02")).toContain("Last posting date in 23 days");
    // One post a day from 1 August to release day, summaries included: 93 days.
    expect(posts).toHaveLength(93);
  });

  it("is quiet in rooms that did not ask", async () => {
    const clock = new FakeClock(new Date("2023-08-01T00:00:00Z"));
    const chat = new FakeChat({ clock });
    await xen418(chat, "!countdown off");
    const timer = new FakeTimer(clock);
    const sent: string[] = [];
    const scheduler = chatScheduler(chat, timer, async (conversation) => void sent.push(conversation));
    await scheduler.start();
    expect(timer.next()).toBeUndefined();
    await timer.advanceTo(new Date("2023-11-20T00:00:00Z"), () => scheduler.settled());
    expect(sent).toEqual([]);
  });
});
