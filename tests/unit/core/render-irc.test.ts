import { describe, expect, it } from "vitest";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { bridgedTextBytes } from "../../../src/reply/irc-lines.js";
import { IRC_TEXT_BYTES, ircLines, renderIrc } from "../../../src/reply/render-irc.js";
import type { Reply } from "../../../src/reply/reply.js";
import { utf8Bytes } from "../../../src/util/utf8.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";
import { plainText } from "../../../src/reply/inline.js";

async function xenStock(command = "!stock"): Promise<Reply> {
  const chat = new FakeChat();
  const imported = await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  await chat.setup("!release use 4.3", "!milestone set feature-freeze 2013-03-25", "!project use xen");
  await chat.say(command);
  return chat.last!;
}

const options = { lineBudget: 8, prefix: "!" };

describe("renderIrc", () => {
  it("condenses a long summary to the budget: where the release stands, the at-risk items, a pointer", async () => {
    const reply = await xenStock();
    const lines = renderIrc(reply, options);
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines[0]).toBe("Xen 4.3: taking stock");
    expect(lines[1]).toMatch(/^Month 4 of 9, feature freeze in \d+ days .*\d+ features \(sub-items counted, not the 1 feature they are under\): \d+ finished, \d+ on track, \d+ fair, \d+ at risk\.$/);
    expect(lines[2]).toMatch(/^At risk \(\d+\): /);
    expect(lines.join("\n")).toContain("blktap3");
    expect(lines.at(-1)).toMatch(/^Full list \(\d+ lines\): !stock full$/);
    const total = Number(/\((\d+) lines\)/.exec(lines.at(-1)!)![1]);
    expect(total).toBe(ircLines(reply).length);
    expect(total).toBeGreaterThan(8);
  });

  it("says how many at-risk items it left out when they do not fit", async () => {
    // 90 bytes: the sentence under the heading takes two lines, and the budget counts them.
    const lines = renderIrc(await xenStock(), { ...options, lineBudget: 5, maxLineLength: 90 });
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(/^At risk \(\d+\): .* … and \d+ more$/);
    for (const line of lines) expect(utf8Bytes(line)).toBeLessThanOrEqual(90);
  });

  it("sends everything, as plain lines, when the person asked for all of it", async () => {
    const reply = await xenStock("!stock full");
    const lines = renderIrc(reply, options);
    expect(lines).toEqual(ircLines(reply));
    expect(lines.length).toBeGreaterThan(8);
    expect(lines).toContain("== Features at risk ==");
    expect(lines.every((line) => line.trim() !== "" && !/[<>]\w/.test(line.slice(0, 2)))).toBe(true);
  });

  it("points a one-bucket summary at that bucket's full list", async () => {
    const reply = await xenStock("!stock on track");
    expect(renderIrc({ ...reply, link: { text: "Web page", url: "https://stocktake.example/p/xen" } }, { ...options, lineBudget: 4 }).at(-1)).toMatch(/ or https:\/\/stocktake\.example\/p\/xen$/);
    const lines = renderIrc(reply, { ...options, lineBudget: 4, fullTextUrl: "https://stocktake.example/xen/4.3.txt" });
    expect(lines.at(-1)).toMatch(/: !stock on-track full or https:\/\/stocktake\.example\/xen\/4\.3\.txt$/);
    expect(lines.some((line) => line.startsWith("On track ("))).toBe(true);
  });

  it("leaves short summaries and other replies whole", async () => {
    const help: Reply = { tone: "info", blocks: [{ type: "list", items: Array.from({ length: 20 }, (_, i) => ({ text: `!command${i}` })) }] };
    expect(renderIrc(help, options)).toHaveLength(20);
    const short: Reply = { tone: "info", blocks: [{ type: "heading", text: "Xen 4.3" }, { type: "sections", sections: [{ bucket: "fair", heading: "Features marked as Fair", items: [{ text: "a" }] }] }] };
    expect(renderIrc(short, options)).toEqual(["Xen 4.3", "== Features marked as Fair ==", "* a"]);
  });

  it("strips control characters, which IRC reads as formatting", () => {
    const reply: Reply = { tone: "ok", blocks: [{ type: "text", text: "\u0002bold\u0002 \u00034,1red\u000f\tend\r" }] };
    expect(renderIrc(reply, options)).toEqual(["bold 4,1red end"]);
  });

  it("packs at-risk items into lines measured in UTF-8 bytes, breaking only between items", () => {
    const names = Array.from({ length: 60 }, (_, i) => `${i % 2 ? "Überprüfung" : "日本語の機能"} ${i}`);
    const reply: Reply = {
      tone: "info",
      blocks: [{ type: "heading", text: "Xen 4.3" }, { type: "sections", sections: [{ bucket: "at-risk", heading: "Features at risk", items: names.map((text) => ({ text })) }] }],
    };
    for (const width of [60, IRC_TEXT_BYTES]) {
      const packed = renderIrc(reply, { ...options, lineBudget: 6, ...(width === IRC_TEXT_BYTES ? {} : { maxLineLength: width }) }).slice(1, -1);
      for (const line of packed) expect(utf8Bytes(line)).toBeLessThanOrEqual(width);
      const shown = packed.join(" ").replace(/^At risk \(60\): /, "").replace(/ … and \d+ more$/, "").split(/; ?/);
      expect(shown).toEqual(names.slice(0, shown.length));
    }
  });
});

describe("IRC lines in UTF-8 bytes, with room for the relaying prefix", () => {
  it("leave room for a bridge's puppet prefix: longest nick, user and host, and the channel", () => {
    // 510 - ":" 30-byte nick "!" 10 user "@" 63 host " PRIVMSG " channel " :"
    expect(bridgedTextBytes()).toBe(510 - (1 + 30 + 1 + 10 + 1 + 63 + 1 + 7 + 1 + 50 + 2));
    expect(bridgedTextBytes("#xen-devel")).toBe(Math.min(IRC_TEXT_BYTES, 510 - (1 + 30 + 1 + 10 + 1 + 63 + 1 + 7 + 1 + 10 + 2)));
  });

  it("keep a line of non-ASCII titles within the bytes, not the characters (341 characters were 458 bytes)", () => {
    const title = "Überprüfung der Größenänderung für blktap3 — 日本語の機能 ".repeat(6).trim();
    expect(title.length).toBeLessThan(400);
    expect(utf8Bytes(title)).toBeGreaterThan(400);
    const reply: Reply = { tone: "info", blocks: [{ type: "list", items: [{ text: title }, { text: "short one" }] }] };
    const width = bridgedTextBytes();
    const lines = renderIrc(reply, { ...options, maxLineLength: width });
    for (const line of lines) expect(utf8Bytes(line)).toBeLessThanOrEqual(width);
    expect(lines.at(-1)).toBe("* short one");
    expect(lines.slice(0, -1).join(" ")).toBe(`* ${title}`);
  });
});

describe("replies in an IRC channel", () => {
  it("name the person a confirmation or a refusal answers, on its first line, without the bullet", () => {
    const confirmation: Reply = { tone: "ok", blocks: [{ type: "list", items: [{ text: "blktap3: at risk → fair", badge: "fair" }] }] };
    expect(renderIrc(confirmation, { ...options, addressee: "ian" })).toEqual(["ian: blktap3: at risk → fair [fair]"]);
    const refusal: Reply = { tone: "error", blocks: [{ type: "text", text: "Only maintainers may do that." }] };
    expect(renderIrc(refusal, { ...options, addressee: "dave" })).toEqual(["dave: Only maintainers may do that."]);
    // A summary or help is for everyone in the channel.
    const info: Reply = { tone: "info", blocks: [{ type: "heading", text: "Xen 4.3" }] };
    expect(renderIrc(info, { ...options, addressee: "ian" })).toEqual(["Xen 4.3"]);
  });

  it("get a short !help: the command names within the budget, broken between names, and “!help COMMAND for one”", async () => {
    const chat = new FakeChat();
    await chat.say("!help");
    const reply = chat.last!;
    expect(ircLines(reply).length).toBeGreaterThan(20);
    for (const width of [IRC_TEXT_BYTES, 60]) {
      const lines = renderIrc(reply, { ...options, lineBudget: 8, maxLineLength: width });
      expect(lines.length).toBeLessThanOrEqual(8);
      for (const line of lines) expect(utf8Bytes(line)).toBeLessThanOrEqual(width);
      expect(lines.at(-1)).toBe("!help COMMAND for one.");
      expect(lines[0]).toMatch(/^Commands: !stock, /);
      const names = lines.slice(0, -1).join(" ").replace(/^Commands: /, "").replace(/ … and \d+ more$/, "").split(/, ?/);
      expect(names.every((name) => /^![a-z-]+$/.test(name))).toBe(true);
      expect(new Set(names).size).toBe(names.length);
    }
    // All of it when asked for one command.
    await chat.say("!help status");
    expect(renderIrc(chat.last!, options)).toEqual(ircLines(chat.last!));
  });
});
