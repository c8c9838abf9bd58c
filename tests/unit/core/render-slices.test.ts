import { setImmediate } from "node:timers";
import { describe, expect, it } from "vitest";
import { renderReply, renderReplyInSlices, renderReplySoon } from "../../../adapters/discord/render.js";
import { renderForMatrix, renderForMatrixInSlices } from "../../../adapters/matrix/render.js";
import { BUCKETS } from "../../../src/model/buckets.js";
import type { Project, Release } from "../../../src/model/schema.js";
import { stockReply } from "../../../src/plan/stock-summary.js";
import { renderInSlices, renderSoon } from "../../../src/reply/in-slices.js";
import { renderIrc, renderIrcSteps } from "../../../src/reply/render-irc.js";
import type { Reply } from "../../../src/reply/reply.js";
import { runAtOnce, runInSlices, runSoon, type Steps } from "../../../src/util/steps.js";
import { makeFeature } from "../../support/plan.js";

/** A summary of a large release, as `!stock` gives it. */
function largeSummary(count: number): Reply {
  const features = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `f${i}`,
      makeFeature(`f${i}`, { title: `Feature number ${i}`, bucket: BUCKETS[i % 4]!, order: i, owners: i % 3 === 0 ? [`owner${i % 50}`] : [], note: i % 5 === 0 ? `status note for ${i}` : null }),
    ]),
  );
  const release: Release = { id: "4.3", cycleMonths: 9, cycleStart: "2012-09-17", milestones: [], createdAt: "2013-01-01T00:00:00Z", createdBy: "test", features };
  const project: Project = { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: "2013-01-01T00:00:00Z", createdBy: "test", releases: { "4.3": release } };
  return { ...stockReply(project, release, new Date("2013-02-23T12:00:00Z"), { staleDays: 14 }), full: true };
}

/** Counts the turns the event loop takes while `work` runs: a callback re-scheduled each turn. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let watching = true;
  const tick = () => {
    turns++;
    if (watching) setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  watching = false;
  return { value, turns };
}

function* counting(steps: number): Steps<number> {
  for (let i = 0; i < steps; i++) yield;
  return steps;
}

describe("work in slices", () => {
  it("gives the event loop a turn between slices, and returns what running it at once returns", async () => {
    // A slice of 0 ms ends after every step: each step is followed by a turn of the loop.
    const { value, turns } = await turnsDuring(() => runInSlices(counting(50), { sliceMs: 0 }));
    expect(value).toBe(50);
    expect(turns).toBeGreaterThanOrEqual(50);
    expect(runAtOnce(counting(50))).toBe(50);
  });

  it("runs work that fits in a slice without waiting for a turn", async () => {
    const { value, turns } = await turnsDuring(() => runInSlices(counting(3), { sliceMs: 60_000 }));
    expect(value).toBe(3);
    expect(turns).toBe(0);
  });

  it("runSoon: work done within its first slice comes back as the value itself; longer work in slices, as runInSlices gives it", async () => {
    expect(runSoon(counting(3), { sliceMs: 60_000 })).toBe(3);
    const later = runSoon(counting(50), { sliceMs: 0 });
    expect(later).toBeInstanceOf(Promise);
    const { value, turns } = await turnsDuring(() => Promise.resolve(later));
    expect(value).toBe(50);
    expect(turns).toBeGreaterThanOrEqual(49);
    // A large reply still gives the loop a turn before it starts.
    expect(runSoon(counting(3), { sliceMs: 60_000, yieldFirst: true })).toBeInstanceOf(Promise);
  });

  it("runSoon with yieldFirst gives the loop a turn before the first step", async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    let stepped = false;
    function* watched(): Steps<boolean> {
      stepped = true;
      yield;
      return ran;
    }
    const soon = runSoon(watched(), { yieldFirst: true, sliceMs: 60_000 });
    expect(stepped).toBe(false);
    expect(await soon).toBe(true);
  });
});

describe("platform renders of a large summary (issue 13, item 4)", () => {
  const reply = largeSummary(3_000);
  const irc = { lineBudget: 8, prefix: "!", maxLineLength: 400 };
  const cases: [string, () => Promise<unknown>, () => unknown][] = [
    ["Matrix", () => renderForMatrixInSlices(reply, { msgtype: "notice" }), () => renderForMatrix(reply, { msgtype: "notice" })],
    ["Matrix bridged to IRC", () => renderForMatrixInSlices(reply, { msgtype: "notice", irc: { ...irc, linesPerMessage: 5 } }), () => renderForMatrix(reply, { msgtype: "notice", irc: { ...irc, linesPerMessage: 5 } })],
    ["Discord embeds", () => renderReplyInSlices(reply, { embeds: true, slashHints: true, prefix: "!" }), () => renderReply(reply, { embeds: true, slashHints: true, prefix: "!" })],
    ["Discord embeds, as the adapter renders", () => Promise.resolve(renderReplySoon(reply, { embeds: true, slashHints: true, prefix: "!" })), () => renderReply(reply, { embeds: true, slashHints: true, prefix: "!" })],
    ["Discord markdown", () => renderReplyInSlices(reply, { embeds: false, slashHints: true, prefix: "!" }), () => renderReply(reply, { embeds: false, slashHints: true, prefix: "!" })],
    ["IRC", () => renderInSlices(reply, renderIrcSteps(reply, irc)), () => renderIrc(reply, irc)],
    ["IRC, rendered soon", () => Promise.resolve(renderSoon(reply, renderIrcSteps(reply, irc))), () => renderIrc(reply, irc)],
  ];

  it.each(cases)("%s: a callback scheduled before the render runs before the render is done, and the render is the same", async (_, inSlices, atOnce) => {
    let ran = false;
    setImmediate(() => (ran = true));
    const rendered = await inSlices();
    expect(ran).toBe(true);
    expect(rendered).toEqual(atOnce());
  });

  it("a short reply is rendered without waiting for the loop", async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    const [event] = await renderForMatrixInSlices({ tone: "ok", blocks: [{ type: "text", text: "blktap3: fair → at risk" }] }, { msgtype: "notice" });
    expect(event?.body).toBe("blktap3: fair → at risk");
    expect(ran).toBe(false);
  });

  it("a short Discord reply comes back rendered, not as a promise", () => {
    const rendered = renderReplySoon({ tone: "ok", blocks: [{ type: "text", text: "blktap3: fair → at risk" }] }, { embeds: true, slashHints: true, prefix: "!" });
    expect(rendered).toEqual([{ content: "blktap3: fair → at risk", allowedMentions: { parse: [] } }]);
  });
});
