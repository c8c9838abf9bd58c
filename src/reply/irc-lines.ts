import { utf8Bytes } from "../util/utf8.js";

/**
 * What an IRC line may carry, for both ways Stocktake reaches IRC: its own connection
 * (adapters/irc) and a Matrix room bridged to a channel, where the bridge relays each line of
 * ours under a puppet's prefix. One measure (UTF-8 bytes), one splitter.
 */

/** A line is 512 bytes with its CRLF. */
const LINE_BYTES = 510;
/** What a server may put in a sender's prefix: a user name of 10 (with "~") and a host of 63 bytes. */
const USER_BYTES = 10;
const HOST_BYTES = 63;
/** Longest nick the big networks allow (OFTC: 30; Libera.Chat: 16): a bridge's puppet for the bot may have it. */
const MAX_NICK_BYTES = 30;
/** CHANNELLEN on most networks. */
const MAX_CHANNEL_BYTES = 50;

/**
 * Bytes of text an IRC line can carry. Nothing is packed wider than this even where the prefix
 * would leave more room: 400 is what bridges and clients are known to pass on unsplit.
 */
export const IRC_TEXT_BYTES = 400;

/**
 * Bytes of text a line from `nick` to `target` can carry once the server relays it with the
 * sender's prefix, `:nick!user@host PRIVMSG #chan :`, measured for the longest user and host it
 * may show, and never more than `IRC_TEXT_BYTES`. A number stands for a name not known yet, by
 * its length in bytes.
 */
export function textBytes(nick: string | number, command: "NOTICE" | "PRIVMSG", target: string | number): number {
  const prefix = 1 + nameBytes(nick) + 1 + USER_BYTES + 1 + HOST_BYTES + 1 + command.length + 1 + nameBytes(target) + 2;
  return Math.min(IRC_TEXT_BYTES, LINE_BYTES - prefix);
}

function nameBytes(name: string | number): number {
  return typeof name === "number" ? name : utf8Bytes(name);
}

/**
 * Bytes of text a line of ours can carry in a Matrix room bridged to IRC. The bridge relays it
 * under the bot's puppet, whose nick, user and host we do not see (a bridge cloak such as
 * `gateway/shell/matrix.org/x-…` fills the host), so all are counted at their longest; the
 * channel by its name when the bridge said it, else at the longest usual length.
 */
export function bridgedTextBytes(channel?: string): number {
  return textBytes(MAX_NICK_BYTES, "PRIVMSG", channel ?? MAX_CHANNEL_BYTES);
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
 * between characters (never inside one: a title in Greek or with emoji stays readable). Renderers
 * put one item on a line or pack items between items, so this only cuts a single item too long
 * for any line.
 */
export function fitLine(line: string, maxBytes: number): string[] {
  // No UTF-16 unit takes more than 3 bytes in UTF-8 (a pair of surrogates is 4 for two): a line
  // this short fits without being measured, which is nearly every line.
  if (line.length * 3 <= maxBytes) return [line];
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
