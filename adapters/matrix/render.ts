import { DEFAULT_VOICE, type Voice } from "../../src/reply/inline.js";
import { renderInSlices } from "../../src/reply/in-slices.js";
import { htmlBlock, htmlItem, htmlLink, htmlSectionHeading, HTML_LIST_CLOSE, HTML_LIST_OPEN, renderHtml } from "../../src/reply/render-html.js";
import { bridgedTextBytes } from "../../src/reply/irc-lines.js";
import { renderIrcSteps } from "../../src/reply/render-irc.js";
import { plainBlock, plainItem, plainLink, plainMemo, plainSectionHeading, PLAIN_BLOCK_SEPARATOR, renderPlain } from "../../src/reply/render-plain.js";
import type { ListItem, PersonRef, Reply } from "../../src/reply/reply.js";
import { assemble, continuedHeading, replyPieces, sameContainer, splitSteps, type Piece } from "../../src/reply/split.js";
import { runAtOnce, type Steps } from "../../src/util/steps.js";
import { utf8Bytes } from "../../src/util/utf8.js";

/**
 * Matrix limits a whole event (content plus signatures, hashes and references to earlier events)
 * to 65 536 bytes. 60 000 bytes of content leaves room for the rest.
 */
export const MAX_CONTENT_BYTES = 60_000;

/**
 * What the adapter adds to a rendered content before sending: `m.mentions` and an `m.relates_to`
 * with a thread and a reply (two event ids). Kept free so the sent content stays within the limit.
 */
export const ENVELOPE_BYTES = 512;

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
  /** How people are named to IRC users: a nick where one is known, else their name. */
  person?: (person: PersonRef) => string;
  /** Longest line in UTF-8 bytes, room left for the prefix the bridge adds (default: `bridgedTextBytes()`). */
  lineBytes?: number;
  /** The nick of whoever the reply answers: confirmations name them, since IRC users see no reply quote. */
  addressee?: string;
}

export interface RenderOptions {
  msgtype: "notice" | "text";
  /** What starts a command here (default "!"). */
  prefix?: string;
  /** Set in rooms bridged to IRC: plain lines only, a long summary condensed. */
  irc?: IrcStyle;
  maxBytes?: number;
}

/** What Matrix limits: the UTF-8 bytes of the event content as JSON. */
export function contentBytes(content: MessageContent): number {
  return utf8Bytes(JSON.stringify(content));
}

/** A reply as one or more message contents: HTML with a plain fallback, or plain IRC lines. */
export function renderForMatrix(reply: Reply, options: RenderOptions): MessageContent[] {
  return runAtOnce(matrixSteps(reply, options));
}

/**
 * `renderForMatrix` a few milliseconds at a time, giving the event loop a turn in between: what
 * the adapter sends, so a summary of a large release never holds up other rooms while it renders.
 */
export function renderForMatrixInSlices(reply: Reply, options: RenderOptions): Promise<MessageContent[]> {
  return renderInSlices(reply, matrixSteps(reply, options));
}

function* matrixSteps(reply: Reply, options: RenderOptions): Steps<MessageContent[]> {
  const msgtype = options.msgtype === "text" ? "m.text" : "m.notice";
  if (options.irc) {
    const { lineBudget, prefix, person, addressee } = options.irc;
    const lines = yield* renderIrcSteps(reply, { lineBudget, prefix, maxLineLength: options.irc.lineBytes ?? bridgedTextBytes(), ...(person ? { person } : {}), ...(addressee === undefined ? {} : { addressee }) });
    const messages: MessageContent[] = [];
    for (let i = 0; i < lines.length; i += options.irc.linesPerMessage) {
      messages.push({ msgtype, body: lines.slice(i, i + options.irc.linesPerMessage).join("\n") });
    }
    return messages;
  }
  const parts = yield* eventSteps(reply, options.maxBytes ?? MAX_CONTENT_BYTES - ENVELOPE_BYTES, msgtype, { commandPrefix: options.prefix ?? "!" });
  return parts.map((event) => event.content);
}

/** A reply as the parts that become events of at most `maxBytes` of content each. */
export function splitReply(reply: Reply, maxBytes: number = MAX_CONTENT_BYTES): Reply[] {
  return runAtOnce(eventSteps(reply, maxBytes, "m.notice", DEFAULT_VOICE)).map((event) => event.part);
}

/** What JSON escapes, and what takes more than a byte in UTF-8: text without either is one byte a character. */
const NOT_ONE_BYTE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/** UTF-8 bytes `text` takes inside a JSON string, its escapes (`\n`, `\"`, `\u0000`) counted. */
function jsonBytes(text: string): number {
  return NOT_ONE_BYTE.test(text) ? utf8Bytes(JSON.stringify(text)) - 2 : text.length;
}

interface Event {
  part: Reply;
  content: MessageContent;
}

/**
 * The reply split into events filled to `maxBytes` of content. Each item is written once, in
 * plain text and in HTML, and its bytes counted once: a part's size is the sum of its items and
 * of what the renderers put around them (JSON escapes each character on its own, so bytes add up),
 * and a part is written by joining the items already written. A part the sums got wrong (they
 * should not) is caught by measuring each event as sent, and the reply is then split the slow way.
 */
function* eventSteps(reply: Reply, maxBytes: number, msgtype: MessageContent["msgtype"], voice: Voice): Steps<Event[]> {
  const plain = { voice, memo: plainMemo() };
  const html = { voice, memo: new WeakMap<ListItem, string>() };
  const render = (part: Reply): MessageContent => ({ msgtype, body: renderPlain(part, plain), format: "org.matrix.custom.html", formatted_body: renderHtml(part, html) });
  const pieces = replyPieces(reply);
  if (pieces.length <= 1) return [{ part: reply, content: render(reply) }];

  const { link, ...bare } = reply;
  const empty = contentBytes({ msgtype, body: "", format: "org.matrix.custom.html", formatted_body: "" });
  const blockSeparator = jsonBytes(PLAIN_BLOCK_SEPARATOR);
  const newline = jsonBytes("\n");
  const list = jsonBytes(HTML_LIST_OPEN + HTML_LIST_CLOSE);
  const linkBytes = link ? blockSeparator + jsonBytes(plainLink(link)) + jsonBytes(htmlLink(link)) : 0;
  /** Bytes piece `i` adds to a part whose last piece is `last` (none: it starts the part). */
  const adds = (i: number, last: Piece | undefined): number => {
    const piece = pieces[i]!;
    const newBlock = last === undefined || last.block !== piece.block;
    let bytes = newBlock && last !== undefined ? blockSeparator : 0;
    const source = piece.source;
    if (source.type === "list") {
      bytes += newBlock ? list : newline;
      bytes += jsonBytes(plainItem(piece.item!, true, plain)) + jsonBytes(htmlItem(piece.item!, html));
    } else if (source.type === "sections") {
      if (newBlock || last.section !== piece.section) {
        if (!newBlock) bytes += blockSeparator;
        const section = source.sections[piece.section!]!;
        const heading = last === undefined && i > 0 && sameContainer(pieces[i - 1]!, piece) ? continuedHeading(section.heading) : section.heading;
        bytes += jsonBytes(`${plainSectionHeading(heading)}\n`) + jsonBytes(htmlSectionHeading({ bucket: section.bucket, heading })) + list;
      }
      if (piece.item) bytes += newline + jsonBytes(plainItem(piece.item, false, plain)) + jsonBytes(htmlItem(piece.item, html));
    } else {
      bytes += jsonBytes(plainBlock(source, plain)) + jsonBytes(htmlBlock(source, html));
    }
    return bytes;
  };

  // Packed greedily: each part takes pieces while they fit, the last one with room for the link.
  const ranges: [number, number][] = [];
  let start = 0;
  let size = empty;
  for (let i = 0; i < pieces.length; i++) {
    const room = maxBytes - (i === pieces.length - 1 ? linkBytes : 0);
    let added = adds(i, i === start ? undefined : pieces[i - 1]);
    if (i > start && size + added > room) {
      ranges.push([start, i]);
      start = i;
      size = empty;
      added = adds(i, undefined);
    }
    size += added;
    yield;
  }
  ranges.push([start, pieces.length]);

  if (ranges.length === 1) {
    // It all fits: the reply as it is (with any empty list the pieces leave out), if that fits too.
    const content = render(reply);
    if (contentBytes(content) <= maxBytes) return [{ part: reply, content }];
  }
  const events: Event[] = [];
  for (const [from, to] of ranges) {
    const blocks = assemble(pieces, from, to, from > 0 && sameContainer(pieces[from - 1]!, pieces[from]!));
    const part: Reply = to === pieces.length && link ? { ...bare, blocks, link } : { ...bare, blocks };
    const content = render(part);
    if (to - from > 1 && contentBytes(content) > maxBytes) return yield* slowEvents(reply, maxBytes, render);
    events.push({ part, content });
    yield;
  }
  return events;
}

/** The core splitter with a measure that renders each part: only if the sums above were wrong. */
function* slowEvents(reply: Reply, maxBytes: number, render: (part: Reply) => MessageContent): Steps<Event[]> {
  const rendered = new WeakMap<Reply, MessageContent>();
  const measure = (part: Reply) => {
    const content = render(part);
    rendered.set(part, content);
    return contentBytes(content);
  };
  const parts = yield* splitSteps(reply, measure, maxBytes);
  return parts.map((part) => ({ part, content: rendered.get(part) ?? render(part) }));
}
