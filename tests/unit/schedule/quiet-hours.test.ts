import { describe, expect, it } from "vitest";
import { ConfigSubscriptionSchema } from "../../../src/config/core-config.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { parseQuietHours, quietWindowAt } from "../../../src/schedule/quiet-hours.js";
import { configProblems } from "../../support/config-problems.js";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

const ROOM = "matrix:!xen:xen.org";

function window(hours: string, zone: string, at: string): { start: string; end: string } | undefined {
  const found = quietWindowAt(parseQuietHours(hours)!, zone, new Date(at));
  return found && { start: found.start.toISOString(), end: found.end.toISOString() };
}

describe("quiet hours, on the room's calendar", () => {
  it("span midnight and keep to the local clock when Europe/London leaves summer time (29 October 2023)", () => {
    // 22:00 BST is 21:00 UTC; the clocks go back at 01:00 UTC, so 08:00 the next morning is 08:00 UTC.
    const night = { start: "2023-10-28T21:00:00.000Z", end: "2023-10-29T08:00:00.000Z" };
    expect(window("22:00-08:00", "Europe/London", "2023-10-28T20:59:00Z")).toBeUndefined();
    expect(window("22:00-08:00", "Europe/London", "2023-10-28T21:00:00Z")).toEqual(night);
    expect(window("22:00-08:00", "Europe/London", "2023-10-29T01:30:00Z")).toEqual(night);
    // 07:30 UTC is 07:30 GMT: still quiet, though it would be 08:30 on the summer clock.
    expect(window("22:00-08:00", "Europe/London", "2023-10-29T07:30:00Z")).toEqual(night);
    expect(window("22:00-08:00", "Europe/London", "2023-10-29T08:00:00Z")).toBeUndefined();
    // The night before, still in summer time, ended an hour earlier in UTC.
    expect(window("22:00-08:00", "Europe/London", "2023-10-28T07:30:00Z")).toBeUndefined();
    expect(window("22:00-08:00", "Europe/London", "2023-10-28T06:59:00Z")).toEqual({ start: "2023-10-27T21:00:00.000Z", end: "2023-10-28T07:00:00.000Z" });
  });

  it("keep to the local clock when summer time starts, and in America/New_York", () => {
    // 26 March 2023: 22:00 GMT, then 08:00 BST (07:00 UTC): a night an hour shorter.
    expect(window("22:00-08:00", "Europe/London", "2023-03-26T06:30:00Z")).toEqual({ start: "2023-03-25T22:00:00.000Z", end: "2023-03-26T07:00:00.000Z" });
    // 5 November 2023: 21:00 EDT (01:00 UTC) to 07:00 EST (12:00 UTC).
    expect(window("21:00-07:00", "America/New_York", "2023-11-05T11:30:00Z")).toEqual({ start: "2023-11-05T01:00:00.000Z", end: "2023-11-05T12:00:00.000Z" });
    expect(window("21:00-07:00", "America/New_York", "2023-11-05T12:00:00Z")).toBeUndefined();
  });

  it("may also be a window within one day", () => {
    expect(window("12:00-13:30", "Asia/Tokyo", "2023-10-29T03:15:00Z")).toEqual({ start: "2023-10-29T03:00:00.000Z", end: "2023-10-29T04:30:00.000Z" });
    expect(window("12:00-13:30", "Asia/Tokyo", "2023-10-29T04:30:00Z")).toBeUndefined();
    expect(window("12:00-13:30", "Asia/Tokyo", "2023-10-29T02:59:00Z")).toBeUndefined();
  });

  it("are checked in the config, with the key path and the form expected", () => {
    const at = (quietHours: unknown) => configProblems({ schedule: { subscriptions: { [ROOM]: { zone: "Europe/London", quietHours } } } });
    expect(at("22:00-08:00")).toEqual([]);
    expect(at(" 9:00 - 17:30 ")).toEqual([]);
    const form = 'expected a window of local time such as "22:00-08:00" (24-hour, start-end; it may span midnight)';
    expect(at("22-8")).toEqual([`schedule.subscriptions.${ROOM}.quietHours: found "22-8"; ${form}`]);
    expect(at("22:00-24:00")).toEqual([`schedule.subscriptions.${ROOM}.quietHours: found "22:00-24:00"; ${form}`]);
    expect(at("08:00-08:00")).toEqual([
      `schedule.subscriptions.${ROOM}.quietHours: found "08:00-08:00"; expected a window whose start and end differ (the same time twice would be quiet all day, and no reminder would ever be sent)`,
    ]);
    expect(at(22)).toEqual([`schedule.subscriptions.${ROOM}.quietHours: found 22; expected a window of local time such as "22:00-08:00"`]);
  });
});

/** A room with reminders on, subscribed by config with quiet hours; features made at `start`. */
async function room(zone: string, quietHours: string, start: string) {
  const clock = new FakeClock(new Date(start));
  const chat = new FakeChat({
    clock,
    conversation: ROOM,
    config: {
      people: { george: { name: "George Dunlap", matrix: "@george:xen.org" } },
      schedule: { graceHours: 6, tightenDays: 7, subscriptions: { [ROOM]: ConfigSubscriptionSchema.parse({ cadence: "weekly", zone, quietHours }) } },
    },
  });
  await chat.setup("!project new xen Xen", "!release new 4.18", "!add blktap3 --owner george --bucket at risk");
  await chat.say("!nag on", RM);
  const timer = new FakeTimer(clock);
  const nags: { at: string; text: string }[] = [];
  const send = async (_conversation: string, reply: Parameters<typeof renderPlain>[0]) => {
    const text = renderPlain(reply);
    if (text.includes("a polite reminder")) nags.push({ at: clock.now().toISOString(), text });
  };
  let scheduler = chatScheduler(chat, timer, send);
  chat.bot.onChange(() => scheduler.reschedule());
  const advance = (to: string) => timer.advanceTo(new Date(to), () => scheduler.settled());
  const restart = async () => {
    await scheduler.stop();
    scheduler = chatScheduler(chat, timer, send);
    await scheduler.start();
  };
  return { chat, clock, nags, advance, restart, start: () => scheduler.start(), stop: () => scheduler.stop() };
}

describe("reminders in quiet hours", () => {
  it("wait for the window's end, at 08:00 on the room's clock before and after the clocks go back", async () => {
    // Made at 00:00 BST on 1 October: stale at 00:00 BST on 15 October, in the quiet hours.
    const { nags, advance, start, stop } = await room("Europe/London", "22:00-08:00", "2023-09-30T23:00:00Z");
    await start();
    await advance("2023-10-15T06:59:00Z");
    expect(nags).toEqual([]);
    await advance("2023-10-15T07:00:00Z");
    expect(nags.map((nag) => nag.at)).toEqual(["2023-10-15T07:00:00.000Z"]);
    // Fourteen days later is 07:00 UTC on 29 October: 07:00 GMT now, still quiet, so 08:00 GMT.
    await advance("2023-10-29T07:59:00Z");
    expect(nags).toHaveLength(1);
    await advance("2023-11-12T12:00:00Z");
    expect(nags.map((nag) => nag.at)).toEqual(["2023-10-15T07:00:00.000Z", "2023-10-29T08:00:00.000Z", "2023-11-12T08:00:00.000Z"]);
    expect(nags[1]!.text).toBe(
      "George Dunlap, a polite reminder: 1 of your items has had no update for 14 days or more. A word on where it stands (!status FEATURE BUCKET or !note FEATURE: TEXT) keeps the plan true.\n\n* blktap3: 28 days [at risk]",
    );
    await stop();
  });

  it("are neither dropped nor doubled by a restart during the window", async () => {
    const { nags, advance, restart, stop } = await room("America/New_York", "21:00-06:45", "2023-10-22T06:00:00Z");
    await restart();
    // Stale at 06:00 UTC on 5 November: 01:00 EST, after the clocks went back, in the quiet hours.
    await advance("2023-11-05T09:00:00Z");
    expect(nags).toEqual([]);
    await restart();
    await restart();
    await advance("2023-11-05T11:44:00Z");
    expect(nags).toEqual([]);
    await advance("2023-11-06T11:00:00Z");
    // 06:45 EST is 11:45 UTC (on the summer clock the window would have ended at 10:45 UTC): sent
    // when the window ends, not at the next hourly look.
    expect(nags.map((nag) => nag.at)).toEqual(["2023-11-05T11:45:00.000Z"]);
    await stop();
  });

  it("follow the zone the room chose, and a mute ending in the window holds them to its end", async () => {
    // Stale at 04:00 UTC on 15 October: 13:00 in Tokyo, 05:00 in London (quiet there).
    const { chat, clock, nags, advance, start, stop } = await room("Europe/London", "22:00-08:00", "2023-10-01T04:00:00Z");
    // The room counts in Tokyo: its quiet hours are 13:00-23:00 UTC.
    await chat.setup("!countdown on weekly Asia/Tokyo");
    clock.set("2023-10-01T14:00:00Z");
    expect(await chat.say("!countdown mute 14d", RM)).toBe("Muted until Sun 15 Oct 2023 23:00 Asia/Tokyo. !countdown unmute ends it sooner.");
    await start();
    await advance("2023-10-15T22:59:00Z");
    expect(nags).toEqual([]);
    await advance("2023-10-16T00:00:00Z");
    expect(nags.map((nag) => nag.at)).toEqual(["2023-10-15T23:00:00.000Z"]);
    expect(await chat.say("!nag", MAINTAINER)).toBe("Reminders are on here: at most one per owner every 14 days; 1 owner has stale items: George Dunlap.");
    await stop();
  });
});
