import { BUCKET_INFO } from "../model/buckets.js";
import { BARE_STYLE, renderText, type InlineStyle } from "./inline.js";
import { runAtOnce, type Steps } from "../util/steps.js";
import { plainBlock, plainItemLines, plainLink, plainSectionHeading } from "./render-plain.js";
import type { Block, ListItem, PersonRef, Reply, ReplyBrief, Section, Text } from "./reply.js";
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
  /** How a person is named there (an IRC nick); default: their name (`personName`). */
  person?: (person: PersonRef) => string;
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

/** Items written, and lines fitted, between steps: each a few tens of microseconds of work, so a step is not mostly the stepping. */
const STEP_ITEMS = 32;
const STEP_LINES = 128;

/** Every line of the plain rendering, without blank lines: what IRC users see of the whole reply. */
export function ircLines(reply: Reply, options: Pick<IrcRenderOptions, "prefix" | "person"> = { prefix: "!" }): string[] {
  return runAtOnce(ircLineSteps(reply, options));
}

/**
 * `ircLines` a block or an item at a time: the plain rendering's lines are each block's lines and,
 * in lists and sections, each heading's and item's (the blank lines the plain layout puts between
 * them are left out either way).
 */
function* ircLineSteps(reply: Reply, options: Pick<IrcRenderOptions, "prefix" | "person">): Steps<string[]> {
  const plain = { style: ircStyle(options), voice: { commandPrefix: options.prefix } };
  const lines: string[] = [];
  let written = 0;
  for (const block of reply.blocks) {
    if (block.type === "list") {
      for (const item of block.items) {
        for (const line of plainItemLines(item, true, plain)) addLines(lines, line);
        if (++written % STEP_ITEMS === 0) yield;
      }
    } else if (block.type === "sections") {
      for (const section of block.sections) {
        addLines(lines, plainSectionHeading(section.heading));
        for (const item of section.items) {
          for (const line of plainItemLines(item, false, plain)) addLines(lines, line);
          if (++written % STEP_ITEMS === 0) yield;
        }
      }
    } else addLines(lines, plainBlock(block, plain));
  }
  if (reply.link) addLines(lines, plainLink(reply.link));
  return lines;
}

/**
 * The lines of `text` that show something, cleaned, onto `lines`. A function of the module, not a
 * closure made per reply: under tsx every function made is also renamed as it is made.
 */
function addLines(lines: string[], text: string): void {
  for (const line of text.includes("\n") ? text.split("\n") : [text]) {
    const cleaned = clean(line);
    if (cleaned.trim() !== "") lines.push(cleaned);
  }
}

/**
 * A reply as plain IRC lines, for rooms bridged to IRC: no HTML, no edits, no threads. A summary
 * (a reply with bucket sections) longer than the line budget is condensed to its heading and text,
 * the at-risk items, and a pointer to the full text; everything else is sent whole.
 */
export function renderIrc(reply: Reply, options: IrcRenderOptions): string[] {
  return runAtOnce(renderIrcSteps(reply, options));
}

/** `renderIrc` as steps, to run in slices (see `runInSlices`): a full summary of a large release is thousands of lines. */
export function* renderIrcSteps(reply: Reply, options: IrcRenderOptions): Steps<string[]> {
  const width = options.maxLineLength ?? IRC_TEXT_BYTES;
  const all = yield* ircLineSteps(reply, options);
  const addressee = options.addressee !== undefined && reply.tone !== "info" ? options.addressee : undefined;
  if (reply.full || all.length <= options.lineBudget) return yield* fitted(all, width, addressee);
  if (reply.brief) return yield* fitted(brief(reply.brief, options, width), width, addressee);
  const sections = reply.blocks.filter((block): block is Extract<Block, { type: "sections" }> => block.type === "sections").flatMap((block) => block.sections);
  if (sections.length === 0) return yield* fitted(all, width, addressee);
  return yield* fitted(condense(reply, sections, all.length, options), width, addressee);
}

/** The lines within `width` bytes each, the first naming `addressee` when there is one. */
function* fitted(lines: string[], width: number, addressee: string | undefined): Steps<string[]> {
  const out: string[] = [];
  for (const line of addressee === undefined ? lines : addressed(lines, addressee)) {
    for (const piece of fitLine(line, width)) out.push(piece);
    if (out.length % STEP_LINES === 0) yield;
  }
  return out;
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
  return [...packItems(short.label, names.length, (i) => names[i]!, Math.max(1, options.lineBudget - 1), width, ", ", ","), write(short.after)];
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
    // Each name written when it is packed: a few lines hold a few of a bucket of thousands.
    const name = (i: number) => clean(write(focus.items[i]!.text));
    lines.push(...packItems(`${capitalise(BUCKET_INFO[focus.bucket].label)} (${focus.items.length})`, focus.items.length, name, room, width, "; ", ";"));
  }
  lines.push(pointer);
  return lines;
}

/**
 * "At risk (16): a; b; c" over at most `room` lines of at most `width` bytes, ending "… and N more"
 * when they do not fit. Lines break between items only: a name longer than a line has one to itself.
 * `name(i)` is each of the `count` names, asked for only as far as they are packed.
 */
function packItems(label: string, count: number, name: (index: number) => string, room: number, width: number, separator: string, lineEnd: string): string[] {
  const lines: string[] = [];
  let line = `${label}:`;
  let onLine = 0;
  let i = 0;
  while (i < count) {
    const piece = onLine > 0 ? `${separator}${name(i)}` : lines.length === 0 ? ` ${name(i)}` : name(i);
    const after = count - i - 1;
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
