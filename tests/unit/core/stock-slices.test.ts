import { performance } from "node:perf_hooks";
import { setImmediate } from "node:timers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { BUCKETS } from "../../../src/model/buckets.js";
import { emptyState, type PlanState } from "../../../src/model/schema.js";
import type { Reply } from "../../../src/reply/reply.js";
import { ADMIN, FakeChat, FakeClock } from "../../support/fake-chat.js";
import { makeFeature } from "../../support/plan.js";

function largePlan(count: number): PlanState {
  const state = emptyState();
  const features = Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, makeFeature(`f${i}`, { title: `Feature number ${i}`, bucket: BUCKETS[i % 4]!, order: i })]));
  state.projects["xen"] = {
    id: "xen",
    name: "Xen",
    currentRelease: "4.3",
    lastStockAt: null,
    createdAt: "2013-01-01T00:00:00Z",
    createdBy: "test",
    releases: { "4.3": { id: "4.3", cycleMonths: 9, cycleStart: "2012-09-17", milestones: [], createdAt: "2013-01-01T00:00:00Z", createdBy: "test", features } },
  };
  return state;
}

/** The at-risk count the summary's first lines give, and the items its at-risk section lists. */
function atRisk(reply: Reply): { counted: number; listed: number } {
  const tally = reply.blocks.map((block) => (block.type === "text" ? JSON.stringify(block.text) : "")).join(" ");
  const counted = Number(/(\d+) at risk/.exec(tally)?.[1]);
  const listed = reply.blocks.flatMap((block) => (block.type === "sections" ? block.sections : [])).find((section) => section.bucket === "at-risk")?.items.length ?? 0;
  return { counted, listed };
}

describe("!stock built in slices (issue 13, item 4)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers from one plan when a change lands while it is being built: its counts and its lists agree", async () => {
    const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
    const chat = new FakeChat({ clock, store: new MemoryStore(clock, largePlan(1_200)) });
    // Every slice seems to last 10 ms: the summary gives the loop a turn after every step.
    let now = performance.now();
    vi.spyOn(performance, "now").mockImplementation(() => (now += 10));
    const stock = chat.bot.handle({ text: "!stock full", invoker: ADMIN, conversation: chat.conversation });
    // Runs at the summary's first turn: f0 is finished, and becomes at risk.
    let moved: Promise<unknown> | undefined;
    setImmediate(() => (moved = chat.bot.handle({ text: "!status f0 at-risk", invoker: ADMIN, conversation: chat.conversation })));
    const reply = (await stock)!;
    await moved;
    expect(moved).toBeDefined();
    const { counted, listed } = atRisk(reply);
    expect(counted).toBe(listed);
    // The change was made before the summary was done, so it is the plan after the change.
    expect(listed).toBe(301);
  });

  it("a summary nothing changed under is the one built at once", async () => {
    const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
    const chat = new FakeChat({ clock, store: new MemoryStore(clock, largePlan(1_200)) });
    const atOnce = await chat.say("!stock full");
    let now = performance.now();
    vi.spyOn(performance, "now").mockImplementation(() => (now += 10));
    expect(await chat.say("!stock full")).toBe(atOnce);
    expect(atRisk(chat.last!)).toEqual({ counted: 300, listed: 300 });
  });
});
