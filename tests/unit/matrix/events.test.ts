import { describe, expect, it } from "vitest";
import { classify, RoomMessageSchema, stripReplyFallback } from "../../../adapters/matrix/events.js";
import { addressedText } from "../../../src/addressing.js";

const BOT = "@stocktake:example.org";

function message(content: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return RoomMessageSchema.parse({ type: "m.room.message", event_id: "$e1", sender: "@alice:example.org", origin_server_ts: 1, content, ...extra });
}

describe("classify", () => {
  it("takes plain text messages as possible commands", () => {
    expect(classify(message({ msgtype: "m.text", body: "!stock" }), BOT)).toEqual({ kind: "command", body: "!stock" });
  });

  it.each([
    ["its own messages", message({ msgtype: "m.text", body: "!stock" }, { sender: BOT }), "own"],
    ["notices (other bots)", message({ msgtype: "m.notice", body: "!stock" }), "not-text"],
    ["emotes", message({ msgtype: "m.emote", body: "!stock" }), "not-text"],
    ["edits", message({ msgtype: "m.text", body: "* !stock", "m.new_content": { msgtype: "m.text", body: "!stock" }, "m.relates_to": { rel_type: "m.replace", event_id: "$e0" } }), "edit"],
    ["redacted messages", message({}, { unsigned: { redacted_because: { type: "m.room.redaction" } } }), "redacted"],
    ["empty bodies", message({ msgtype: "m.text", body: "  " }), "no-body"],
  ])("ignores %s", (_name, event, reason) => {
    expect(classify(event, BOT)).toEqual({ kind: "ignore", reason });
  });

  it("keeps the thread, and drops the quoted fallback of a reply", () => {
    const threaded = message({ msgtype: "m.text", body: "!freeze", "m.relates_to": { rel_type: "m.thread", event_id: "$root", "m.in_reply_to": { event_id: "$root" } } });
    expect(classify(threaded, BOT)).toEqual({ kind: "command", body: "!freeze", threadRoot: "$root" });
    const reply = message({ msgtype: "m.text", body: "> <@bob:example.org> what now?\n> more\n\n!stock", "m.relates_to": { "m.in_reply_to": { event_id: "$q" } } });
    expect(classify(reply, BOT)).toEqual({ kind: "command", body: "!stock" });
  });

  it("takes a text file with a caption as a command with an attachment; not a file without one, nor a binary one", () => {
    const file = (content: Record<string, unknown>) => message({ msgtype: "m.file", url: "mxc://example.org/abc", ...content });
    expect(classify(file({ body: "!import", filename: "mail.eml", info: { size: 1200 } }), BOT)).toEqual({ kind: "command", body: "!import", attachment: { url: "mxc://example.org/abc", name: "mail.eml", size: 1200 } });
    expect(classify(file({ body: "!import", filename: "status", info: { mimetype: "text/plain" } }), BOT)).toMatchObject({ kind: "command", attachment: { name: "status" } });
    expect(classify(file({ body: "mail.txt", filename: "mail.txt" }), BOT)).toEqual({ kind: "ignore", reason: "not-text" });
    expect(classify(file({ body: "mail.txt" }), BOT)).toEqual({ kind: "ignore", reason: "not-text" });
    expect(classify(file({ body: "!import", filename: "photo.png", info: { mimetype: "image/png" } }), BOT)).toEqual({ kind: "ignore", reason: "not-text" });
    expect(classify(file({ body: "!import", filename: "mail.txt", url: "https://example.org/mail.txt" }), BOT)).toEqual({ kind: "ignore", reason: "not-text" });
  });

  it("rejects events that are not messages at the boundary", () => {
    expect(RoomMessageSchema.safeParse({ type: "m.room.message", sender: "@a:b", content: {} }).success).toBe(false);
  });
});

describe("stripReplyFallback", () => {
  it("leaves a body without a quoted fallback alone", () => {
    expect(stripReplyFallback("!stock")).toBe("!stock");
    expect(stripReplyFallback("!note x: a > b")).toBe("!note x: a > b");
  });
});

describe("addressedText", () => {
  const names = ["stocktake", "stocktake", "@stocktake:example.org", "Stock Taker"];
  it.each([
    ["stocktake: stock", "stock"],
    ["Stocktake, status blktap3 fair", "status blktap3 fair"],
    ["stocktake:stock", "stock"],
    ["@stocktake:example.org: show blktap3", "show blktap3"],
    ["Stock Taker: freeze", "freeze"],
    ["stocktake", ""],
    ["stocktake:", ""],
  ])("%s", (body, text) => {
    expect(addressedText(body, names)).toBe(text);
  });

  it.each(["stocktakes: stock", "the stocktake: is late", "stock", "stocktake stock"])("not addressed: %s", (body) => {
    expect(addressedText(body, names)).toBeUndefined();
  });
});
