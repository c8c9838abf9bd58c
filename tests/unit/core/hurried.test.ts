import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_MAIL, loadDemo } from "../../../src/demo.js";
import type { Feature } from "../../../src/model/schema.js";
import { FakeChat } from "../../support/fake-chat.js";

// Issue 10, "go past the list": each command of the README's table as a hurried person types it
// (extra spaces, a trailing full stop, wrong case, a plural, an alias of the command, the bucket
// first) does the obvious thing, or says exactly what to type.
async function demo() {
  const chat = new FakeChat();
  const report = await loadDemo(chat.store, readFileSync(DEMO_MAIL, "utf8"), chat.clock);
  if (!report.ok) throw new Error(JSON.stringify(report.error));
  await chat.setup("!bind xen");
  return chat;
}

const feature = (chat: FakeChat, id: string): Feature | undefined => chat.store.read().projects["xen"]!.releases["4.3"]!.features[id];

type Check = (chat: FakeChat) => void;
const bucket = (id: string, expected: string): Check => (chat) => expect(feature(chat, id)?.bucket).toBe(expected);

/** [what is typed, the start of the answer, what the store then holds]. */
const CASES: [string, RegExp, Check?][] = [
  // !status
  ["!status blktap3 fair", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!status   blktap3    fair  ", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!status blktap3 fair.", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!Status BLKTAP3 FAIR", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!status blktap3 on track", /^\* blktap3: at risk → on track/, bucket("blktap3", "on-track")],
  ["!status fair blktap3", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!status on track blktap3", /^\* blktap3: at risk → on track/, bucket("blktap3", "on-track")],
  ["!statuses blktap3 fair", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!set blktap3 yellow", /^\* blktap3: at risk → fair/, bucket("blktap3", "fair")],
  ["!status blktap3 probably", /is not a bucket; use one of: done, on-track, fair, at-risk, deferred, dropped\nUsage: !status FEATURE /, bucket("blktap3", "at-risk")],
  // !stock
  ["!stock.", /^Xen 4\.3: taking stock/],
  ["!Stock", /^Xen 4\.3: taking stock/],
  ["!stocks", /^Xen 4\.3: taking stock/],
  ["!stock at-risk.", /^Xen 4\.3: taking stock, at risk only\n/],
  ["!stock  at risk", /^Xen 4\.3: taking stock, at risk only\n/],
  // !add, !remove, !rename
  ["!add Nested virtualization --owner George Dunlap.", /^\* Added Nested virtualization/, (chat) => expect(feature(chat, "nested-virtualization")?.owners).toEqual(["George Dunlap"])],
  ["!remove blktap3.", /^This removes blktap3 from 4\.3\. To confirm, say !yes/, (chat) => expect(feature(chat, "blktap3")).toBeDefined()],
  ["!rename blktap3 to blktap 3.", /^\* Renamed blktap3 → blktap 3\./, (chat) => expect(feature(chat, "blktap3")?.title).toBe("blktap 3")],
  // !owner, !note, !alias, !link
  ["!owner blktap3 George Dunlap.", /^\* blktap3: owner George Dunlap/, (chat) => expect(feature(chat, "blktap3")?.owners).toEqual(["George Dunlap"])],
  ["!owners blktap3 George", /^\* blktap3: owner George/, (chat) => expect(feature(chat, "blktap3")?.owners).toEqual(["George"])],
  ["!notes blktap3: waiting on review.", /^\* blktap3: waiting on review\./, (chat) => expect(feature(chat, "blktap3")?.note).toBe("waiting on review.")],
  ["!note blktap3 --clear.", /^blktap3 has no note to clear\./, (chat) => expect(feature(chat, "blktap3")?.note).toBeNull()],
  ["!aliases blktap3 bt3.", /^\* blktap3 can now be called “bt3”/, (chat) => expect(feature(chat, "blktap3")?.aliases).toContain("bt3")],
  ["!links blktap3 https://example.org/series.", /^\* blktap3: link added/, (chat) => expect(feature(chat, "blktap3")?.links).toEqual(["https://example.org/series"])],
  // !move, !defer
  ["!move blktap3 to top", /^blktap3 is already a feature of its own/],
  ["!move blktap3 top.", /^blktap3 is already a feature of its own/],
  ["!defer blktap3 4.4.", /^Xen has no release 4\.4\. Start it first with !release new 4\.4\./],
  // reads
  ["!show blktap3.", /^\* blktap3 — Xen 4\.3 \[at risk\]/],
  ["!show blktap3?", /^\* blktap3 — Xen 4\.3 \[at risk\]/],
  ["!SHOW “blktap3”", /^\* blktap3 — Xen 4\.3 \[at risk\]/],
  ["!history blktap3.", /^History of blktap3/],
  ["!histroy", /^There is no command !histroy\. Did you mean !history\?/],
  ["!schedule.", /^Xen 4\.3 schedule/],
  ["!milestones", /^Xen 4\.3 schedule/],
  ["!freeze.", /^Xen 4\.3: Feature freeze in 61 days/],
  ["!countdown preview.", /^This room is not subscribed; with !countdown on it would get/],
  ["!release list.", /^\* 4\.3: 40 features/],
  ["!releases", /^\* 4\.3: 40 features/],
  ["!projects.", /^\* Xen \(xen\), release 4\.3 — this room/],
  ["!export markdown.", /^# Xen 4\.3: taking stock/],
  ["!export md", /^# Xen 4\.3: taking stock/],
  ["!room.", /^\* Project: xen/],
  ["!help status.", /^Usage: !status FEATURE /],
  ["!help !status", /^Usage: !status FEATURE /],
  ["!Help Status", /^Usage: !status FEATURE /],
  ["!undo.", /^You have no change here to undo/],
  ["!yes.", /^Nothing is waiting for your !yes here/],
];

describe("commands as a hurried person types them", () => {
  it.each(CASES)("%s", async (typed, answer, check) => {
    const chat = await demo();
    expect(await chat.say(typed)).toMatch(answer);
    check?.(chat);
  });

  it("a switch said last loses its full stop", async () => {
    const chat = await demo();
    await chat.setup("!note blktap3: waiting");
    expect(await chat.say("!note blktap3 --clear.")).toMatch(/^\* blktap3/);
    expect(feature(chat, "blktap3")?.note).toBeNull();
  });

  it("a full stop inside quotes, or in a note, is kept", async () => {
    const chat = await demo();
    await chat.say('!add "Nested virt." --note needs review.');
    const added = Object.values(chat.store.read().projects["xen"]!.releases["4.3"]!.features).find((one) => one.title.startsWith("Nested"));
    expect(added).toMatchObject({ title: "Nested virt.", note: "needs review." });
  });
});
