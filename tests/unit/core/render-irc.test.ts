import { describe, expect, it } from "vitest";
import { importIntoStore } from "../../../src/mail/import-into.js";
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
    expect(lines[1]).toMatch(/^Feature freeze in \d+ days .*\d+ features \(sub-items counted, not the 1 feature they are under\): \d+ finished, \d+ on track, \d+ fair, \d+ at risk\.$/);
    expect(lines[2]).toMatch(/^At risk \(\d+\): /);
    expect(lines.join("\n")).toContain("blktap3");
    expect(lines.at(-1)).toMatch(/^Full list \(\d+ lines\): !stock full$/);
    const total = Number(/\((\d+) lines\)/.exec(lines.at(-1)!)![1]);
    expect(total).toBe(ircLines(reply).length);
    expect(total).toBeGreaterThan(8);
  });

  it("says how many at-risk items it left out when they do not fit", async () => {
    const lines = renderIrc(await xenStock(), { ...options, lineBudget: 4, maxLineLength: 80 });
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^At risk \(\d+\): .* … and \d+ more$/);
    expect(lines[2]!.length).toBeLessThanOrEqual(80);
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
