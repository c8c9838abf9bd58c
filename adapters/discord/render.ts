import type { APIEmbed, APIEmbedField } from "discord-api-types/v10";
import { neutralise } from "../../src/util/typed-text.js";
import { escapeMarkdown } from "discord.js";
import { BUCKET_INFO, type Bucket } from "../../src/model/buckets.js";
import { personIdOn, personName, renderText, type InlineStyle } from "../../src/reply/inline.js";
import { BUCKET_COLOURS } from "../../src/reply/render-html.js";
import type { Block, ListItem, PersonRef, Reply, Section, Text } from "../../src/reply/reply.js";
import { itemCount, renderInSlices, renderSoon } from "../../src/reply/in-slices.js";
import { continuedHeading, splitSteps } from "../../src/reply/split.js";
import { runAtOnce, type Steps } from "../../src/util/steps.js";
import { formatLongDate } from "../../src/util/dates.js";

/**
 * A core `Reply` as Discord messages: a summary (a reply with bucket sections) becomes embeds,
 * one field per bucket, coloured by the release's health; everything else is markdown text. Text
 * people typed is escaped, and every message stays within Discord's limits, split across messages
 * where it must be. Pure: the adapter sends what this returns.
 */

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_MESSAGE_LIMITS = {
  content: 2_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  /** Title, description, field names and values, footer and author of all embeds in one message. */
  embedTotal: 6_000,
} as const;

const L = DISCORD_MESSAGE_LIMITS;

/** Kept free in every embed for the "N more not shown" footer, so adding it never breaks a limit. */
const FOOTER_RESERVE = 200;
/** Longer preformatted text (an export) travels as a file rather than a dozen code blocks. */
const PRE_AS_FILE = 4_000;
/**
 * A reply with at most this many items is written in one go when it fits in a message: the
 * splitter would measure it whole first anyway, and stop there. As many as the splitter writes
 * between two turns of the loop, so this takes no longer at a time than the slices do.
 */
const ONE_GO_ITEMS = 16;
/** How many messages a reply may become unless the person asked for all of it. */
export const DEFAULT_MAX_MESSAGES = 3;

export interface DiscordFile {
  name: string;
  data: Buffer;
}

export interface DiscordMessage {
  content?: string;
  embeds?: APIEmbed[];
  files?: DiscordFile[];
  /** Always empty: nothing Stocktake posts pings anyone, whatever a feature is called. */
  allowedMentions: { parse: [] };
}

export interface RenderOptions {
  /** False where the bot may not embed links in the channel: the summary falls back to markdown. */
  embeds: boolean;
  /** Show `!stock`-style hints as `/stock`, for people who use slash commands. */
  slashHints: boolean;
  /** The configured command prefix, to recognise hints. */
  prefix: string;
  /** At most this many messages unless the reply is `full` (default 3). */
  maxMessages?: number;
}

const BADGES: Record<Bucket, string> = {
  done: "✅",
  "on-track": "🟢",
  fair: "🟡",
  "at-risk": "🔴",
  deferred: "⏸️",
  dropped: "⛔",
};

/** Characters escapeMarkdown and the extra rules below act on; without them text is left as it is. */
const MARKDOWN_SIGNIFICANT = /[\\`*_~|#[<>]|^\s*-|^\s*\d+\./m;

/** An em space: Discord keeps it at the start of a line, where it trims ordinary spaces in embeds. */
const INDENT = "\u2003";

/**
 * Escapes everything markdown would act on, including what `escapeMarkdown` leaves alone by
 * default: headings, lists, masked links, block quotes and `-#` subtext at the start of a line,
 * and every `<`, which starts a mention (`<@123>`, `<@&5>`, `<#7>`), a timestamp or an emoji: an
 * owner or title typed as `<@123>` is shown as typed, not as someone's name.
 */
export function escapeText(text: string): string {
  // Most titles have nothing to escape; escapeMarkdown runs a dozen regexes over each line.
  if (!MARKDOWN_SIGNIFICANT.test(text)) return text;
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
    .replace(/</g, "\\<")
    .replace(/^(\s*)>/gm, "$1\\>")
    .replace(/^(\s*)-#/gm, "$1\\-#");
}

/**
 * A person with a Discord id as a mention, which Discord shows as their name (`allowedMentions`
 * stays empty: nobody is pinged); anyone else by name, escaped, so a name never becomes a mention.
 */
export function discordPerson(person: PersonRef): string {
  const user = personIdOn(person, "discord");
  return user !== undefined && /^\d+$/.test(user) ? `<@${user}>` : escapeText(personName(person));
}

/** Code in backticks cannot be escaped inside; a backtick in it becomes a look-alike. */
function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "ˋ")}\``;
}

const DISCORD_STYLE: InlineStyle = {
  text: escapeText,
  command: codeSpan,
  code: codeSpan,
  em: (text) => `*${escapeText(text)}*`,
  person: discordPerson,
};

/** Text people typed escaped, commands in the form people can use here (`/status` or `!status`). */
function inline(text: Text, options: RenderOptions): string {
  return renderText(text, DISCORD_STYLE, { commandPrefix: options.slashHints ? "/" : options.prefix });
}

function badge(bucket: Bucket): string {
  return BADGES[bucket];
}

/** One list item as lines: the item, its details, its sub-items. */
function itemLines(item: ListItem, options: RenderOptions, withBadge: boolean, depth = 0): string[] {
  const pad = INDENT.repeat(depth);
  const mark = depth === 0 ? "•" : "◦";
  const label = withBadge && item.badge ? `${badge(item.badge)} ${inline(item.text, options)} *(${BUCKET_INFO[item.badge].label})*` : `${mark} ${inline(item.text, options)}`;
  const lines = [`${pad}${label}`];
  for (const detail of item.details ?? []) lines.push(`${pad}${INDENT}${inline(detail, options)}`);
  for (const child of item.children ?? []) lines.push(...itemLines(child, options, withBadge, depth + 1));
  return lines;
}

/** Features a section holds: sub-items count, their parent only groups them. */
function leafCount(items: readonly ListItem[]): number {
  return items.reduce((sum, item) => sum + (item.children?.length ? item.children.length : 1), 0);
}

// ---- splitting ----

/** Cuts one line into pieces of at most `max`, at a space where there is one in the second half. */
export function splitLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(" ", max);
    if (cut < max / 2) cut = max;
    // Never split a surrogate pair or separate a backslash from what it escapes.
    while (cut > 1 && (isHighSurrogate(rest.charCodeAt(cut - 1)) || endsWithOddBackslashes(rest.slice(0, cut)))) cut--;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function endsWithOddBackslashes(text: string): boolean {
  const match = /\\+$/.exec(text);
  return match !== null && match[0].length % 2 === 1;
}

/**
 * Packs groups of lines (one item with its details, say) into chunks of at most `max` characters,
 * keeping a group together where it fits and splitting it where it does not.
 */
export function pack(groups: readonly (readonly string[])[], max: number): { text: string; groups: number }[] {
  const chunks: { text: string; groups: number }[] = [];
  let lines: string[] = [];
  let length = 0;
  let count = 0;
  const flush = () => {
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length > 0) chunks.push({ text: lines.join("\n"), groups: count });
    lines = [];
    length = 0;
    count = 0;
  };
  const add = (line: string) => {
    if (lines.length === 0 && line === "") return;
    const extra = (lines.length > 0 ? 1 : 0) + line.length;
    if (length + extra > max) flush();
    if (lines.length === 0 && line === "") return;
    length += (lines.length > 0 ? 1 : 0) + line.length;
    lines.push(line);
  };
  for (const group of groups) {
    const size = group.reduce((sum, line) => sum + line.length + 1, -1);
    if (lines.length > 0 && size <= max && length + 1 + size > max) flush();
    count++;
    for (const line of group) for (const piece of splitLine(line, max)) add(piece);
  }
  flush();
  return chunks;
}

// ---- markdown (content) ----

type Unit = { kind: "lines"; groups: string[][] } | { kind: "fenced"; text: string };

function preText(text: string): string {
  // A ``` inside would close the block early.
  return text.replace(/```/g, "`\u200b``");
}

function fenced(text: string, max: number): string[] {
  const room = max - "```\n\n```".length;
  return pack(
    preText(text)
      .split("\n")
      .map((line) => [line]),
    room,
  ).map((chunk) => `\`\`\`\n${chunk.text}\n\`\`\``);
}

type ItemLines = (item: ListItem, withBadge: boolean) => string[];

function markdownUnits(blocks: readonly Block[], options: RenderOptions, lines: ItemLines = (item, withBadge) => itemLines(item, options, withBadge)): Unit[] {
  const units: Unit[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "heading":
        units.push({ kind: "lines", groups: [[`**${inline(block.text, options)}**`]] });
        break;
      case "text":
        units.push({ kind: "lines", groups: [inline(block.text, options).split("\n")] });
        break;
      case "list":
        units.push({ kind: "lines", groups: block.items.map((item) => lines(item, true)) });
        break;
      case "sections":
        for (const section of block.sections) {
          units.push({ kind: "lines", groups: [[`**${escapeText(section.heading)}**`], ...section.items.map((item) => lines(item, false))] });
        }
        break;
      case "pre":
        units.push({ kind: "fenced", text: neutralise(block.text) });
        break;
    }
  }
  return units;
}

/** A unit as chunks of at most `max` characters, cut between lines (and long lines at spaces). */
function unitChunks(unit: Unit, max: number): string[] {
  return unit.kind === "fenced" ? fenced(unit.text, max) : pack(unit.groups, max).map((chunk) => chunk.text);
}

/** Groups of lines as `pack` joins them when they fit: without empty lines at either end; undefined if nothing is left. */
function joinLines(groups: readonly (readonly string[])[]): string | undefined {
  let text = "";
  let pending = "";
  for (const group of groups) {
    for (const line of group) {
      if (line === "") {
        if (text !== "") pending += "\n";
        continue;
      }
      text = text === "" ? line : `${text}${pending}\n${line}`;
      pending = "";
    }
  }
  return text === "" ? undefined : text;
}

/** Blocks as one markdown text, each block (each section) a paragraph of its own: what `unitChunks` gives when there is room. */
function markdown(blocks: readonly Block[], options: RenderOptions, lines?: ItemLines): string {
  const paragraphs: string[] = [];
  for (const unit of markdownUnits(blocks, options, lines)) {
    const text = unit.kind === "fenced" ? joinLines([preText(unit.text).split("\n")]) : joinLines(unit.groups);
    if (text !== undefined) paragraphs.push(unit.kind === "fenced" ? `\`\`\`\n${text}\n\`\`\`` : text);
  }
  return paragraphs.join("\n\n");
}

/**
 * Markdown messages of at most 2 000 characters, split by the core splitter between items. A piece
 * too long for a message on its own (a long text or code block, a huge item) is cut at lines.
 */
function* markdownMessages(blocks: readonly Block[], options: RenderOptions): Steps<string[]> {
  // The splitter renders each item a few times (alone, then in its part): escape it once.
  const escaped = [new WeakMap<ListItem, string[]>(), new WeakMap<ListItem, string[]>()] as const;
  const lines: ItemLines = (item, withBadge) => {
    const cache = escaped[withBadge ? 1 : 0];
    let text = cache.get(item);
    if (!text) cache.set(item, (text = itemLines(item, options, withBadge)));
    return text;
  };
  const rendered = new WeakMap<Reply, string>();
  const measure = (part: Reply) => {
    const text = markdown(part.blocks, options, lines);
    rendered.set(part, text);
    return text.length;
  };
  const estimate = (piece: Reply) => markdown(piece.blocks, options, lines).length;
  // Every item written first, a step each: measuring the whole reply then only joins them.
  let written = 0;
  for (const block of blocks) {
    const lists = block.type === "list" ? [block.items] : block.type === "sections" ? block.sections.map((section) => section.items) : [];
    for (const items of lists) {
      for (const item of items) {
        lines(item, block.type === "list");
        if (++written % 16 === 0) yield;
      }
    }
  }
  const parts = yield* splitSteps({ tone: "info", blocks: [...blocks] }, measure, L.content, { estimate });
  return parts.flatMap((part) => {
    const text = rendered.get(part) ?? markdown(part.blocks, options, lines);
    if (text.length <= L.content) return text === "" ? [] : [text];
    return markdownUnits(part.blocks, options, lines).flatMap((unit) => unitChunks(unit, L.content));
  });
}

// ---- embeds ----

function colourOf(reply: Reply): number | undefined {
  const health = reply.overview?.health;
  if (health) return Number.parseInt(BUCKET_COLOURS[health].slice(1), 16);
  return reply.tone === "error" ? Number.parseInt(BUCKET_COLOURS["at-risk"].slice(1), 16) : undefined;
}

function shortenTo(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  while (cut > 0 && (isHighSurrogate(text.charCodeAt(cut - 1)) || endsWithOddBackslashes(text.slice(0, cut)))) cut--;
  return `${text.slice(0, cut)}…`;
}

function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

interface PackedField extends APIEmbedField {
  /** Top-level items in the field, for the "N more not shown" count. */
  items: number;
}

/**
 * A section's items as fields, each filled to what the embed it lands in has room for (so embeds
 * fill to their 6 000 characters instead of leaving a field's worth empty): `room(name, needed)` says how
 * many characters the next field's value may have (`needed` at least, starting a new embed if it must).
 */
function* sectionFields(section: Section, options: RenderOptions, room: (name: string, needed: number) => number | undefined, add: (field: PackedField) => void): Steps<boolean> {
  // An item longer than a field is cut between lines (and a line between words) first; its
  // pieces count as one item. Items are written as the fields fill, so a summary cut short
  // after its last message writes no more of them than it shows.
  const groups: { text: string; items: number }[] = [];
  let written = 0;
  const write = (until: number) => {
    while (groups.length < until && written < section.items.length) {
      const lines = itemLines(section.items[written++]!, options, false);
      const text = lines.join("\n");
      if (text.length <= L.fieldValue) groups.push({ text, items: 1 });
      else groups.push(...pack([lines], L.fieldValue).map((chunk, index) => ({ text: chunk.text, items: index === 0 ? 1 : 0 })));
    }
  };
  let i = 0;
  write(1);
  while (i < groups.length) {
    const name = shortenTo(escapeText(i === 0 ? `${section.heading} (${leafCount(section.items)})` : continuedHeading(section.heading)), L.fieldName);
    const max = room(name, groups[i]!.text.length);
    // No room left in the messages that may be sent: the rest is not shown.
    if (max === undefined) return false;
    let end = i + 1;
    let length = groups[i]!.text.length;
    let items = groups[i]!.items;
    for (;;) {
      write(end + 1);
      if (end >= groups.length || length + 1 + groups[end]!.text.length > max) break;
      length += 1 + groups[end]!.text.length;
      items += groups[end++]!.items;
      yield;
    }
    add({ name, value: groups.slice(i, end).map((group) => group.text).join("\n"), inline: false, items });
    i = end;
    yield;
  }
  return true;
}

/**
 * The summary as embeds: one message per embed, each within 6 000 characters and 25 fields. At
 * most `max` embeds: the items left over are counted (`hidden`), not written. Only the last embed
 * that may be sent can get the "N more not shown" footer, so only it keeps room for one.
 */
function* embedMessages(reply: Reply, options: RenderOptions, max: number): Steps<{ embeds: APIEmbed[]; hidden: number }> {
  const colour = colourOf(reply);
  const heading = reply.blocks.find((block): block is Extract<Block, { type: "heading" }> => block.type === "heading");
  const next = reply.overview?.next;
  const titleText = heading ? inline(heading.text, options) + (next ? escapeText(` · ${next.label} ${formatLongDate(next.date)}`) : "") : undefined;

  const descriptionLines: string[][] = [];
  // Discord renders <t:…:R> as a live "in 3 weeks" in each reader's clock, but not in titles.
  if (next) descriptionLines.push([`**${escapeText(next.label)}** <t:${Math.floor(Date.parse(next.deadline) / 1000)}:R>`]);
  const rest = reply.blocks.filter((block) => block !== heading && block.type !== "sections");
  for (const unit of markdownUnits(rest, options)) {
    if (unit.kind === "fenced") for (const chunk of fenced(unit.text, L.content)) descriptionLines.push([chunk]);
    else descriptionLines.push(...unit.groups.map((group, index) => (index === 0 && descriptionLines.length > 0 ? ["", ...group] : group)));
  }
  const descriptions = pack(descriptionLines, L.description).map((chunk) => chunk.text);
  const sections = reply.blocks.flatMap((block) => (block.type === "sections" ? block.sections : []));

  const embeds: APIEmbed[] = [];
  let shown = 0;
  const start = (description?: string) => {
    const embed: APIEmbed = {};
    if (embeds.length === 0 && titleText) {
      embed.title = shortenTo(titleText, L.title);
      // The title opens the project's web page, when there is one.
      if (reply.link) embed.url = reply.link.url;
    }
    if (description) embed.description = description;
    if (colour !== undefined) embed.color = colour;
    embeds.push(embed);
    return embed;
  };
  const total = sections.reduce((sum, section) => sum + section.items.length, 0);
  for (const description of descriptions.slice(0, max)) start(description);
  if (descriptions.length > max) return { embeds, hidden: total };
  let embed = embeds[embeds.length - 1] ?? start();
  const budget = () => L.embedTotal - (embeds.length === max ? FOOTER_RESERVE : 0);
  const room = (name: string, needed: number) => {
    const left = () => Math.min(L.fieldValue, budget() - embedSize(embed) - name.length);
    if ((embed.fields?.length ?? 0) >= L.fields || left() < needed) {
      if (embeds.length >= max) return undefined;
      embed = start();
    }
    return left();
  };
  const add = ({ items, ...field }: PackedField) => {
    (embed.fields ??= []).push(field);
    shown += items;
  };
  for (const section of sections) if (!(yield* sectionFields(section, options, room, add))) break;
  return { embeds, hidden: total - shown };
}

function moreHint(hidden: number, options: RenderOptions): string {
  const stock = options.slashHints ? "/stock full:True" : `${options.prefix}stock full`;
  const bucket = options.slashHints ? "/stock bucket:…" : `${options.prefix}stock BUCKET`;
  return `${hidden} more ${hidden === 1 ? "item" : "items"} not shown: ${stock} lists everything, ${bucket} one bucket.`;
}

function message(fields: Omit<DiscordMessage, "allowedMentions">): DiscordMessage {
  return { ...fields, allowedMentions: { parse: [] } };
}

/** Renders a reply as one or more Discord messages, each within Discord's limits. */
export function renderReply(reply: Reply, options: RenderOptions): DiscordMessage[] {
  return runAtOnce(replySteps(reply, options));
}

/**
 * `renderReply` a few milliseconds at a time, giving the event loop a turn in between: what the
 * adapter sends, so a summary of a large release never holds up other channels while it renders.
 */
export function renderReplyInSlices(reply: Reply, options: RenderOptions): Promise<DiscordMessage[]> {
  return renderInSlices(reply, replySteps(reply, options));
}

/** `renderReplyInSlices`, giving the messages themselves when they took no more than one slice (most replies). */
export function renderReplySoon(reply: Reply, options: RenderOptions): DiscordMessage[] | Promise<DiscordMessage[]> {
  return renderSoon(reply, replySteps(reply, options));
}

function* replySteps(reply: Reply, options: RenderOptions): Steps<DiscordMessage[]> {
  const max = reply.full ? Number.POSITIVE_INFINITY : Math.max(1, options.maxMessages ?? DEFAULT_MAX_MESSAGES);
  const hasSections = reply.blocks.some((block) => block.type === "sections");

  if (hasSections && options.embeds) {
    const { embeds, hidden } = yield* embedMessages(reply, options, max);
    if (hidden > 0) embeds[embeds.length - 1]!.footer = { text: shortenTo(moreHint(hidden, options), FOOTER_RESERVE) };
    return embeds.map((embed) => message({ embeds: [embed] }));
  }

  // Long preformatted text (an export) is a file, with the rest of the reply as the message.
  const files: DiscordFile[] = [];
  const blocks = reply.blocks.map((block): Block => {
    if (block.type !== "pre" || block.text.length <= PRE_AS_FILE) return block;
    const name = /^\s*[[{]/.test(block.text) ? "stocktake.json" : "stocktake.txt";
    files.push({ name, data: Buffer.from(`${block.text}\n`, "utf8") });
    const lines = block.text.split("\n").length;
    return { type: "text", text: `The full text is attached as ${name} (${lines.toLocaleString("en")} lines).` };
  });
  // Most replies are a line or a few: one message, without the splitter's pass over their parts.
  const whole = itemCount(reply) <= ONE_GO_ITEMS ? markdown(blocks, options) : undefined;
  let contents = whole !== undefined && whole.length <= L.content ? (whole === "" ? [] : [whole]) : yield* markdownMessages(blocks, options);
  if (contents.length === 0) contents = ["(nothing to show)"];
  if (reply.link) {
    // Angle brackets keep Discord from unfurling a preview, and the URL from markdown escaping.
    const line = `\n${escapeText(reply.link.text)}: <${reply.link.url}>`;
    const last = contents.length - 1;
    if (contents[last]!.length + line.length <= L.content) contents[last] += line;
    else contents.push(line.trimStart());
  }
  if (contents.length > max) {
    const dropped = contents.slice(max).reduce((sum, text) => sum + text.split("\n").length, 0);
    contents = contents.slice(0, max);
    const note = `\n… ${dropped} more ${dropped === 1 ? "line" : "lines"} not shown.`;
    const last = contents[contents.length - 1]!;
    const room = L.content - note.length;
    const trimmed = last.length <= room ? last : last.slice(0, Math.max(0, last.lastIndexOf("\n", room)));
    contents[contents.length - 1] = trimmed + note;
  }
  return contents.map((content, index) => message(index === 0 && files.length > 0 ? { content, files } : { content }));
}
