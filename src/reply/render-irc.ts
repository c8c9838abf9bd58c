import { BUCKET_INFO } from "../model/buckets.js";
import { BARE_STYLE, renderText, type InlineStyle } from "./inline.js";
import { renderPlain } from "./render-plain.js";
import type { Block, ListItem, Reply, ReplyBrief, Section, Text } from "./reply.js";
import { utf8Bytes } from "../util/utf8.js";
import { fitLine, IRC_TEXT_BYTES } from "./irc-lines.js";

export { IRC_TEXT_BYTES } from "./irc-lines.js";

export interface IrcRenderOptions {
  /** A summary longer than this many lines is condensed, unless the person asked for all of it. */
  lineBudget: number;
  /** What starts a command, for the pointer to the full text. */
  prefix: string;
  /** Where the full text can also be read (the web page's export), when there is one. */
  fullTextUrl?: string;
  /**
   * Longest line, in UTF-8 bytes (default `IRC_TEXT_BYTES`): items are packed into lines this wide,
   * and a line that is longer on its own (one long title) is broken at a space.
   */
  maxLineLength?: number;
  /**
   * The nick of whoever the reply answers. In a channel no reply quote says who asked, so a
   * confirmation or a refusal names them on its first line ("ian: blktap3: at risk → fair").
   */
  addressee?: string;
  /** How a person is named there (an IRC nick); default: the id without its platform. */
  person?: (id: string) => string;
}

/** IRC has no markup: commands and code are bare, people are nicks. */
function ircStyle(options: Pick<IrcRenderOptions, "person">): InlineStyle {
  return options.person ? { ...BARE_STYLE, person: options.person } : BARE_STYLE;
}

// C0 controls also carry IRC formatting (^B bold, ^C colour, ^O reset, ^V, ^]): typed text must not restyle the channel.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** One line as IRC shows it: no control characters, no tabs. */
function clean(line: string): string {
  return line.replace(/\t/g, " ").replace(CONTROL, "").trimEnd();
}

/** Every line of the plain rendering, without blank lines: what IRC users see of the whole reply. */
export function ircLines(reply: Reply, options: Pick<IrcRenderOptions, "prefix" | "person"> = { prefix: "!" }): string[] {
  return renderPlain(reply, { style: ircStyle(options), voice: { commandPrefix: options.prefix } })
    .split("\n")
    .map(clean)
    .filter((line) => line.trim() !== "");
}

/**
 * A reply as plain IRC lines, for rooms bridged to IRC: no HTML, no edits, no threads. A summary
 * (a reply with bucket sections) longer than the line budget is condensed to its heading and text,
 * the at-risk items, and a pointer to the full text; everything else is sent whole.
 */
export function renderIrc(reply: Reply, options: IrcRenderOptions): string[] {
  const width = options.maxLineLength ?? IRC_TEXT_BYTES;
  const all = ircLines(reply, options);
  if (reply.full || all.length <= options.lineBudget) return fitted(all, reply, options, width);
  if (reply.brief) return fitted(brief(reply.brief, options, width), reply, options, width);
  const sections = reply.blocks.filter((block): block is Extract<Block, { type: "sections" }> => block.type === "sections").flatMap((block) => block.sections);
  if (sections.length === 0) return fitted(all, reply, options, width);
  return fitted(condense(reply, sections, all.length, options), reply, options, width);
}

/**
 * The lines as sent: the addressee named, each within `width`. A module function rather than a
 * closure in renderIrc: under tsx (esbuild's keepNames) a named closure is renamed with
 * Object.defineProperty each time it is made, on every reply.
 */
function fitted(lines: string[], reply: Reply, options: IrcRenderOptions, width: number): string[] {
  const named = options.addressee !== undefined && reply.tone !== "info" ? addressed(lines, options.addressee) : lines;
  return named.flatMap((line) => fitLine(line, width));
}

/** "ian: blktap3: at risk → fair [fair]": the first line names the person, without its bullet. */
function addressed(lines: string[], nick: string): string[] {
  if (lines.length === 0) return lines;
  const [first, ...rest] = lines;
  return [`${nick}: ${first!.replace(/^\* /, "")}`, ...rest];
}

/** The short form: its names packed into the lines the budget leaves, then the closing line. */
function brief(short: ReplyBrief, options: IrcRenderOptions, width: number): string[] {
  const write = (text: Text) => clean(renderText(text, ircStyle(options), { commandPrefix: options.prefix }));
  const names = short.names.map(write);
  return [...packItems(short.label, names, Math.max(1, options.lineBudget - 1), width, ", ", ","), write(short.after)];
}

function condense(reply: Reply, sections: readonly Section[], total: number, options: IrcRenderOptions): string[] {
  const write = (text: ListItem["text"]) => renderText(text, ircStyle(options), { commandPrefix: options.prefix });
  const width = options.maxLineLength ?? IRC_TEXT_BYTES;
  const head: string[] = [];
  for (const block of reply.blocks) {
    // Fitted here already, so the room left for items counts the lines they really take.
    if (block.type === "heading" || block.type === "text") head.push(...write(block.text).split("\n").map(clean).filter((line) => line.trim() !== "").flatMap((line) => fitLine(line, width)));
    else if (block.type === "list") head.push(`(${block.items.length} ${block.items.length === 1 ? "entry" : "entries"} more in the full text)`);
  }
  const command = `${options.prefix}${reply.expand ?? "stock full"}`;
  // The project's web page, when the reply links to one, is the easiest place to read all of it.
  const url = options.fullTextUrl ?? reply.link?.url;
  const pointer = `Full list (${total} lines): ${command}${url ? ` or ${url}` : ""}`;
  // The items people act on: those at risk; in a one-bucket summary, that bucket's.
  const focus = sections.find((section) => section.bucket === "at-risk") ?? (sections.length === 1 ? sections[0] : undefined);
  const lines = [...head];
  if (focus) {
    const room = Math.max(1, options.lineBudget - head.length - 1);
    const names = focus.items.map((item) => clean(write(item.text)));
    lines.push(...packItems(`${capitalise(BUCKET_INFO[focus.bucket].label)} (${focus.items.length})`, names, room, width, "; ", ";"));
  }
  lines.push(pointer);
  return lines;
}

/**
 * "At risk (16): a; b; c" over at most `room` lines of at most `width` bytes, ending "… and N more"
 * when they do not fit. Lines break between items only: a name longer than a line has one to itself.
 */
function packItems(label: string, names: readonly string[], room: number, width: number, separator: string, lineEnd: string): string[] {
  const lines: string[] = [];
  let line = `${label}:`;
  let onLine = 0;
  let i = 0;
  while (i < names.length) {
    const piece = onLine > 0 ? `${separator}${names[i]}` : lines.length === 0 ? ` ${names[i]}` : names[i]!;
    const after = names.length - i - 1;
    const lastLine = lines.length === room - 1;
    // Room for what may end the line: the ";" before a break, or "… and N more" on the last line.
    const tail = after === 0 ? "" : lastLine ? ` … and ${after} more` : lineEnd;
    if (onLine > 0 && utf8Bytes(line) + utf8Bytes(piece) + utf8Bytes(tail) > width) {
      if (lastLine) {
        lines.push(`${line} … and ${after + 1} more`);
        return lines;
      }
      lines.push(`${line}${lineEnd}`);
      line = "";
      onLine = 0;
      continue;
    }
    line += piece;
    onLine++;
    i++;
  }
  lines.push(line);
  return lines;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
