import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textBytes } from "../../../adapters/irc/lines.js";
import { textReply, type Reply } from "../../../src/reply/reply.js";
import { utf8Bytes } from "../../../src/util/utf8.js";
import { setup } from "../../support/discord-harness.js";
import { CHANNEL, startStocktakeOnIrc, TEST_FLOOD, XEN_ROOM, type IrcHarness } from "../../support/irc-harness.js";
import { IrcPerson, type IrcLine } from "../../support/irc-person.js";
import { ircServerOrSkip } from "./ircd.js";

const server = await ircServerOrSkip();
const BOT = "stocktake";

/** A NOTICE from the bot to `target`. */
const noticeFromBot = (target: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === BOT && line.params[0]?.toLowerCase() === target.toLowerCase();

/** Every line fits the wire (512 bytes with CRLF) and its text the budget the bot measures for it. */
function expectWithinBudget(lines: readonly IrcLine[], target: string): void {
  const budget = textBytes(BOT, "NOTICE", target);
  for (const line of lines) {
    expect(utf8Bytes(line.raw) + 2).toBeLessThanOrEqual(512);
    expect(utf8Bytes(line.text), line.text).toBeLessThanOrEqual(budget);
    // No formatting codes or other controls reach the channel.
    // eslint-disable-next-line no-control-regex
    expect(line.text).not.toMatch(/[\u0000-\u001F\u007F]/);
  }
}

describe.skipIf(server === null)("the IRC adapter on a real IRC server (ngIRCd)", () => {
  let harness: IrcHarness;
  let bob: IrcPerson;
  let alice: IrcPerson;

  beforeAll(async () => {
    // George is a person of the config; ngIRCd has no services, so his account is never seen and replies use his name.
    harness = await startStocktakeOnIrc({ server: server!, config: { people: { george: { name: "George Dunlap", irc: "test/george", matrix: "@george:xen.org" } } } });
    bob = await IrcPerson.connect(server!, "bob");
    alice = await IrcPerson.connect(server!, "alice");
    await bob.join(CHANNEL);
    await alice.join(CHANNEL);
  });

  afterAll(async () => {
    await bob?.quit();
    await alice?.quit();
    await harness?.stop();
  });

  it("answers !stock in a channel with NOTICEs within the byte budget", async () => {
    const mark = bob.mark();
    bob.say(CHANNEL, "!stock");
    const last = await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text.startsWith("Full list"), 15_000, mark);
    const reply = bob.seen(noticeFromBot(CHANNEL), mark).filter((line) => line.at <= last.at);
    expect(reply[0]!.text).toBe("Xen 4.3: taking stock");
    expect(last.text).toMatch(/^Full list \(48 lines\): !stock full/);
    expect(reply.length).toBeLessThanOrEqual(harness.config.irc.lineBudget);
    expectWithinBudget(reply, CHANNEL);
    // NOTICE, never PRIVMSG: other bots do not answer notices.
    expect(bob.seen((line) => line.from === BOT && line.command === "PRIVMSG", mark)).toEqual([]);
  }, 30_000);

  it("answers when addressed by name: “stocktake: stock” and “stocktake, stock”", async () => {
    for (const text of ["stocktake: stock", "Stocktake, stock"]) {
      const mark = bob.mark();
      bob.say(CHANNEL, text);
      const head = await bob.waitFor(noticeFromBot(CHANNEL), 15_000, mark);
      expect(head.text).toBe("Xen 4.3: taking stock");
      await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text.startsWith("Full list"), 15_000, mark);
    }
  }, 40_000);

  it("answers a private query without a prefix, to the person", async () => {
    const mark = bob.mark();
    bob.say(BOT, "stock");
    const head = await bob.waitFor(noticeFromBot("bob"), 15_000, mark);
    expect(head.text).toMatch(/taking stock/);
    const last = await bob.waitFor((line) => noticeFromBot("bob")(line) && line.text.startsWith("Full list"), 15_000, mark);
    expectWithinBudget(bob.seen(noticeFromBot("bob"), mark).filter((line) => line.at <= last.at), "bob");
  }, 30_000);

  it("answers !help with the command names and “!help COMMAND for one”, within the line budget", async () => {
    const mark = bob.mark();
    bob.say(CHANNEL, "!help");
    const last = await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text === "!help COMMAND for one.", 15_000, mark);
    const lines = bob.seen(noticeFromBot(CHANNEL), mark).filter((line) => line.at <= last.at);
    expect(lines.length).toBeLessThanOrEqual(harness.config.irc.lineBudget);
    expect(lines[0]!.text).toMatch(/^Commands: !stock, !status, /);
    expectWithinBudget(lines, CHANNEL);
  }, 30_000);

  it("gives a nick no role: “alice” without a services account is refused with the access hint", async () => {
    const before = harness.store.read();
    const mark = alice.mark();
    alice.say(CHANNEL, "!status blktap3 fair");
    const refusal = await alice.waitFor((line) => line.from === BOT && line.command === "NOTICE" && /To get access/.test(line.text), 15_000, mark);
    // The maintainer in the config is the account irc:test/alice; the nick alone is someone else.
    expect(refusal.text).toContain("irc:test/~alice");
    expect(refusal.text).toMatch(/^Only maintainers, release managers and admins of xen can use !status/);
    expect(harness.store.read()).toEqual(before);
  }, 30_000);

  it("delivers a 48-line !stock full no faster than the configured rate", async () => {
    const mark = bob.mark();
    bob.say(CHANNEL, "!stock full");
    const lines = await bob.waitForCount(noticeFromBot(CHANNEL), 48, 60_000, mark);
    expectWithinBudget(lines, CHANNEL);
    expect(lines[0]!.text).toBe("Xen 4.3: taking stock");
    const { linesPerSecond, burst } = TEST_FLOOD;
    const start = lines[0]!.at;
    // The bucket allows `burst` lines at once, then one per 1/rate s: line k arrives no earlier than that.
    // 20 ms covers the two clocks (the bot's timer, the person's receipt) disagreeing by a tick.
    for (const [k, line] of lines.entries()) {
      expect(line.at - start, `line ${k}`).toBeGreaterThanOrEqual(((k - burst + 1) / linesPerSecond) * 1000 - 20);
    }
    // And nothing more: the server did not cut the bot off or drop lines.
    const quietMark = bob.mark();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(bob.seen(noticeFromBot(CHANNEL), quietMark)).toEqual([]);
  }, 90_000);

  it("posts to a conversation unasked (announcements, scheduled posts) like other adapters", async () => {
    expect(harness.adapter.announcementTargets()).toEqual([{ project: "xen", conversation: XEN_ROOM }]);
    const mark = bob.mark();
    await harness.adapter.send(XEN_ROOM, textReply("Feature freeze is \u0002tomorrow\u0002"));
    const line = await bob.waitFor(noticeFromBot(CHANNEL), 10_000, mark);
    expect(line.text).toBe("Feature freeze is tomorrow");
    await expect(harness.adapter.send("irc:other/#xen", textReply("nowhere"))).rejects.toThrow(/not a conversation/);
  }, 20_000);

  it("sends replies in the order they were delivered, though a long one is rendered over several turns (issue 13, item 4)", async () => {
    // A summary of 300 features is rendered in slices, after a turn of the event loop; the short
    // reply delivered right after it is rendered at once, and still goes out after it.
    const items = Array.from({ length: 300 }, (_, i) => ({ text: `Feature number ${i}` }));
    const long: Reply = { tone: "info", blocks: [{ type: "heading", text: "Long summary" }, { type: "sections", sections: [{ bucket: "at-risk", heading: "Features at risk", items }] }] };
    const mark = bob.mark();
    const first = harness.adapter.send(XEN_ROOM, long);
    const second = harness.adapter.send(XEN_ROOM, textReply("the reply after it"));
    await Promise.all([first, second]);
    await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text === "the reply after it", 15_000, mark);
    const texts = bob.seen(noticeFromBot(CHANNEL), mark).map((line) => line.text);
    expect(texts[0]).toBe("Long summary");
    expect(texts.at(-1)).toBe("the reply after it");
    expect(texts.at(-2)).toMatch(/^Full list \(\d+ lines\): !stock full$/);
  }, 30_000);

  it("condenses a non-ASCII summary with the pointer, each line within the budget in bytes", async () => {
    // Titles in Greek, Japanese and with emoji: a line of them is far more bytes than characters.
    for (let i = 1; i <= 14; i++) {
      await setup(harness.app.bot, XEN_ROOM, `!add "Υποστήριξη ${i} για ελληνικά και 日本語の機能 🚀 με μακρύ τίτλο" --bucket at-risk`);
    }
    const mark = bob.mark();
    bob.say(CHANNEL, "!stock");
    const last = await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text.startsWith("Full list"), 15_000, mark);
    const reply = bob.seen(noticeFromBot(CHANNEL), mark).filter((line) => line.at <= last.at);
    expect(reply.length).toBeLessThanOrEqual(harness.config.irc.lineBudget);
    expect(last.text).toMatch(/^Full list \(\d+ lines\): !stock full/);
    const atRisk = reply.find((line) => line.text.startsWith("At risk (30)"));
    expect(atRisk, reply.map((line) => line.text).join("\n")).toBeDefined();
    // Longer in bytes than in characters, so a character count would have let them overflow.
    expect(reply.some((line) => utf8Bytes(line.text) > line.text.length * 1.5)).toBe(true);
    expectWithinBudget(reply, CHANNEL);
    // Titles are never cut: every line ends at an item boundary (a title's end, ";" or "… and N more").
    for (const line of reply.filter((l) => l.text.includes("Υποστήριξη"))) expect(line.text).toMatch(/(τίτλο;?|more)$/);
  }, 30_000);

  it("names an owner who is a person of the config by name in !stock, plain text within the budget", async () => {
    await setup(harness.app.bot, XEN_ROOM, "!owner numa-memory-migration @george:xen.org, Thanos");
    const mark = bob.mark();
    bob.say(CHANNEL, "!stock fair full");
    const last = await bob.waitFor((line) => noticeFromBot(CHANNEL)(line) && line.text === "* Multi-page blk rings (external)", 20_000, mark);
    const reply = bob.seen(noticeFromBot(CHANNEL), mark).filter((line) => line.at <= last.at);
    const texts = reply.map((line) => line.text);
    expect(texts[texts.indexOf("* NUMA Memory migration") + 1]).toBe("  owner: George Dunlap, Thanos");
    expect(texts.join("\n")).not.toContain("@george");
    expectWithinBudget(reply, CHANNEL);
  }, 30_000);
});
