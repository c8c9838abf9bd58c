import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKETS } from "../../../src/model/buckets.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { BucketSeries, trackBucketSeries } from "../../../src/plan/bucket-series.js";
import { bucketCounts } from "../../../src/plan/summary.js";
import type { PlanStore } from "../../../src/ports.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";
import { plainText } from "../../../src/reply/inline.js";

async function xenRoom(): Promise<FakeChat> {
  const chat = new FakeChat();
  const imported = await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  await chat.setup("!project use xen");
  return chat;
}

async function replayed(store: PlanStore): Promise<BucketSeries> {
  const series = new BucketSeries();
  for await (const event of store.events()) series.apply(event);
  return series;
}

const release = (chat: FakeChat) => chat.store.read().projects["xen"]!.releases["4.3"]!;

describe("the bucket series", () => {
  it("counts the imported plan as bucketCounts does: sub-items count, their parents do not", async () => {
    const chat = await xenRoom();
    const series = await replayed(chat.store);
    expect(series.counts("xen", "4.3")).toEqual(bucketCounts(release(chat)));
    expect(series.points("xen", "4.3")).toEqual([{ date: "2013-01-23", counts: bucketCounts(release(chat)) }]);
    expect(series.points("xen", "4.4")).toEqual([]);
  });

  it("keeps one point per day, the day's last counts, and none for changes that move no count", async () => {
    const chat = await xenRoom();
    const first = bucketCounts(release(chat));
    chat.clock.advance(86_400_000);
    await chat.setup("!status blktap3 fair", "!status blktap3 on-track");
    const second = bucketCounts(release(chat));
    chat.clock.advance(86_400_000);
    await chat.setup("!owner blktap3 Thanos", "!note blktap3: rebased");
    chat.clock.advance(86_400_000);
    await chat.setup("!status blktap3 fair", "!status blktap3 on-track");
    const series = await replayed(chat.store);
    expect(series.points("xen", "4.3")).toEqual([
      { date: "2013-01-23", counts: first },
      { date: "2013-01-24", counts: second },
      // The 26th ended as the 24th did: its point says so, the 25th (owner and note only) has none.
      { date: "2013-01-26", counts: second },
    ]);
    expect(second["at-risk"]).toBe(first["at-risk"] - 1);
    expect(second["on-track"]).toBe(first["on-track"] + 1);
  });

  it("agrees with bucketCounts after any sequence of moves, re-parenting, removals and undos", async () => {
    const ids = Object.keys(release(await xenRoom()).features).slice(0, 12);
    const command = fc.oneof(
      fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...BUCKETS)).map(([id, bucket]) => `!status ${id} ${bucket}`),
      fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids, "top")).map(([id, parent]) => `!move ${id} under ${parent}`),
      fc.constantFrom(...ids).map((id) => `!move ${id} top`),
      fc.constantFrom(...ids).map((id) => `!remove ${id} --yes`),
      fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom(...ids), fc.constantFrom(...BUCKETS)).map(([n, parent, bucket]) => `!add "New item ${n}" --under ${parent} --bucket ${bucket}`),
      fc.constant("!undo"),
    );
    const done = new Map<string, number>();
    await fc.assert(
      // Each run starts from the imported plan, so removals in one run cannot starve the next.
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 12 }), async (commands) => {
        const chat = await xenRoom();
        const live = await trackBucketSeries(chat.store, (listener) => chat.bot.onChange(listener));
        for (const text of commands) {
          await chat.say(text);
          if (chat.last?.tone !== "error") done.set(text.split(" ")[0]!, (done.get(text.split(" ")[0]!) ?? 0) + 1);
          chat.clock.advance(3_600_000);
        }
        live.stop();
        const expected = bucketCounts(release(chat));
        expect(live.series.counts("xen", "4.3")).toEqual(expected);
        expect(live.series.points("xen", "4.3").at(-1)?.counts).toEqual(expected);
        expect((await replayed(chat.store)).counts("xen", "4.3")).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    // The commands really changed things, of every kind.
    for (const name of ["!status", "!move", "!remove", "!add", "!undo"]) expect(done.get(name) ?? 0, name).toBeGreaterThan(5);
  });

  it("folds in changes committed while the history was being read, once each", async () => {
    const chat = await xenRoom();
    let release43Changed = false;
    const store: Pick<PlanStore, "events"> = {
      async *events(fromSeq) {
        for await (const event of chat.store.events(fromSeq)) {
          yield event;
          if (!release43Changed) {
            release43Changed = true;
            // Committed mid-pass: not in this pass, so it must come through the listener.
            await chat.setup("!status blktap3 done");
          }
        }
      },
    };
    const live = await trackBucketSeries(store, (listener) => chat.bot.onChange(listener));
    expect(live.series.counts("xen", "4.3")).toEqual(bucketCounts(release(chat)));
    expect(live.series.lastSeq).toBe(chat.store.read().seq);
    await chat.setup("!status blktap3 fair");
    expect(live.series.counts("xen", "4.3")).toEqual(bucketCounts(release(chat)));
    live.stop();
    await chat.setup("!status blktap3 at-risk");
    expect(live.series.counts("xen", "4.3")["at-risk"]).toBe(bucketCounts(release(chat))["at-risk"] - 1);
  });
});
