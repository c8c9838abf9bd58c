import { describe, expect, it } from "vitest";
import { FakeChat } from "../../support/fake-chat.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { renderHtml } from "../../../src/reply/render-html.js";
import { renderIrc } from "../../../src/reply/render-irc.js";
import { code, person, t, type Reply } from "../../../src/reply/reply.js";
import { renderReply } from "../../../adapters/discord/render.js";
import { renderForMatrix } from "../../../adapters/matrix/render.js";
import { importMail } from "../../../src/mail/import.js";
import { describeImport } from "../../../src/mail/import-summary.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import type { Feature } from "../../../src/model/schema.js";

const RLO = "\u202e";
/** Every kind the issue names: NUL, ESC, CTCP ^A, IRC colour ^C, C1 (U+0085), bidi override and isolate, zero-width space. */
const NASTY = ["\u0000", "\u001b", "\u0001", "\u0003", "\u0085", RLO, "\u2066", "\u200b"];
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

async function xen(): Promise<FakeChat> {
  const chat = new FakeChat();
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3");
  return chat;
}

const features = (chat: FakeChat): Feature[] => Object.values(chat.store.read().projects["xen"]!.releases["4.3"]!.features);
const feature = (chat: FakeChat, id: string) => features(chat).find((entry) => entry.id === id)!;

describe("control and direction characters in what people type", () => {
  it("are left out of a new title, and the reply says which", async () => {
    const chat = await xen();
    const answer = await chat.say(`!add "invoice${RLO}fdp.exe"`);
    expect(chat.last?.tone).toBe("ok");
    const added = features(chat).find((entry) => entry.title.startsWith("invoice"))!;
    expect(added.title).toBe("invoicefdp.exe");
    expect(answer).toContain("U+202E");
    expect(answer).toMatch(/left out/);
  });

  it("are left out of notes, owners and aliases, each kind named once", async () => {
    const chat = await xen();
    for (const char of NASTY) {
      await chat.say(`!note blktap3 before${char}after`);
      expect(feature(chat, "blktap3").note).toBe("beforeafter");
    }
    const answer = await chat.say(`!owner blktap3 Tha${RLO}nos${RLO}`);
    expect(answer?.match(/U\+202E/g)).toHaveLength(1);
    expect(feature(chat, "blktap3").owners).toEqual(["Thanos"]);
    await chat.setup(`!alias blktap3 bt${"\u0003"}4red`);
    expect(feature(chat, "blktap3").aliases).toEqual(["bt4red"]);
  });

  it("never make one name pass for another", async () => {
    const chat = await xen();
    // An invisible character must not make a second "blktap3" look like a new name.
    await chat.say(`!add blk\u200btap3`);
    expect(features(chat).filter((entry) => entry.title === "blktap3")).toHaveLength(1);
    // A name typed with a bidi override finds the feature it spells.
    expect(await chat.say(`!show blk${RLO}tap3`)).toContain("blktap3");
    expect(chat.last?.tone).not.toBe("error");
  });

  it("say nothing when nothing was left out, and NFC-normalise what is kept", async () => {
    const chat = await xen();
    const answer = await chat.say("!add Cafe\u0301 support");
    expect(answer).not.toMatch(/left out/);
    expect(features(chat).some((entry) => entry.title === "Caf\u00e9 support")).toBe(true);
  });

  it("arrive through slash commands too", async () => {
    const chat = await xen();
    const reply = await chat.bot.execute(["note"], { feature: "blktap3", text: `x${RLO}y` }, { invoker: { id: "console:admin", displayName: "Admin" }, conversation: chat.conversation });
    expect(renderPlain(reply)).toContain("U+202E");
    expect(feature(chat, "blktap3").note).toBe("xy");
  });

  it("are left out of an imported mail, and the import report says so", async () => {
    const mail = ["== Open: at risk ==", "", `* pay${RLO}gpj.exe`, "  owner: Eve\u0007"].join("\n");
    const imported = importMail(mail);
    expect(imported.items[0]!.label.title).toBe("paygpj.exe");
    expect(imported.items[0]!.owners).toEqual(["Eve"]);
    expect(imported.removed).toEqual({ lines: 2, chars: ["U+202E", "U+0007"] });
    const chat = new FakeChat();
    const report = await importIntoStore(chat.store, mail, { by: "console:admin", project: "xen", release: "4.3" }, chat.clock);
    expect(report.ok).toBe(true);
    if (report.ok) expect(describeImport(report.value, "data").lines.join("\n")).toMatch(/Left out control or direction characters \(U\+202E, U\+0007\) on 2 lines/);
  });
});

describe("every renderer shows stored text neutralised", () => {
  // As text stored before input was cleaned (or written to the data file by hand) would arrive.
  const nasty = `a${NASTY.join("b")}z`;
  const reply: Reply = {
    tone: "ok",
    blocks: [
      { type: "heading", text: nasty },
      { type: "text", text: t`${nasty} ${code(nasty)} ${person(`matrix:@${RLO}eve:x.org`)} ${{ em: nasty }}` },
      { type: "list", items: [{ text: nasty, badge: "at-risk", details: [nasty], children: [{ text: nasty }] }] },
      { type: "sections", sections: [{ bucket: "at-risk", heading: "Features at risk", items: [{ text: nasty, details: [nasty] }] }] },
      { type: "pre", text: nasty },
    ],
  };

  it.each([
    ["plain", () => [renderPlain(reply)]],
    ["html", () => [renderHtml(reply)]],
    ["irc", () => renderIrc(reply, { lineBudget: 100, prefix: "!" })],
    ["matrix", () => renderForMatrix(reply, { msgtype: "notice" }).flatMap((content) => [content.body, content.formatted_body ?? ""])],
    ["matrix bridged to irc", () => renderForMatrix(reply, { msgtype: "notice", irc: { lineBudget: 100, linesPerMessage: 5, prefix: "!" } }).map((content) => content.body)],
    ["discord markdown", () => renderReply(reply, { embeds: false, slashHints: false, prefix: "!" }).map((message) => JSON.stringify(message))],
    ["discord embeds", () => renderReply(reply, { embeds: true, slashHints: false, prefix: "!" }).map((message) => JSON.stringify(message))],
  ])("%s", (_name, render) => {
    const out = render().join("\n");
    expect(out).toContain("abbbbbbbz".replace(/b/g, "b"));
    expect(JSON.parse(JSON.stringify(out))).not.toMatch(UNSAFE);
  });
});
