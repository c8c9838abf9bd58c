import { BUCKET_INFO } from "../model/buckets.js";
import { neutralise } from "../util/typed-text.js";
import { DEFAULT_VOICE, PLAIN_STYLE, renderText, type InlineStyle, type Voice } from "./inline.js";
import type { Block, ListItem, Reply, Section } from "./reply.js";

export interface PlainOptions {
  /** How commands start where this is read (default "!"). */
  voice?: Voice;
  /** How pieces are written (default: plain text with `code` in backticks). */
  style?: InlineStyle;
}

/** What writing a text needs; a record rather than a closure, which costs more per call under tsx. */
interface Context {
  style: InlineStyle;
  voice: Voice;
}

function write(ctx: Context, text: ListItem["text"]): string {
  return renderText(text, ctx.style, ctx.voice);
}

/**
 * Plain text, laid out the way release mails are: "== Heading ==", "* item", " - sub-item". This
 * is the mail export and the console's output, and what the summary round-trips through.
 */
export function renderPlain(reply: Reply, options: PlainOptions = {}): string {
  const style = options.style ?? PLAIN_STYLE;
  const voice = options.voice ?? DEFAULT_VOICE;
  const ctx: Context = { style, voice };
  const parts = reply.blocks.map((block) => renderBlock(block, ctx));
  if (reply.link) parts.push(`${reply.link.text}: ${reply.link.url}`);
  return parts.join("\n\n");
}

function renderBlock(block: Block, ctx: Context): string {
  switch (block.type) {
    case "heading":
    case "text":
      return write(ctx, block.text);
    case "pre":
      return neutralise(block.text);
    case "list":
      return renderItems(block.items, { badges: true }, ctx).join("\n");
    case "sections":
      return sectionsText(block.sections, ctx);
  }
}

/** Summary sections as release mails write them: "== Features at risk ==", then "* item" lines. */
export function renderSections(sections: readonly Section[], options: PlainOptions = {}): string {
  const style = options.style ?? PLAIN_STYLE;
  const voice = options.voice ?? DEFAULT_VOICE;
  return sectionsText(sections, { style, voice });
}

function sectionsText(sections: readonly Section[], ctx: Context): string {
  return sections.map((section) => [`== ${section.heading} ==`, "", ...renderItems(section.items, { badges: false }, ctx)].join("\n")).join("\n\n");
}

function renderItems(items: readonly ListItem[], options: { badges: boolean }, ctx: Context): string[] {
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`* ${label(item, options, ctx)}`);
    for (const detail of item.details ?? []) lines.push(`  ${write(ctx, detail)}`);
    for (const child of item.children ?? []) {
      lines.push(` - ${label(child, options, ctx)}`);
      for (const detail of child.details ?? []) lines.push(`   ${write(ctx, detail)}`);
    }
  }
  return lines;
}

function label(item: ListItem, options: { badges: boolean }, ctx: Context): string {
  const text = write(ctx, item.text);
  return options.badges && item.badge ? `${text} [${BUCKET_INFO[item.badge].label}]` : text;
}
