import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LateWatch } from "../../../adapters/discord/late-watch.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("LateWatch: which answers are late", () => {
  it("says so for a wait not done when its time is up, and never for one done before", () => {
    const watch = new LateWatch(1_500);
    const late: string[] = [];
    const slow = watch.watch(() => late.push("slow"));
    const quick = watch.watch(() => late.push("quick"));
    vi.advanceTimersByTime(1_000);
    quick.done();
    vi.advanceTimersByTime(499);
    expect(late).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(late).toEqual(["slow"]);
    slow.done();
    vi.advanceTimersByTime(10_000);
    expect(late).toEqual(["slow"]);
  });

  it("gives each wait its own deadline, counted from when it started", () => {
    const watch = new LateWatch(1_500);
    const late: string[] = [];
    watch.watch(() => late.push("first"));
    vi.advanceTimersByTime(400);
    const second = watch.watch(() => late.push("second"));
    vi.advanceTimersByTime(700);
    watch.watch(() => late.push("third"));
    vi.advanceTimersByTime(400);
    expect(late).toEqual(["first"]);
    vi.advanceTimersByTime(399);
    expect(late).toEqual(["first"]);
    vi.advanceTimersByTime(1);
    expect(late).toEqual(["first", "second"]);
    second.done();
    vi.advanceTimersByTime(700);
    expect(late).toEqual(["first", "second", "third"]);
  });

  it("starts over after every wait is done or due, and calls nothing once stopped", () => {
    const watch = new LateWatch(100);
    const late: string[] = [];
    watch.watch(() => late.push("a")).done();
    vi.advanceTimersByTime(1_000);
    watch.watch(() => late.push("b"));
    vi.advanceTimersByTime(100);
    expect(late).toEqual(["b"]);
    watch.watch(() => late.push("c"));
    watch.stop();
    vi.advanceTimersByTime(1_000);
    expect(late).toEqual(["b"]);
  });
});
