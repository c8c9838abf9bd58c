import { IRC_TEXT_BYTES } from "../../src/reply/render-irc.js";
import { utf8Bytes } from "../../src/util/utf8.js";

/** A line is 512 bytes with its CRLF. */
const LINE_BYTES = 510;
/** What a server may put in our prefix: a user name of 10 (with "~") and a host of 63 bytes. */
const USER_BYTES = 10;
const HOST_BYTES = 63;

/**
 * Bytes of text a line to `target` can carry once the server relays it with our prefix,
 * `:nick!user@host NOTICE #chan :`, measured for the longest user and host it may show, and never
 * more than the renderers' own `IRC_TEXT_BYTES`.
 */
export function textBytes(nick: string, command: "NOTICE" | "PRIVMSG", target: string): number {
  const prefix = 1 + utf8Bytes(nick) + 1 + USER_BYTES + 1 + HOST_BYTES + 1 + command.length + 1 + utf8Bytes(target) + 2;
  return Math.min(IRC_TEXT_BYTES, LINE_BYTES - prefix);
}

// C0 controls carry IRC formatting (^B bold, ^C colour, ^O reset, ^V reverse, ^] italic, ^_ underline)
// and CR/LF end lines: none of them may come from what people typed.
// eslint-disable-next-line no-control-regex
const CONTROL = /\u0003(?:\d{1,2}(?:,\d{1,2})?)?|[\u0000-\u001F\u007F]/g;

/** Text without IRC formatting codes (colour numbers included) or other control characters. */
export function stripFormatting(text: string): string {
  return text.replace(CONTROL, (match) => (match === "\t" ? " " : ""));
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * One line as lines of at most `maxBytes` UTF-8 bytes: broken at the last space that fits, else
 * between characters (never inside one: a title in Greek or with emoji stays readable).
 */
export function fitLine(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (utf8Bytes(rest) > maxBytes) {
    let bytes = 0;
    let cut = 0;
    let lastSpace = -1;
    for (const { segment, index } of graphemes.segment(rest)) {
      const size = utf8Bytes(segment);
      if (bytes + size > maxBytes) break;
      bytes += size;
      cut = index + segment.length;
      if (segment === " ") lastSpace = index;
    }
    const at = lastSpace > 0 ? lastSpace : Math.max(cut, 1);
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== "" || out.length === 0) out.push(rest);
  return out;
}
