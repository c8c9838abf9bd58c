import { DEFAULT_VOICE, type Voice } from "../../src/reply/inline.js";
import { renderHtml } from "../../src/reply/render-html.js";
import { bridgedTextBytes } from "../../src/reply/irc-lines.js";
import { renderIrc } from "../../src/reply/render-irc.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import type { PersonRef, Reply } from "../../src/reply/reply.js";
import { splitReply as splitByMeasure } from "../../src/reply/split.js";
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
  const msgtype = options.msgtype === "text" ? "m.text" : "m.notice";
  if (options.irc) {
    const { lineBudget, prefix, person, addressee } = options.irc;
    const lines = renderIrc(reply, { lineBudget, prefix, maxLineLength: options.irc.lineBytes ?? bridgedTextBytes(), ...(person ? { person } : {}), ...(addressee === undefined ? {} : { addressee }) });
    const messages: MessageContent[] = [];
    for (let i = 0; i < lines.length; i += options.irc.linesPerMessage) {
      messages.push({ msgtype, body: lines.slice(i, i + options.irc.linesPerMessage).join("\n") });
    }
    return messages;
  }
  return events(reply, options.maxBytes ?? MAX_CONTENT_BYTES - ENVELOPE_BYTES, msgtype, { commandPrefix: options.prefix ?? "!" }).map((event) => event.content);
}

function html(reply: Reply, msgtype: MessageContent["msgtype"], voice: Voice): MessageContent {
  return { msgtype, body: renderPlain(reply, { voice }), format: "org.matrix.custom.html", formatted_body: renderHtml(reply, { voice }) };
}

/** The reply split by the core splitter, measured in what Matrix limits; each part rendered once. */
function events(reply: Reply, maxBytes: number, msgtype: MessageContent["msgtype"], voice: Voice = DEFAULT_VOICE): { part: Reply; content: MessageContent }[] {
  const rendered = new WeakMap<Reply, MessageContent>();
  const measure = (part: Reply) => {
    const content = html(part, msgtype, voice);
    rendered.set(part, content);
    return contentBytes(content);
  };
  const estimate = (piece: Reply) => contentBytes(html(piece, msgtype, voice));
  return splitByMeasure(reply, measure, maxBytes, { estimate }).map((part) => ({ part, content: rendered.get(part) ?? html(part, msgtype, voice) }));
}

/** A reply as the parts that become events of at most `maxBytes` of content each. */
export function splitReply(reply: Reply, maxBytes: number = MAX_CONTENT_BYTES): Reply[] {
  return events(reply, maxBytes, "m.notice").map((event) => event.part);
}
