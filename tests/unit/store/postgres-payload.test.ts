import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { notifyPayload, parsePayload } from "../../../adapters/store/postgres/postgres-store.js";

const KEY = "k".repeat(64);
const event = (text: string) => JSON.stringify({ note: text });
// <64 hex>{"seq":7,"events":[ … ]}: 64 + 21 bytes around the events; {"note":"…"} 11 around the text.
const ROOM = 7999 - 64 - 21 - 11;

describe("the PostgreSQL store's notification payload", () => {
  it("carries the events, signed, while the payload stays under PostgreSQL's 8000 bytes, counted in UTF-8", () => {
    const fits = event("x".repeat(ROOM));
    const payload = notifyPayload(7, [fits], KEY);
    expect(Buffer.byteLength(payload)).toBe(7999);
    expect(payload.slice(0, 64)).toBe(createHmac("sha256", KEY).update(payload.slice(64)).digest("hex"));
    expect(parsePayload(payload, KEY)).toEqual({ seq: 7, events: [JSON.parse(fits)] });
    // One character more, or the same length in two-byte characters: only the seq.
    expect(notifyPayload(7, [event("x".repeat(ROOM + 1))], KEY)).toBe('{"seq":7}');
    expect(notifyPayload(7, [event("é".repeat(ROOM / 2 + 1))], KEY)).toBe('{"seq":7}');
  });

  it("leaves out events not signed with the key, keeping the seq to look in the table", () => {
    const payload = notifyPayload(7, [event("hello")], KEY);
    expect(parsePayload(payload, "another key")).toEqual({ seq: 7, forged: true });
    expect(parsePayload(payload.slice(64), KEY)).toEqual({ seq: 7, forged: true });
    const tampered = payload.replace("hello", "HELLO");
    expect(parsePayload(tampered, KEY)).toEqual({ seq: 7, forged: true });
  });

  it("reads the seq alone, as Stocktake wrote it before, and refuses what is neither", () => {
    expect(parsePayload("42", KEY)).toEqual({ seq: 42 });
    expect(parsePayload('{"seq":42}', KEY)).toEqual({ seq: 42 });
    for (const bad of [undefined, "", "forty-two", "{", '{"seq":"42"}', '{"seq":-1}', '{"seq":4.5}', '{"seq":4,"events":{}}', "null", `${"0".repeat(64)}{`]) {
      expect(parsePayload(bad, KEY)).toBeUndefined();
    }
  });
});
