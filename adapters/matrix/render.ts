import { renderHtml } from "../../src/reply/render-html.js";
import { renderIrc } from "../../src/reply/render-irc.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import type { Block, Reply, Section } from "../../src/reply/reply.js";

/**
 * Matrix limits a whole event (content plus signatures, hashes and references to earlier events)
 * to 65 536 bytes. 60 000 bytes of content leaves room for the rest.
 */
export const MAX_CONTENT_BYTES = 60_000;

export interface MessageContent {
  msgtype: "m.notice" | "m.text";
  body: string;
  format?: "org.matrix.custom.html";
  formatted_body?: string;
}

export interface IrcStyle {
  lineBudget: number;
  linesPerMessage: number;
  prefix: string;
}

export interface RenderOptions {
  msgtype: "notice" | "text";
  /** Set in rooms bridged to IRC: plain lines only, a long summary condensed. */
  irc?: IrcStyle;
  maxBytes?: number;
}

export function contentBytes(content: MessageContent): number {
  return Buffer.byteLength(JSON.stringify(content));
}

/** A reply as one or more message contents: HTML with a plain fallback, or plain IRC lines. */
export function renderForMatrix(reply: Reply, options: RenderOptions): MessageContent[] {
  const msgtype = options.msgtype === "text" ? "m.text" : "m.notice";
  if (options.irc) {
    const lines = renderIrc(reply, { lineBudget: options.irc.lineBudget, prefix: options.irc.prefix });
    const messages: MessageContent[] = [];
    for (let i = 0; i < lines.length; i += options.irc.linesPerMessage) {
      messages.push({ msgtype, body: lines.slice(i, i + options.irc.linesPerMessage).join("\n") });
    }
    return messages;
  }
  return splitReply(reply, options.maxBytes ?? MAX_CONTENT_BYTES).map((part) => html(part, msgtype));
}

function html(reply: Reply, msgtype: MessageContent["msgtype"]): MessageContent {
  return { msgtype, body: renderPlain(reply), format: "org.matrix.custom.html", formatted_body: renderHtml(reply) };
}

/**
 * Splits a reply too large for one event at block, section and item boundaries. Pieces are packed
 * by their estimated size, then each part is measured for real and halved again if it is over.
 */
export function splitReply(reply: Reply, maxBytes: number): Reply[] {
  if (contentBytes(html(reply, "m.notice")) <= maxBytes) return [reply];
  const pieces = reply.blocks.flatMap(explode);
  const parts: Block[][] = [];
  let current: Block[] = [];
  let size = 0;
  const budget = maxBytes * 0.9;
  for (const piece of pieces) {
    const estimate = estimateBytes(piece);
    if (current.length > 0 && size + estimate > budget) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current = append(current, piece, current.length === 0 && continues(parts.at(-1), piece));
    size += estimate;
  }
  if (current.length > 0) parts.push(current);
  return parts.flatMap((blocks) => fit({ ...reply, blocks }, maxBytes));
}

/** Halves a part until each half fits; a single item always fits (titles and notes are bounded). */
function fit(reply: Reply, maxBytes: number): Reply[] {
  if (contentBytes(html(reply, "m.notice")) <= maxBytes) return [reply];
  const pieces = reply.blocks.flatMap(explode);
  if (pieces.length <= 1) return [reply];
  const middle = Math.ceil(pieces.length / 2);
  const pack = (blocks: Block[]) => blocks.reduce<Block[]>((out, piece) => append(out, piece, false), []);
  return [...fit({ ...reply, blocks: pack(pieces.slice(0, middle)) }, maxBytes), ...fit({ ...reply, blocks: pack(pieces.slice(middle)) }, maxBytes)];
}

/** The smallest pieces a block splits into: one section item, one list item. */
function explode(block: Block): Block[] {
  if (block.type === "sections") {
    return block.sections.flatMap((section) =>
      section.items.length === 0 ? [{ type: "sections", sections: [section] }] : section.items.map((item): Block => ({ type: "sections", sections: [{ ...section, items: [item] }] })),
    );
  }
  if (block.type === "list") return block.items.map((item): Block => ({ type: "list", items: [item] }));
  return [block];
}

/** Adds a piece, merging it into the previous block when both belong to the same list or section. */
function append(blocks: Block[], piece: Block, continued: boolean): Block[] {
  const last = blocks.at(-1);
  if (last?.type === "list" && piece.type === "list") return [...blocks.slice(0, -1), { type: "list", items: [...last.items, ...piece.items] }];
  if (last?.type === "sections" && piece.type === "sections") {
    const tail = last.sections.at(-1);
    const incoming = piece.sections[0]!;
    if (tail && tail.bucket === incoming.bucket && sameHeading(tail, incoming)) {
      const merged: Section = { ...tail, items: [...tail.items, ...incoming.items] };
      return [...blocks.slice(0, -1), { type: "sections", sections: [...last.sections.slice(0, -1), merged] }];
    }
    return [...blocks.slice(0, -1), { type: "sections", sections: [...last.sections, incoming] }];
  }
  if (continued && piece.type === "sections") {
    const section = piece.sections[0]!;
    return [...blocks, { type: "sections", sections: [{ ...section, heading: `${section.heading} (continued)` }] }];
  }
  return [...blocks, piece];
}

/** Whether a part starting with `piece` carries on the section the previous part ended in. */
function continues(previous: Block[] | undefined, piece: Block): boolean {
  const last = previous?.at(-1);
  if (last?.type !== "sections" || piece.type !== "sections") return false;
  const tail = last.sections.at(-1);
  const incoming = piece.sections[0];
  return tail !== undefined && incoming !== undefined && tail.bucket === incoming.bucket && sameHeading(tail, incoming);
}

function sameHeading(a: Section, b: Section): boolean {
  return a.heading === b.heading || a.heading === `${b.heading} (continued)`;
}

function estimateBytes(block: Block): number {
  const reply: Reply = { tone: "info", blocks: [block] };
  // JSON escapes newlines and quotes; 10 % covers them.
  return Math.ceil((Buffer.byteLength(renderPlain(reply)) + Buffer.byteLength(renderHtml(reply))) * 1.1) + 8;
}
