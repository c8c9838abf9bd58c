import { BUCKET_INFO } from "../model/buckets.js";
import type { Block, ListItem, Reply, Section } from "./reply.js";

/**
 * Plain text, laid out the way release mails are: "== Heading ==", "* item", " - sub-item". This
 * is the mail export and the console's output, and what the summary round-trips through.
 */
export function renderPlain(reply: Reply): string {
  const parts = reply.blocks.map(renderBlock);
  if (reply.link) parts.push(`${reply.link.text}: ${reply.link.url}`);
  return parts.join("\n\n");
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case "heading":
      return block.text;
    case "text":
      return block.text;
    case "pre":
      return block.text;
    case "list":
      return renderItems(block.items, { badges: true }).join("\n");
    case "sections":
      return renderSections(block.sections);
  }
}

export function renderSections(sections: readonly Section[]): string {
  return sections.map((section) => [`== ${section.heading} ==`, "", ...renderItems(section.items, { badges: false })].join("\n")).join("\n\n");
}

function renderItems(items: readonly ListItem[], options: { badges: boolean }): string[] {
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`* ${label(item, options)}`);
    for (const detail of item.details ?? []) lines.push(`  ${detail}`);
    for (const child of item.children ?? []) {
      lines.push(` - ${label(child, options)}`);
      for (const detail of child.details ?? []) lines.push(`   ${detail}`);
    }
  }
  return lines;
}

function label(item: ListItem, options: { badges: boolean }): string {
  return options.badges && item.badge ? `${item.text} [${BUCKET_INFO[item.badge].label}]` : item.text;
}
