import { describe, expect, it } from "vitest";
import { addMonths, dateInZone, endOfDate, formatLongDate, formatShortDate, monthsBetween, parseDate, parseSince, relativeDays } from "../../../src/util/dates.js";
import { cycleMonth, describeSchedule, milestoneName, nextMilestone } from "../../../src/plan/schedule.js";
import type { Milestone } from "../../../src/model/schema.js";

describe("dates", () => {
  it.each([
    ["2013-03-25", "2013-03-25"],
    ["25 March 2013", "2013-03-25"],
    ["25 Mar 2013", "2013-03-25"],
    ["March 25, 2013", "2013-03-25"],
    ["Mar 25th 2013", "2013-03-25"],
    ["Fri Oct 6, 2023", "2023-10-06"],
    ["Friday, 6 October 2023", "2023-10-06"],
    ["today", "2013-01-23"],
    ["tomorrow", "2013-01-24"],
    ["+14d", "2013-02-06"],
    ["+2w", "2013-02-06"],
    ["2013-02-30", undefined],
    ["31 June 2013", undefined],
    ["someday", undefined],
    ["Ma 25 2013", undefined],
  ])("parseDate(%j)", (text, expected) => {
    expect(parseDate(text, "2013-01-23")).toBe(expected);
  });

  it("reads --since spans and dates", () => {
    const now = new Date("2013-01-23T12:00:00Z");
    expect(parseSince("7d", now)?.toISOString()).toBe("2013-01-16T12:00:00.000Z");
    expect(parseSince("2w", now)?.toISOString()).toBe("2013-01-09T12:00:00.000Z");
    expect(parseSince("2013-01-01", now)?.toISOString()).toBe("2013-01-01T00:00:00.000Z");
    expect(parseSince("nope", now)).toBeUndefined();
  });

  it("formats as release mails do", () => {
    expect(formatLongDate("2013-03-25")).toBe("25 March 2013");
    expect(formatShortDate("2013-03-25")).toBe("Mon 25 Mar 2013");
    expect(relativeDays(61)).toBe("in 61 days");
    expect(relativeDays(1)).toBe("tomorrow");
    expect(relativeDays(-3)).toBe("3 days ago");
  });

  it("counts months and clamps month ends", () => {
    expect(monthsBetween("2012-09-17", "2013-01-23")).toBe(4);
    expect(monthsBetween("2012-09-17", "2013-01-16")).toBe(3);
    expect(addMonths("2013-01-31", 1)).toBe("2013-02-28");
  });

  it("ends a date in its own zone, with AoE last of all", () => {
    expect(endOfDate("2013-03-25", "UTC").toISOString()).toBe("2013-03-26T00:00:00.000Z");
    expect(endOfDate("2013-03-25", "AoE").toISOString()).toBe("2013-03-26T12:00:00.000Z");
    expect(endOfDate("2013-03-25", "Asia/Tokyo").toISOString()).toBe("2013-03-25T15:00:00.000Z");
    // London switched to summer time on 31 March 2013.
    expect(endOfDate("2013-03-31", "Europe/London").toISOString()).toBe("2013-03-31T23:00:00.000Z");
    expect(endOfDate("2013-03-30", "Europe/London").toISOString()).toBe("2013-03-31T00:00:00.000Z");
    expect(dateInZone(new Date("2013-03-26T11:00:00Z"), "AoE")).toBe("2013-03-25");
  });
});

describe("schedule", () => {
  const freeze: Milestone = { key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "AoE" };
  const release = { id: "4.3", createdAt: "", createdBy: "", cycleMonths: 9, cycleStart: "2012-09-17", milestones: [freeze, { key: "rc1", label: "RC1", date: "2013-05-06", timeZone: "UTC" }] };

  it("names milestones the way people write them", () => {
    expect(milestoneName("Feature freeze")).toEqual({ key: "feature-freeze", label: "Feature freeze" });
    expect(milestoneName("ff")).toEqual({ key: "feature-freeze", label: "Feature freeze" });
    expect(milestoneName("Code freezing point")).toEqual({ key: "code-freeze", label: "Code freeze" });
    expect(milestoneName("First RC")).toEqual({ key: "rc1", label: "RC1" });
    expect(milestoneName("rc 3")).toEqual({ key: "rc3", label: "RC3" });
    expect(milestoneName("Doc sprint")).toEqual({ key: "doc-sprint", label: "Doc sprint" });
    expect(milestoneName("!!!")).toBeUndefined();
  });

  it("says where the release stands", () => {
    expect(describeSchedule(release, new Date("2013-01-23T12:00:00Z"))).toBe(
      "Month 4 of 9, feature freeze in 61 days (25 March 2013, AoE)",
    );
    expect(cycleMonth(release, new Date("2012-09-18T00:00:00Z"))).toEqual({ month: 1, of: 9 });
  });

  it("keeps an AoE freeze open until the date has ended everywhere", () => {
    // 11:59 UTC on 26 March is still 25 March in UTC-12.
    expect(nextMilestone(release, new Date("2013-03-26T11:59:00Z"))?.milestone.key).toBe("feature-freeze");
    expect(nextMilestone(release, new Date("2013-03-26T11:59:00Z"))?.days).toBe(0);
    expect(nextMilestone(release, new Date("2013-03-26T12:00:00Z"))?.milestone.key).toBe("rc1");
    expect(nextMilestone(release, new Date("2013-06-01T00:00:00Z"))).toBeUndefined();
  });
});
