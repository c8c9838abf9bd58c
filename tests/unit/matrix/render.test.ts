import { describe, expect, it } from "vitest";
import { contentBytes, renderForMatrix, splitReply } from "../../../adapters/matrix/render.js";
import { bridgedTextBytes } from "../../../src/reply/irc-lines.js";
import { htmlItem, htmlSectionHeading, renderHtml } from "../../../src/reply/render-html.js";
import { plainItem, renderPlain } from "../../../src/reply/render-plain.js";
import type { ListItem, Reply, Section } from "../../../src/reply/reply.js";
import { assemble, replyPieces, sameContainer } from "../../../src/reply/split.js";

const section = (bucket: Section["bucket"], heading: string, count: number, width = 100): Section => ({
  bucket,
  heading,
  items: Array.from({ length: count }, (_, i) => ({ text: `${heading} item ${i} ${"x".repeat(width)}`, details: [`owner: someone ${i}`] })),
});

const big: Reply = {
  tone: "info",
  blocks: [
    { type: "heading", text: "Big 1.0: taking stock" },
    { type: "text", text: "Lots of features." },
    { type: "sections", sections: [section("done", "Finished features", 300), section("at-risk", "Features at risk", 300)] },
  ],
};

describe("renderForMatrix", () => {
  it("renders HTML with a plain body, as a notice by default", () => {
    const [content] = renderForMatrix({ tone: "ok", blocks: [{ type: "text", text: "<b>hi</b>" }] }, { msgtype: "notice" });
    expect(content).toEqual({ msgtype: "m.notice", body: "<b>hi</b>", format: "org.matrix.custom.html", formatted_body: "<p>&lt;b&gt;hi&lt;/b&gt;</p>" });
    expect(renderForMatrix({ tone: "ok", blocks: [{ type: "text", text: "x" }] }, { msgtype: "text" })[0]?.msgtype).toBe("m.text");
  });

  it("splits a reply too large for one event, keeping every item once, in order", () => {
    const parts = renderForMatrix(big, { msgtype: "notice", maxBytes: 20_000 });
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(contentBytes(part)).toBeLessThanOrEqual(20_000);
    const items = parts.flatMap((part) => part.body.split("\n").filter((line) => line.startsWith("* ")));
    expect(items).toEqual(renderPlain(big).split("\n").filter((line) => line.startsWith("* ")));
    expect(parts[0]!.body).toMatch(/^Big 1\.0: taking stock\n\nLots of features\.\n\n== Finished features ==/);
    expect(parts[1]!.body).toMatch(/^== Finished features \(continued\) ==/);
    expect(parts.some((part) => /^== Features at risk ==$/m.test(part.body))).toBe(true);
  });

  it("leaves a reply that fits whole", () => {
    expect(splitReply({ tone: "ok", blocks: [{ type: "text", text: "short" }] }, 60_000)).toHaveLength(1);
  });

  it("sends plain lines, a few per message, in rooms bridged to IRC", () => {
    const parts = renderForMatrix(big, { msgtype: "notice", irc: { lineBudget: 8, linesPerMessage: 3, prefix: "!" } });
    expect(parts.every((part) => part.format === undefined && part.formatted_body === undefined)).toBe(true);
    const lines = parts.flatMap((part) => part.body.split("\n"));
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(parts.map((part) => part.body.split("\n").length).slice(0, -1).every((n) => n === 3)).toBe(true);
    expect(lines.at(-1)).toMatch(/^Full list \(\d+ lines\): !stock full$/);
  });

  it("keeps each bridged line within the bytes the bridge can relay unsplit, so no message grows past its lines", () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ text: `${"Größenänderung für blktap3 日本語の機能 ".repeat(5)}${i}` }));
    const reply: Reply = { tone: "info", blocks: [{ type: "sections", sections: [{ bucket: "fair", heading: "Fair", items }] }], full: true };
    const parts = renderForMatrix(reply, { msgtype: "notice", irc: { lineBudget: 8, linesPerMessage: 3, prefix: "!" } });
    for (const part of parts) {
      const lines = part.body.split("\n");
      expect(lines.length).toBeLessThanOrEqual(3);
      for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(bridgedTextBytes());
    }
    const confirmation = renderForMatrix({ tone: "ok", blocks: [{ type: "list", items: [{ text: "blktap3: at risk → fair" }] }] }, { msgtype: "notice", irc: { lineBudget: 8, linesPerMessage: 3, prefix: "!", addressee: "ian" } });
    expect(confirmation.map((part) => part.body)).toEqual(["ian: blktap3: at risk → fair"]);
  });

  it("measures events in UTF-8 bytes, and links the project's page from the last one only", () => {
    const wide: Reply = {
      tone: "info",
      blocks: [{ type: "sections", sections: [{ bucket: "fair", heading: "Fair", items: Array.from({ length: 200 }, (_, i) => ({ text: `日本語の機能 ${i} ${"é".repeat(30)}` })) }] }],
      link: { text: "Web page", url: "https://stocktake.example/p/xen" },
    };
    const parts = renderForMatrix(wide, { msgtype: "text", maxBytes: 4_000 });
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(contentBytes(part)).toBeLessThanOrEqual(4_000);
    expect(parts.filter((part) => part.body.includes("https://stocktake.example/p/xen"))).toEqual([parts.at(-1)]);
    expect(parts.slice(1).every((part) => part.body.startsWith("== Fair (continued) =="))).toBe(true);
  });
});


describe("what the adapter adds to an event", () => {
  it("fits within the content limit beside the rendered parts: a full summary's events stay under it once sent", () => {
    // Small items fill each event to within a few bytes of what the splitter is given.
    const items = Array.from({ length: 6_000 }, (_, i) => ({ text: `F${i}` }));
    const parts = renderForMatrix({ tone: "info", blocks: [{ type: "sections", sections: [{ bucket: "at-risk", heading: "Features at risk", items }] }] }, { msgtype: "notice" });
    expect(parts.length).toBeGreaterThan(1);
    const envelope = { "m.mentions": {}, "m.relates_to": { rel_type: "m.thread", event_id: `$${"e".repeat(43)}`, is_falling_back: true, "m.in_reply_to": { event_id: `$${"e".repeat(43)}` } } };
    for (const part of parts) expect(contentBytes({ ...part, ...envelope } as never)).toBeLessThanOrEqual(60_000);
  });
});

describe("events filled to the byte budget (issue 13, item 4)", () => {
  const BUDGET = 8_000;
  // Sections of items of different sizes, some non-ASCII (bytes, not characters), some with
  // characters JSON escapes, some with sub-items; a text block between; a link long enough that
  // keeping room for it in every event would leave an item out of each.
  const item = (i: number): ListItem => ({
    text: i % 7 === 0 ? `Größe ${i} "quoted" \\ 日本語` : `Feature ${i}${"x".repeat(i % 40)}`,
    ...(i % 3 === 0 ? { details: [`owner: person ${i}`, `status: <b>${i}</b> & more`] } : {}),
    ...(i % 11 === 0 ? { children: [{ text: `sub-item ${i}.1`, details: ["stale: no update for 20 days"] }, { text: `sub-item ${i}.2` }] } : {}),
  });
  const sections: Section[] = (["done", "on-track", "fair", "at-risk"] as const).map((bucket, s) => ({ bucket, heading: `Bucket ${bucket}`, items: Array.from({ length: 60 + s * 30 }, (_, i) => item(s * 1000 + i)) }));
  const reply: Reply = {
    tone: "info",
    blocks: [{ type: "heading", text: "Xen 4.3: taking stock" }, { type: "text", text: "Month 4 of 9. 300 features: …" }, { type: "sections", sections }],
    link: { text: "Web page", url: `https://stocktake.example/p/xen?${"q".repeat(400)}` },
  };
  const events = renderForMatrix(reply, { msgtype: "notice", maxBytes: BUDGET });
  const parts = splitReply(reply, BUDGET);

  it("keeps every event within the budget, and the parts are the events", () => {
    expect(events.length).toBeGreaterThan(5);
    for (const event of events) expect(contentBytes(event)).toBeLessThanOrEqual(BUDGET);
    expect(parts.map((part) => renderPlain(part))).toEqual(events.map((event) => event.body));
    expect(parts.map((part) => renderHtml(part))).toEqual(events.map((event) => event.formatted_body));
  });

  it("never cuts inside an item: each is whole in exactly one event, in plain text and in HTML", () => {
    for (const section of sections) {
      for (const entry of section.items) {
        expect(events.filter((event) => event.body.includes(plainItem(entry, false)))).toHaveLength(1);
        expect(events.filter((event) => event.formatted_body!.includes(htmlItem(entry)))).toHaveLength(1);
      }
    }
  });

  it("reads as the unsplit reply once the headings that say “continued” are taken out", () => {
    let body = events[0]!.body;
    let html = events[0]!.formatted_body!;
    for (const event of events.slice(1)) {
      const carried = /^== (.*) \(continued\) ==\n\n/.exec(event.body);
      if (carried) {
        body += `\n${event.body.slice(carried[0].length)}`;
        const section = sections.find((candidate) => candidate.heading === carried[1])!;
        const opening = `${htmlSectionHeading({ bucket: section.bucket, heading: `${section.heading} (continued)` })}<ul>`;
        expect(event.formatted_body!.startsWith(opening)).toBe(true);
        expect(html.endsWith("</ul>")).toBe(true);
        html = html.slice(0, -"</ul>".length) + event.formatted_body!.slice(opening.length);
      } else {
        body += `\n\n${event.body}`;
        html += event.formatted_body!;
      }
    }
    expect(body).toBe(renderPlain(reply));
    expect(html).toBe(renderHtml(reply));
  });

  it("fills each event: the next event's first item would not have fitted in the one before", () => {
    const pieces = replyPieces(reply);
    let start = 0;
    for (const [i, part] of parts.entries()) {
      const end = start + replyPieces(part).length;
      if (i < parts.length - 1) {
        const continued = start > 0 && sameContainer(pieces[start - 1]!, pieces[start]!);
        const blocks = assemble(pieces, start, end + 1, continued);
        const grown: Reply = end + 1 === pieces.length ? { ...part, blocks, link: reply.link! } : { ...part, blocks };
        const content = { msgtype: "m.notice" as const, body: renderPlain(grown), format: "org.matrix.custom.html" as const, formatted_body: renderHtml(grown) };
        expect(contentBytes(content)).toBeGreaterThan(BUDGET);
      }
      start = end;
    }
    expect(start).toBe(pieces.length);
  });
});
