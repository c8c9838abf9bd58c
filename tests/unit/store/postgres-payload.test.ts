import { describe, expect, it } from "vitest";
import { notifyPayload, parsePayload } from "../../../adapters/store/postgres/postgres-store.js";

describe("the PostgreSQL store's notification payload", () => {
  it("carries the events while the payload stays under PostgreSQL's 8000 bytes, counted in UTF-8", () => {
    const event = (text: string) => JSON.stringify({ note: text });
    // {"seq":7,"events":[ … ]} is 21 bytes around the events; {"note":"…"} 11 around the text.
    const fits = event("x".repeat(7999 - 21 - 11));
    expect(Buffer.byteLength(notifyPayload(7, [fits]))).toBe(7999);
    expect(parsePayload(notifyPayload(7, [fits]))).toEqual({ seq: 7, events: [JSON.parse(fits)] });
    // One character more, or the same length in two-byte characters: only the seq.
    expect(notifyPayload(7, [event("x".repeat(7999 - 21 - 11 + 1))])).toBe('{"seq":7}');
    expect(notifyPayload(7, [event("é".repeat(4000))])).toBe('{"seq":7}');
  });

  it("reads the seq alone, as Stocktake wrote it before, and refuses what is neither", () => {
    expect(parsePayload("42")).toEqual({ seq: 42 });
    expect(parsePayload('{"seq":42}')).toEqual({ seq: 42 });
    for (const bad of [undefined, "", "forty-two", "{", '{"seq":"42"}', '{"seq":-1}', '{"seq":4.5}', '{"seq":4,"events":{}}', "null"]) {
      expect(parsePayload(bad)).toBeUndefined();
    }
  });
});
