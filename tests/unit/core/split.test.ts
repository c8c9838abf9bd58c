import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKETS } from "../../../src/model/buckets.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Block, ListItem, Reply, Section } from "../../../src/reply/reply.js";
import { continuedHeading, splitReply, type Measure } from "../../../src/reply/split.js";
import { utf8Bytes } from "../../../src/util/utf8.js";

const bytes: Measure = (part) => utf8Bytes(renderPlain(part));
const chars: Measure = (part) => renderPlain(part).length;

const items = (count: number, text = (i: number) => `item ${i}`): ListItem[] => Array.from({ length: count }, (_, i) => ({ text: text(i), details: [`owner: someone ${i}`] }));
const section = (heading: string, list: ListItem[], bucket: Section["bucket"] = "fair"): Section => ({ bucket, heading, items: list });

/** What a splitter may move, in order: every item with its section (or list), every other block. */
function pieces(parts: readonly Reply[]): unknown[] {
  return parts.flatMap((part) =>
    part.blocks.flatMap((block): unknown[] => {
      if (block.type === "list") return block.items.map((item) => ({ list: item }));
      if (block.type === "sections") {
        return block.sections.flatMap((s) => {
          const heading = s.heading.endsWith(" (continued)") ? s.heading.slice(0, -" (continued)".length) : s.heading;
          return s.items.length === 0 ? [{ heading }] : s.items.map((item) => ({ heading, item }));
        });
      }
      return [block];
    }),
  );
}

const count = (part: Reply) => pieces([part]).length;

describe("splitReply", () => {
  it("returns a reply that fits as it is", () => {
    const reply: Reply = { tone: "ok", blocks: [{ type: "text", text: "short" }] };
    expect(splitReply(reply, bytes, 100)).toEqual([reply]);
    expect(splitReply(reply, bytes, 100)[0]).toBe(reply);
  });

  it.each([
    ["bytes", bytes],
    ["characters", chars],
  ])("keeps every part within the limit in %s, every item once and in order", (_, measure) => {
    const reply: Reply = {
      tone: "info",
      blocks: [
        { type: "heading", text: "Big 1.0" },
        { type: "list", items: items(30, (i) => `listed ${i}`) },
        { type: "sections", sections: [section("Finished", items(40), "done"), section("At risk", items(40), "at-risk")] },
        { type: "text", text: "The end." },
      ],
    };
    const parts = splitReply(reply, measure, 300);
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts) expect(measure(part)).toBeLessThanOrEqual(300);
    expect(pieces(parts)).toEqual(pieces([reply]));
    expect(parts[0]!.blocks[0]).toEqual({ type: "heading", text: "Big 1.0" });
    expect(parts.at(-1)!.blocks.at(-1)).toEqual({ type: "text", text: "The end." });
  });

  it("puts the section's heading, continued, at the top of a part that carries it on", () => {
    const reply: Reply = { tone: "info", blocks: [{ type: "sections", sections: [section("Finished", items(20), "done"), section("At risk", items(20), "at-risk")] }] };
    const parts = splitReply(reply, bytes, 250);
    const headings = parts.map((part) => (part.blocks[0]?.type === "sections" ? part.blocks[0].sections.map((s) => s.heading) : []));
    expect(headings[0]![0]).toBe("Finished");
    expect(headings.slice(1).every((names) => names[0] === continuedHeading("Finished") || names[0] === "At risk" || names[0] === continuedHeading("At risk"))).toBe(true);
    expect(headings.flat().filter((name) => name === "At risk")).toHaveLength(1);
    // A part that starts a section fresh does not call it continued.
    for (const [i, names] of headings.entries()) if (names.includes("At risk")) expect(renderPlain(parts[i]!)).not.toContain("At risk (continued)");
  });

  it("measures non-ASCII titles in bytes: fewer fit than by characters", () => {
    const reply: Reply = { tone: "info", blocks: [{ type: "list", items: Array.from({ length: 20 }, (_, i) => ({ text: `${"é".repeat(40)} ${i}` })) }] };
    const byBytes = splitReply(reply, bytes, 400);
    const byChars = splitReply(reply, chars, 400);
    for (const part of byBytes) expect(utf8Bytes(renderPlain(part))).toBeLessThanOrEqual(400);
    expect(byBytes.length).toBeGreaterThan(byChars.length);
    expect(pieces(byBytes)).toEqual(pieces([reply]));
  });

  it("never cuts inside an item: one too big on its own is a part alone, over the limit", () => {
    const huge: ListItem = { text: "x".repeat(500), details: ["owner: a"] };
    const reply: Reply = { tone: "info", blocks: [{ type: "list", items: [{ text: "a" }, huge, { text: "b" }] }] };
    const parts = splitReply(reply, chars, 100);
    expect(parts.map((part) => part.blocks)).toEqual([[{ type: "list", items: [{ text: "a" }] }], [{ type: "list", items: [huge] }], [{ type: "list", items: [{ text: "b" }] }]]);
  });

  it("shows the link once, with the last part", () => {
    const reply: Reply = { tone: "info", blocks: [{ type: "list", items: items(20) }], link: { text: "Web page", url: "https://stocktake.example/p/xen" } };
    const parts = splitReply(reply, bytes, 200);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.filter((part) => part.link !== undefined)).toEqual([parts.at(-1)]);
    for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(200);
  });

  it("puts pieces back into the blocks they came from: two lists stay two lists", () => {
    const first: Block = { type: "list", items: items(3, (i) => `first ${i}`) };
    const second: Block = { type: "list", items: items(3, (i) => `second ${i}`) };
    const parts = splitReply({ tone: "info", blocks: [{ type: "text", text: "t".repeat(240) }, first, second] }, chars, 250);
    expect(parts.map((part) => part.blocks)).toEqual([[{ type: "text", text: "t".repeat(240) }], [first, second]]);
  });

  it("splits a 10 000-item summary with a few measures per item, not one per item per part", () => {
    let calls = 0;
    const counted: Measure = (part) => {
      calls++;
      return bytes(part);
    };
    const reply: Reply = { tone: "info", blocks: [{ type: "sections", sections: BUCKETS.map((bucket) => section(bucket, items(2_500, (i) => `${bucket} ${i}`), bucket)).slice(0, 4) }] };
    const parts = splitReply(reply, counted, 20_000);
    expect(parts.length).toBeGreaterThan(10);
    expect(calls).toBeLessThan(2 * 10_000 + 10 * parts.length);
    expect(pieces(parts)).toEqual(pieces([reply]));
  });

  it("sizes pieces with the estimate, when given one, and passes every part it returns to the measure", () => {
    const measured = new Set<Reply>();
    const measure: Measure = (part) => {
      measured.add(part);
      return bytes(part);
    };
    const reply: Reply = { tone: "info", blocks: [{ type: "sections", sections: [section("Finished", items(500), "done")] }] };
    const parts = splitReply(reply, measure, 2_000, { estimate: bytes });
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.every((part) => measured.has(part))).toBe(true);
    expect(measured.size).toBeLessThan(3 * parts.length + 2);
  });

  it("any reply: each part within the limit or a single piece, and the pieces in their order", () => {
    const text = fc.string({ unit: fc.constantFrom(..."ab é😀\n"), minLength: 1, maxLength: 30 });
    const item: fc.Arbitrary<ListItem> = fc.record({ text, details: fc.array(text, { maxLength: 2 }) }, { requiredKeys: ["text"] });
    const block: fc.Arbitrary<Block> = fc.oneof(
      fc.record({ type: fc.constant("heading" as const), text }),
      fc.record({ type: fc.constant("text" as const), text }),
      fc.record({ type: fc.constant("pre" as const), text }),
      fc.record({ type: fc.constant("list" as const), items: fc.array(item, { maxLength: 8 }) }),
      fc.record({
        type: fc.constant("sections" as const),
        sections: fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), heading: text, items: fc.array(item, { maxLength: 8 }) }), { maxLength: 3 }),
      }),
    );
    const reply = fc.record({ tone: fc.constantFrom("ok" as const, "info" as const), blocks: fc.array(block, { maxLength: 6 }) });
    fc.assert(
      fc.property(reply, fc.constantFrom(bytes, chars), fc.integer({ min: 1, max: 300 }), (original, measure, limit) => {
        const parts = splitReply(original, measure, limit);
        for (const part of parts) expect(measure(part) <= limit || count(part) <= 1).toBe(true);
        expect(pieces(parts)).toEqual(pieces([original]));
      }),
      { numRuns: 500 },
    );
  });
});
