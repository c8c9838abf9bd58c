import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { ConfigSubscriptionSchema } from "../../../src/config/core-config.js";
import type { Invoker } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Scheduler } from "../../../src/schedule/scheduler.js";
import { FakeChat, FakeClock } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";
import { tempDir } from "../../support/temp.js";

/**
 * Issue 14's "whole simulated release cycle": Xen 4.18 on its real 2023 dates, as xen-devel had
 * them (Henry Wang's schedule, option 3 of April, with the code freeze moved on 11 September): last
 * posting date Fri 11 August, feature freeze Fri 1 September, code freeze Fri 22 September, hard
 * code freeze Fri 6 October, release Thu 16 November (CHANGELOG.md; 4.17 came out on 12 December
 * 2022). The mails give the freeze no zone; it is kept Anywhere on Earth here. The bot runs as one process does: Stocktake.handle over a LowdbStore in a temp directory,
 * and the scheduler, woken by a fake timer on a fake clock; it is stopped and started again from
 * the same files three times on the way.
 */

const ROOM = "matrix:!xen-devel:xenproject.org";
const HENRY: Invoker = { id: "matrix:@henry:xenproject.org", displayName: "Henry" };
const ANDREW: Invoker = { id: "matrix:@andrew:xenproject.org", displayName: "Andrew" };
const GEORGE: Invoker = { id: "matrix:@george:xenproject.org", displayName: "George" };
const JULIEN: Invoker = { id: "matrix:@julien:xenproject.org", displayName: "Julien" };

const config = {
  projects: { xen: { releaseManagers: [HENRY.id], maintainers: [ANDREW.id, GEORGE.id, JULIEN.id], rooms: [ROOM], private: false } },
  people: {
    andrew: { name: "Andrew Cooper", matrix: "@andrew:xenproject.org" },
    george: { name: "George Dunlap", matrix: "@george:xenproject.org" },
    julien: { name: "Julien Grall", matrix: "@julien:xenproject.org" },
  },
  schedule: {
    graceHours: 6,
    tightenDays: 7,
    // The room reads London time and wants no reminders at night.
    subscriptions: { [ROOM]: ConfigSubscriptionSchema.parse({ cadence: "auto", day: "mon", time: "09:00", zone: "Europe/London", quietHours: "22:00-08:00" }) },
  },
};

interface Post {
  at: string;
  text: string;
}

/** The bot as one process runs it: the core over the lowdb files, and its scheduler. */
class Process {
  private constructor(
    readonly chat: FakeChat,
    readonly store: LowdbStore,
    readonly scheduler: Scheduler,
  ) {}

  static async start(file: string, clock: FakeClock, timer: FakeTimer, posts: Post[]): Promise<Process> {
    const store = await LowdbStore.open(file, { clock });
    const chat = new FakeChat({ store, clock, conversation: ROOM, config });
    const scheduler = chatScheduler(chat, timer, async (conversation, reply) => {
      expect(conversation).toBe(ROOM);
      posts.push({ at: clock.now().toISOString(), text: renderPlain(reply) });
    });
    chat.bot.onChange(() => scheduler.reschedule());
    await scheduler.start();
    return new Process(chat, store, scheduler);
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    await this.store.close();
  }
}

const temp = tempDir();
afterAll(() => temp.cleanup());

const REMINDER = "a polite reminder";
const nagLine = (post: Post) => {
  const [first = "", , ...items] = post.text.split("\n");
  return `${post.at} ${first.slice(0, first.indexOf(","))}: ${items.map((item) => item.replace(/^\* /, "")).join("; ")}`;
};

describe("Xen 4.18's whole cycle, on its real 2023 dates", () => {
  it("plans, goes stale and nags (out of quiet hours, across the clocks going back), freezes, takes three exception requests, ships and rolls over into 4.19; restarts send nothing twice", async () => {
    const file = join(temp.dir, "stocktake.json");
    const clock = new FakeClock(new Date("2023-07-03T09:30:00Z"));
    const timer = new FakeTimer(clock);
    const posts: Post[] = [];
    let bot = await Process.start(file, clock, timer, posts);
    const say = (text: string, who: Invoker = HENRY) => bot.chat.say(text, who);
    const until = (instant: string) => timer.advanceTo(new Date(instant), () => bot.scheduler.settled());
    const restart = async () => {
      await bot.stop();
      bot = await Process.start(file, clock, timer, posts);
    };
    const postedAt = (instant: string) => posts.filter((post) => post.at === instant && !post.text.includes(REMINDER)).map((post) => post.text);

    // Monday 3 July, 10:30 in London: the plan.
    await bot.chat.setup(
      "!project new xen Xen",
      "!release new 4.18 --cycle 11 --start 2022-12-12",
      "!milestone set last posting date 2023-08-11",
      "!milestone set feature freeze 2023-09-01 AoE",
      "!milestone set code freeze 2023-09-22",
      "!milestone set hard code freeze 2023-10-06",
      "!milestone set release 2023-11-16",
      "!add Python 3 fixes for tools --owner andrew --bucket fair",
      "!add Non-truncating XENVER ops --owner andrew --bucket at risk",
      "!add Credit load balancing limit --owner george --bucket on track",
      "!add Revoke permissions on PCI detach --owner julien --bucket fair",
      "!add Debugging facility fixes --owner Oleksii --bucket fair",
      "!nag on",
    );
    expect(await say("!stock")).toBe(
      [
        "Xen 4.18: taking stock",
        "",
        "Month 6 of 11, last posting date in 39 days (11 August 2023). 5 features: 0 finished, 1 on track, 3 fair, 1 at risk.",
        "",
        "== Features on-track ==",
        "",
        "* Credit load balancing limit",
        "  owner: George Dunlap",
        "",
        "== Features marked as Fair ==",
        "",
        "* Python 3 fixes for tools",
        "  owner: Andrew Cooper",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "* Debugging facility fixes",
        "  owner: Oleksii",
        "",
        "== Features at risk ==",
        "",
        "* Non-truncating XENVER ops",
        "  owner: Andrew Cooper",
      ].join("\n"),
    );

    // Stale items and the first reminders, fourteen days on; killed a minute after them and started again.
    await until("2023-07-10T11:00:00Z");
    await say("!note Credit load balancing limit: v2 posted", GEORGE);
    await until("2023-07-17T09:31:00Z");
    await restart();
    await until("2023-07-24T12:00:00Z");
    expect(postedAt("2023-07-24T08:00:00.000Z")).toEqual([
      [
        "Xen 4.18: taking stock, weekly summary",
        "",
        "Month 7 of 11, last posting date in 18 days (11 August 2023). 5 features: 0 finished, 1 on track, 3 fair, 1 at risk.",
        "",
        "4 features stale (no update for 14 days or more): !stale lists them.",
        "",
        "== Features on-track ==",
        "",
        "* Credit load balancing limit",
        "  owner: George Dunlap",
        "  status: v2 posted",
        "",
        "== Features marked as Fair ==",
        "",
        "* Python 3 fixes for tools",
        "  owner: Andrew Cooper",
        "  stale: no update for 20 days",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "  stale: no update for 20 days",
        "* Debugging facility fixes",
        "  owner: Oleksii",
        "  stale: no update for 20 days",
        "",
        "== Features at risk ==",
        "",
        "* Non-truncating XENVER ops",
        "  owner: Andrew Cooper",
        "  stale: no update for 20 days",
      ].join("\n"),
    ]);
    expect(await say("!stale", ANDREW)).toBe(
      [
        "Xen 4.18: 5 stale (no update for 14 days or more)",
        "",
        "* Python 3 fixes for tools [fair]",
        "  owner: Andrew Cooper",
        "  no update for 21 days (last: 3 July 2023, admin)",
        "* Non-truncating XENVER ops [at risk]",
        "  owner: Andrew Cooper",
        "  no update for 21 days (last: 3 July 2023, admin)",
        "* Revoke permissions on PCI detach [fair]",
        "  owner: Julien Grall",
        "  no update for 21 days (last: 3 July 2023, admin)",
        "* Debugging facility fixes [fair]",
        "  owner: Oleksii",
        "  no update for 21 days (last: 3 July 2023, admin)",
        "* Credit load balancing limit [on track]",
        "  owner: George Dunlap",
        "  no update for 14 days (last: 10 July 2023, George Dunlap)",
      ].join("\n"),
    );
    expect(await say("!countdown preview 2", ANDREW)).toBe(
      [
        "Next posts here:",
        "",
        "* Mon 31 Jul 2023 09:00 Europe/London: the weekly summary (taking stock)",
        "* Fri 4 Aug 2023 09:00 Europe/London: Xen 4.18: Last posting date in 7 days (Fri 11 Aug 2023); 1 feature at risk: Non-truncating XENVER ops; 3 fair: Python 3 fixes for tools, Revoke permissions on PCI detach, Debugging facility fixes.",
        "",
        "Reminders here (the next 2 of 4):",
        "",
        "* Mon 31 Jul 2023 10:30 Europe/London: a reminder to Andrew Cooper, 2 stale items (Python 3 fixes for tools, Non-truncating XENVER ops)",
        "* Mon 31 Jul 2023 10:30 Europe/London: a reminder to Julien Grall, 1 stale item (Revoke permissions on PCI detach)",
      ].join("\n"),
    );

    // Before the freeze, an exception is not needed yet (the freeze is kept Anywhere on Earth, where it is still 27 August).
    await until("2023-08-28T10:00:00Z");
    expect(await say("!exception request Debugging facility fixes 7d: three patches left", JULIEN)).toBe(
      "Debugging facility fixes needs no exception yet: the feature freeze is 1 September 2023 (in 5 days). Ask after it if Debugging facility fixes is not in by then.",
    );

    // After it: one granted, one denied.
    await until("2023-09-04T10:00:00Z");
    expect(await say("!exception request Non-truncating XENVER ops 14d: the tools side is in review", ANDREW)).toBe(
      "Exception requested for Non-truncating XENVER ops: 14 extra days after the feature freeze (until 15 September 2023). A release manager answers with !exception grant non-truncating-xenver-ops or !exception deny non-truncating-xenver-ops: reason.",
    );
    expect(await say("!exception request Revoke permissions on PCI detach 7d: v3 needs another round", JULIEN)).toBe(
      "Exception requested for Revoke permissions on PCI detach: 7 extra days after the feature freeze (until 8 September 2023). A release manager answers with !exception grant revoke-permissions-on-pci-detach or !exception deny revoke-permissions-on-pci-detach: reason.",
    );
    expect(await say("!exception grant Non-truncating XENVER ops")).toBe("Exception granted: Non-truncating XENVER ops may go in until 15 September 2023.");
    expect(await say("!exception deny Revoke permissions on PCI detach: too risky after the freeze")).toBe(
      "Exception denied for Revoke permissions on PCI detach: too risky after the freeze",
    );
    expect(await say("!exceptions", GEORGE)).toBe(
      [
        "Xen 4.18: freeze exceptions",
        "",
        "* Non-truncating XENVER ops: granted until 15 September 2023 [at risk]",
        "  asked by @andrew:xenproject.org on 4 September 2023; decided by @henry:xenproject.org",
        "* Revoke permissions on PCI detach: denied: too risky after the freeze [fair]",
        "  asked by @julien:xenproject.org on 4 September 2023; decided by @henry:xenproject.org",
      ].join("\n"),
    );
    expect(await say("!stock")).toBe(
      [
        "Xen 4.18: taking stock",
        "",
        "Month 8 of 11, code freeze in 18 days (22 September 2023). 5 features: 0 finished, 1 on track, 3 fair, 1 at risk.",
        "",
        "Freeze exceptions granted: Non-truncating XENVER ops until 15 September 2023.",
        "",
        "3 features stale (no update for 14 days or more): !stale lists them.",
        "",
        "== Features on-track ==",
        "",
        "* Credit load balancing limit",
        "  owner: George Dunlap",
        "  status: v2 posted",
        "  stale: no update for 55 days",
        "",
        "== Features marked as Fair ==",
        "",
        "* Python 3 fixes for tools",
        "  owner: Andrew Cooper",
        "  stale: no update for 63 days",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "* Debugging facility fixes",
        "  owner: Oleksii",
        "  stale: no update for 63 days",
        "",
        "== Features at risk ==",
        "",
        "* Non-truncating XENVER ops",
        "  owner: Andrew Cooper",
      ].join("\n"),
    );

    // The countdown names the exception on its last day; it goes in that morning.
    await until("2023-09-10T10:00:00Z");
    await say("!status Credit load balancing limit done", GEORGE);
    await until("2023-09-15T10:00:00Z");
    expect(postedAt("2023-09-15T08:00:00.000Z")).toEqual([
      "Xen 4.18: We are in feature freeze; code freeze in 7 days (Fri 22 Sep 2023); 1 feature at risk: Non-truncating XENVER ops; 3 fair: Python 3 fixes for tools, Revoke permissions on PCI detach, Debugging facility fixes; exception ending soon: Non-truncating XENVER ops (15 September 2023).",
    ]);
    await say("!status Non-truncating XENVER ops done", ANDREW);
    await until("2023-09-20T10:00:00Z");
    await say("!status Python 3 fixes for tools done", ANDREW);

    // Muted over Xen Summit week's Monday: the weekly summary is skipped, Oleksii's reminder waits for the mute to end.
    await until("2023-09-24T12:00:00Z");
    expect(await say("!countdown mute 3d")).toBe("Muted until Wed 27 Sep 2023 13:00 Europe/London. !countdown unmute ends it sooner.");
    expect(await say("!countdown preview 1", GEORGE)).toBe(
      [
        "Muted until Wed 27 Sep 2023 13:00 Europe/London: the posts due before then are skipped. Next posts here:",
        "",
        "* Fri 29 Sep 2023 09:00 Europe/London: Xen 4.18: We are in code freeze; hard code freeze in 7 days (Fri 6 Oct 2023); 2 fair: Revoke permissions on PCI detach, Debugging facility fixes.",
        "",
        "Reminders here (the next 1 of 2):",
        "",
        "* Wed 27 Sep 2023 13:00 Europe/London: a reminder to Oleksii, 1 stale item (Debugging facility fixes); due Mon 25 Sep 2023 10:30 Europe/London, held by the mute",
      ].join("\n"),
    );
    await until("2023-09-26T00:00:00Z");
    await restart();

    // A note at half past midnight: stale at 00:30 on 29 October, the night the clocks go back.
    await until("2023-10-14T23:30:00Z");
    await say("!note Revoke permissions on PCI detach: v4 posted for 4.19", JULIEN);
    // Killed at 03:00 GMT, the reminder waiting for the end of the quiet hours.
    await until("2023-10-29T03:00:00Z");
    expect(posts.filter((post) => post.at.startsWith("2023-10-29"))).toEqual([]);
    await restart();

    // Release day, shipped, and the next release takes the unfinished work.
    await until("2023-11-16T10:00:00Z");
    expect(await say("!stock")).toBe(
      [
        "Xen 4.18: taking stock",
        "",
        "Month 11 of 11, release is today (16 November 2023). 5 features: 3 finished, 0 on track, 2 fair, 0 at risk.",
        "",
        // Non-truncating XENVER ops finished within its exception: the summary no longer lists it.
        "2 features stale (no update for 14 days or more): !stale lists them.",
        "",
        "== Finished features ==",
        "",
        "* Python 3 fixes for tools",
        "  owner: Andrew Cooper",
        "* Non-truncating XENVER ops",
        "  owner: Andrew Cooper",
        "* Credit load balancing limit",
        "  owner: George Dunlap",
        "  status: v2 posted",
        "",
        "== Features marked as Fair ==",
        "",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "  status: v4 posted for 4.19",
        "  stale: no update for 32 days",
        "* Debugging facility fixes",
        "  owner: Oleksii",
        "  stale: no update for 136 days",
      ].join("\n"),
    );
    expect(await say("!release close 4.18")).toBe(
      "Xen 4.18 is shipped: its plan is read-only now (!stock --release 4.18 still shows it). Next: !release new VERSION --carry takes its unfinished features along.",
    );
    // Closed: nobody is reminded of 4.18 any more.
    await until("2023-11-17T10:00:00Z");
    expect(await say("!release new 4.19 --carry")).toBe(
      "Xen 4.19 is the current release now (was 4.18). Carried 2 unfinished features over from 4.18. Next: !add FEATURE and !milestone set feature-freeze DATE.",
    );
    expect(await say("!stock --release 4.18", GEORGE)).toBe(
      [
        "Xen 4.18: taking stock",
        "",
        "Shipped on 16 November 2023: this plan is read-only.",
        "",
        "5 features: 3 finished, 0 on track, 2 fair, 0 at risk.",
        "",
        "== Finished features ==",
        "",
        "* Python 3 fixes for tools",
        "  owner: Andrew Cooper",
        "* Non-truncating XENVER ops",
        "  owner: Andrew Cooper",
        "* Credit load balancing limit",
        "  owner: George Dunlap",
        "  status: v2 posted",
        "",
        "== Features marked as Fair ==",
        "",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "  status: v4 posted for 4.19",
        "* Debugging facility fixes",
        "  owner: Oleksii",
      ].join("\n"),
    );
    expect(await say("!stock", GEORGE)).toBe(
      [
        "Xen 4.19: taking stock",
        "",
        "2 features: 0 finished, 0 on track, 2 fair, 0 at risk.",
        "",
        "== Features marked as Fair ==",
        "",
        "* Revoke permissions on PCI detach",
        "  owner: Julien Grall",
        "  status: v4 posted for 4.19",
        "* Debugging facility fixes",
        "  owner: Oleksii",
      ].join("\n"),
    );
    expect(await say("!history Revoke permissions on PCI detach", GEORGE)).toMatch(/carried from 4\.18: Revoke permissions on PCI detach \(fair\)/);
    // The carried work goes stale fourteen days after the rollover, in 4.19.
    await until("2023-12-04T12:00:00Z");
    await bot.stop();

    // Every reminder of the cycle, once each, none in the quiet hours, none for the shipped release.
    expect(posts.filter((post) => post.text.includes(REMINDER)).map(nagLine)).toEqual([
      "2023-07-17T09:30:00.000Z Andrew Cooper: Python 3 fixes for tools: 14 days [fair]; Non-truncating XENVER ops: 14 days [at risk]",
      "2023-07-17T09:30:00.000Z Julien Grall: Revoke permissions on PCI detach: 14 days [fair]",
      "2023-07-17T09:30:00.000Z Oleksii: Debugging facility fixes: 14 days [fair]",
      "2023-07-24T11:00:00.000Z George Dunlap: Credit load balancing limit: 14 days [on track]",
      "2023-07-31T09:30:00.000Z Andrew Cooper: Python 3 fixes for tools: 28 days [fair]; Non-truncating XENVER ops: 28 days [at risk]",
      "2023-07-31T09:30:00.000Z Julien Grall: Revoke permissions on PCI detach: 28 days [fair]",
      "2023-07-31T09:30:00.000Z Oleksii: Debugging facility fixes: 28 days [fair]",
      "2023-08-07T11:00:00.000Z George Dunlap: Credit load balancing limit: 28 days [on track]",
      "2023-08-14T09:30:00.000Z Andrew Cooper: Python 3 fixes for tools: 42 days [fair]; Non-truncating XENVER ops: 42 days [at risk]",
      "2023-08-14T09:30:00.000Z Julien Grall: Revoke permissions on PCI detach: 42 days [fair]",
      "2023-08-14T09:30:00.000Z Oleksii: Debugging facility fixes: 42 days [fair]",
      "2023-08-21T11:00:00.000Z George Dunlap: Credit load balancing limit: 42 days [on track]",
      "2023-08-28T09:30:00.000Z Andrew Cooper: Python 3 fixes for tools: 56 days [fair]; Non-truncating XENVER ops: 56 days [at risk]",
      "2023-08-28T09:30:00.000Z Julien Grall: Revoke permissions on PCI detach: 56 days [fair]",
      "2023-08-28T09:30:00.000Z Oleksii: Debugging facility fixes: 56 days [fair]",
      "2023-09-04T11:00:00.000Z George Dunlap: Credit load balancing limit: 56 days [on track]",
      "2023-09-11T09:30:00.000Z Andrew Cooper: Python 3 fixes for tools: 70 days [fair]",
      "2023-09-11T09:30:00.000Z Oleksii: Debugging facility fixes: 70 days [fair]",
      "2023-09-18T10:00:00.000Z Julien Grall: Revoke permissions on PCI detach: 14 days [fair]",
      // Due at 10:30 BST on Monday 25 September, held by the mute until 13:00 on the 27th.
      "2023-09-27T12:00:00.000Z Oleksii: Debugging facility fixes: 86 days [fair]",
      "2023-10-02T10:00:00.000Z Julien Grall: Revoke permissions on PCI detach: 28 days [fair]",
      "2023-10-11T12:00:00.000Z Oleksii: Debugging facility fixes: 100 days [fair]",
      "2023-10-25T12:00:00.000Z Oleksii: Debugging facility fixes: 114 days [fair]",
      // Due at 00:30 BST on 29 October, in the quiet hours: sent at their end, 08:00 GMT now the clocks went back.
      "2023-10-29T08:00:00.000Z Julien Grall: Revoke permissions on PCI detach: 14 days [fair]",
      "2023-11-08T12:00:00.000Z Oleksii: Debugging facility fixes: 128 days [fair]",
      "2023-11-12T08:00:00.000Z Julien Grall: Revoke permissions on PCI detach: 28 days [fair]",
      "2023-12-01T10:00:00.000Z Julien Grall: Revoke permissions on PCI detach: 14 days [fair]",
      "2023-12-01T10:00:00.000Z Oleksii: Debugging facility fixes: 14 days [fair]",
    ]);
    // And every post once: the three restarts repeated nothing.
    expect(new Set(posts.map((post) => `${post.at} ${post.text}`)).size).toBe(posts.length);
    expect(posts.filter((post) => post.text.startsWith("Xen 4.18: taking stock, weekly summary")).map((post) => post.at.slice(0, 10))).toEqual(
      ["07-10", "07-17", "07-24", "07-31", "08-07", "08-14", "08-21", "08-28", "09-04", "09-11", "09-18", "10-02", "10-09", "10-16", "10-23", "10-30", "11-06", "11-13"].map((day) => `2023-${day}`),
    );
  }, 60_000);
});
