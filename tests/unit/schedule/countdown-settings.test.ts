import { describe, expect, it } from "vitest";
import { countdownSettingsOf, SETTING, subscriptionOf, subscriptionSettings } from "../../../src/schedule/subscription.js";

const WEEKLY = { cadence: "weekly", day: "fri", time: "16:00", zone: "AoE" } as const;

describe("the countdown's stored settings", () => {
  it("read back what the commands write, typed, beside other owners' keys", () => {
    const stored = { ...subscriptionSettings(WEEKLY), [SETTING.mutedUntil]: "2026-03-01T09:00:00.000Z", msgtype: "text" };
    expect(countdownSettingsOf(stored)).toEqual({ state: "on", subscription: WEEKLY, mutedUntil: new Date("2026-03-01T09:00:00.000Z"), lastSlot: undefined });
  });

  it("read a hand-edited value as unset, and an invalid subscription as none of the room's own", () => {
    const stored = { [SETTING.state]: "on", [SETTING.cadence]: "hourly", [SETTING.lastSlot]: "yesterday", [SETTING.mutedUntil]: 3 };
    expect(countdownSettingsOf(stored)).toEqual({ state: "on", subscription: undefined, mutedUntil: undefined, lastSlot: undefined });
    expect(subscriptionOf(stored, WEEKLY)).toEqual(WEEKLY);
    expect(subscriptionOf({ [SETTING.state]: "off" }, WEEKLY)).toBeUndefined();
    expect(countdownSettingsOf(undefined).state).toBeUndefined();
  });
});
