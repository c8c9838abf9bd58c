import { BUCKET_INFO } from "../model/buckets.js";
import { BARE_STYLE, renderText, type InlineStyle } from "./inline.js";
import { renderPlain } from "./render-plain.js";
import type { Block, ListItem, Reply, Section } from "./reply.js";

export interface IrcRenderOptions {
  /** A summary longer than this many lines is condensed, unless the person asked for all of it. */
  lineBudget: number;
  /** What starts a command, for the pointer to the full text. */
  prefix: string;
  /** Where the full text can also be read (the web page's export), when there is one. */
  fullTextUrl?: string;
  /** Longest line a condensed item list packs items into; IRC lines end at 512 bytes with the protocol. */
  maxLineLength?: number;
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
  const all = ircLines(reply, options);
  const sections = reply.blocks.filter((block): block is Extract<Block, { type: "sections" }> => block.type === "sections").flatMap((block) => block.sections);
  if (reply.full || sections.length === 0 || all.length <= options.lineBudget) return all;
  return condense(reply, sections, all.length, options);
}

function condense(reply: Reply, sections: readonly Section[], total: number, options: IrcRenderOptions): string[] {
  const write = (text: ListItem["text"]) => renderText(text, ircStyle(options), { commandPrefix: options.prefix });
  const head: string[] = [];
  for (const block of reply.blocks) {
    if (block.type === "heading" || block.type === "text") head.push(...write(block.text).split("\n").map(clean).filter((line) => line.trim() !== ""));
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
    lines.push(...packItems(`${capitalise(BUCKET_INFO[focus.bucket].label)} (${focus.items.length})`, names, room, options.maxLineLength ?? 400));
  }
  lines.push(pointer);
  return lines;
}

/** "At risk (16): a; b; c" over at most `room` lines, ending "… and N more" when they do not fit. */
function packItems(label: string, names: readonly string[], room: number, width: number): string[] {
  const lines: string[] = [];
  let line = `${label}:`;
  let first = true;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const piece = first ? ` ${name}` : `; ${name}`;
    const left = names.length - i;
    const lastLine = lines.length === room - 1;
    // On the last line keep space for "… and N more" unless this is the last item.
    const reserve = lastLine && left > 1 ? ` … and ${left - 1} more`.length : 0;
    if (line.length + piece.length + reserve > width && !first) {
      if (lastLine) {
        lines.push(`${line} … and ${left} more`);
        return lines;
      }
      lines.push(`${line};`);
      line = ` ${name}`.trimStart();
      continue;
    }
    line += piece;
    first = false;
  }
  lines.push(line);
  return lines;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
