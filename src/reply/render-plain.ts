import { BUCKET_INFO } from "../model/buckets.js";
import { neutralise } from "../util/typed-text.js";
import { DEFAULT_VOICE, PLAIN_STYLE, renderText, type InlineStyle, type Voice } from "./inline.js";
import type { Block, ListItem, Reply, ReplyLink, Section } from "./reply.js";

export interface PlainOptions {
  /** How commands start where this is read (default "!"). */
  voice?: Voice;
  /** How pieces are written (default: plain text with `code` in backticks). */
  style?: InlineStyle;
  /**
   * Items as already written with these options, kept by item: a splitter that writes each item
   * once to size it passes the same memo to write the parts, which then only join them.
   */
  memo?: PlainMemo;
}

/** Written items, by item: as list entries (with their badge) and as section entries. */
export interface PlainMemo {
  listed: WeakMap<ListItem, string>;
  sectioned: WeakMap<ListItem, string>;
}

export function plainMemo(): PlainMemo {
  return { listed: new WeakMap(), sectioned: new WeakMap() };
}

/** What writing a text needs; a record rather than a closure, which costs more per call under tsx. */
interface Context {
  style: InlineStyle;
  voice: Voice;
  memo: PlainMemo | undefined;
}

function context(options: PlainOptions): Context {
  return { style: options.style ?? PLAIN_STYLE, voice: options.voice ?? DEFAULT_VOICE, memo: options.memo };
}

function write(ctx: Context, text: ListItem["text"]): string {
  return renderText(text, ctx.style, ctx.voice);
}

/** What separates blocks, and sections: an empty line. */
export const PLAIN_BLOCK_SEPARATOR = "\n\n";

/**
 * Plain text, laid out the way release mails are: "== Heading ==", "* item", " - sub-item". This
 * is the mail export and the console's output, and what the summary round-trips through.
 */
export function renderPlain(reply: Reply, options: PlainOptions = {}): string {
  const ctx = context(options);
  const parts = reply.blocks.map((block) => renderBlock(block, ctx));
  if (reply.link) parts.push(plainLink(reply.link));
  return parts.join(PLAIN_BLOCK_SEPARATOR);
}

/** "Web page: https://…", the reply's last paragraph. */
export function plainLink(link: ReplyLink): string {
  return `${link.text}: ${link.url}`;
}

function renderBlock(block: Block, ctx: Context): string {
  switch (block.type) {
    case "heading":
    case "text":
      return write(ctx, block.text);
    case "pre":
      return neutralise(block.text);
    case "list":
      return block.items.map((item) => itemText(item, true, ctx)).join("\n");
    case "sections":
      return sectionsText(block.sections, ctx);
  }
}

/** A block that is not split (a heading, a text, preformatted text) as written in plain text. */
export function plainBlock(block: Exclude<Block, { type: "list" | "sections" }>, options: PlainOptions = {}): string {
  return renderBlock(block, context(options));
}

/** Summary sections as release mails write them: "== Features at risk ==", then "* item" lines. */
export function renderSections(sections: readonly Section[], options: PlainOptions = {}): string {
  return sectionsText(sections, context(options));
}

/** "== Features at risk ==": a section's first line, then an empty line, then its items. */
export function plainSectionHeading(heading: string): string {
  return `== ${heading} ==`;
}

function sectionsText(sections: readonly Section[], ctx: Context): string {
  return sections.map((section) => [plainSectionHeading(section.heading), "", ...section.items.map((item) => itemText(item, false, ctx))].join("\n")).join(PLAIN_BLOCK_SEPARATOR);
}

/**
 * One item as written in a list (`badges`: with its status) or a section: "* item", its details,
 * " - sub-item" lines, joined by newlines. Items are joined by a newline too.
 */
export function plainItem(item: ListItem, badges: boolean, options: PlainOptions = {}): string {
  return itemText(item, badges, context(options));
}

/** `plainItem` as the lines it joins (a text with a newline in it is still one of them). */
export function plainItemLines(item: ListItem, badges: boolean, options: PlainOptions = {}): string[] {
  return itemLines(item, badges, context(options));
}

function itemText(item: ListItem, badges: boolean, ctx: Context): string {
  const memo = ctx.memo ? (badges ? ctx.memo.listed : ctx.memo.sectioned) : undefined;
  const known = memo?.get(item);
  if (known !== undefined) return known;
  const text = itemLines(item, badges, ctx).join("\n");
  memo?.set(item, text);
  return text;
}

function itemLines(item: ListItem, badges: boolean, ctx: Context): string[] {
  const lines = [`* ${label(item, badges, ctx)}`];
  for (const detail of item.details ?? []) lines.push(`  ${write(ctx, detail)}`);
  for (const child of item.children ?? []) {
    lines.push(` - ${label(child, badges, ctx)}`);
    for (const detail of child.details ?? []) lines.push(`   ${write(ctx, detail)}`);
  }
  return lines;
}

function label(item: ListItem, badges: boolean, ctx: Context): string {
  const text = write(ctx, item.text);
  return badges && item.badge ? `${text} [${BUCKET_INFO[item.badge].label}]` : text;
}
