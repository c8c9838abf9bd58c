import { neutralise } from "../util/typed-text.js";
import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import { DEFAULT_VOICE, personIdOn, personName, renderText, type InlineStyle, type Voice } from "./inline.js";
import type { Block, ListItem, PersonRef, Reply, ReplyLink, Section, Text } from "./reply.js";

/** Bucket colours, also used by the web page. Text always says the bucket too: colour is a hint. */
export const BUCKET_COLOURS: Record<Bucket, string> = {
  done: "#2e7d32",
  "on-track": "#1565c0",
  fair: "#b26a00",
  "at-risk": "#c62828",
  deferred: "#6d6d6d",
  dropped: "#6d6d6d",
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Everything people typed is escaped: a title such as `<b>` or `@room` stays text, and a U+202E cannot turn it round. */
export function escapeHtml(text: string): string {
  return neutralise(text).replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export interface HtmlOptions {
  voice?: Voice;
  /** How a person is shown (default: a matrix.to pill for people with a Matrix id, their name otherwise). */
  person?: (person: PersonRef) => string;
  /** Items as already written with these options (`<li>…</li>`), kept by item: see `PlainOptions.memo`. */
  memo?: WeakMap<ListItem, string>;
}

/**
 * A person with a Matrix id as a pill, its text their name from the config (else the id); anyone
 * else by name, as text. The adapter sends an empty `m.mentions`, so a pill pings nobody.
 */
export function matrixPill(person: PersonRef): string {
  const user = personIdOn(person, "matrix");
  if (user === undefined) return escapeHtml(personName(person));
  return `<a href="https://matrix.to/#/${encodeURIComponent(user)}">${escapeHtml(person.name ?? user)}</a>`;
}

const HTML_STYLE: InlineStyle = {
  text: (text) => escapeHtml(text).replace(/\n/g, "<br>"),
  command: (typed) => `<code>${escapeHtml(typed)}</code>`,
  code: (text) => `<code>${escapeHtml(text)}</code>`,
  em: (text) => `<em>${escapeHtml(text)}</em>`,
  person: matrixPill,
};

// Built once, not per call: a splitter renders thousands of one-item pieces, and under tsx each
// closure made here costs a defineProperty (esbuild's keepNames).
function htmlStyle(options: HtmlOptions): InlineStyle {
  return options.person ? { ...HTML_STYLE, person: options.person } : HTML_STYLE;
}

function badge(bucket: Bucket): string {
  return ` <font color="${BUCKET_COLOURS[bucket]}" data-mx-color="${BUCKET_COLOURS[bucket]}">[${escapeHtml(BUCKET_INFO[bucket].label)}]</font>`;
}

/** What writing a text needs; a record rather than a closure, which costs more per call under tsx. */
interface Context {
  style: InlineStyle;
  voice: Voice;
  memo: WeakMap<ListItem, string> | undefined;
}

function context(options: HtmlOptions): Context {
  return { style: htmlStyle(options), voice: options.voice ?? DEFAULT_VOICE, memo: options.memo };
}

function inline(ctx: Context, text: Text): string {
  return renderText(text, ctx.style, ctx.voice);
}

/** What a list (a section's items too) is wrapped in; its items go between, with nothing to separate them. */
export const HTML_LIST_OPEN = "<ul>";
export const HTML_LIST_CLOSE = "</ul>";

function items(list: readonly ListItem[], ctx: Context, memo = ctx.memo): string {
  return `${HTML_LIST_OPEN}${list.map((item) => li(item, ctx, memo)).join("")}${HTML_LIST_CLOSE}`;
}

function li(item: ListItem, ctx: Context, memo: WeakMap<ListItem, string> | undefined): string {
  const known = memo?.get(item);
  if (known !== undefined) return known;
  const details = item.details?.length ? `<br><i>${item.details.map((detail) => inline(ctx, detail)).join("<br>")}</i>` : "";
  // Sub-items are written within their item, which is what the memo keeps.
  const children = item.children?.length ? items(item.children, ctx, undefined) : "";
  const html = `<li>${inline(ctx, item.text)}${item.badge ? badge(item.badge) : ""}${details}${children}</li>`;
  memo?.set(item, html);
  return html;
}

/** One item as `<li>…</li>`, its details and sub-items within. */
export function htmlItem(item: ListItem, options: HtmlOptions = {}): string {
  const ctx = context(options);
  return li(item, ctx, ctx.memo);
}

/** A section's heading, a coloured bold line before its list. */
export function htmlSectionHeading(section: Pick<Section, "bucket" | "heading">): string {
  return `<p><b><font color="${BUCKET_COLOURS[section.bucket]}" data-mx-color="${BUCKET_COLOURS[section.bucket]}">${escapeHtml(section.heading)}</font></b></p>`;
}

/** The reply's link, its last paragraph. */
export function htmlLink(link: ReplyLink): string {
  return `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a></p>`;
}

function block(part: Block, ctx: Context): string {
  switch (part.type) {
    case "heading":
      return `<h4>${inline(ctx, part.text)}</h4>`;
    case "text":
      return `<p>${inline(ctx, part.text)}</p>`;
    case "pre":
      return `<pre><code>${escapeHtml(part.text)}</code></pre>`;
    case "list":
      return items(part.items, ctx);
    case "sections":
      return part.sections.map((section) => `${htmlSectionHeading(section)}${items(section.items, ctx)}`).join("");
  }
}

/** A block that is not split (a heading, a text, preformatted text) as HTML. */
export function htmlBlock(part: Exclude<Block, { type: "list" | "sections" }>, options: HtmlOptions = {}): string {
  return block(part, context(options));
}

/** HTML for chat clients (Matrix `formatted_body`): a small, safe subset of tags. Blocks follow each other with nothing between. */
export function renderHtml(reply: Reply, options: HtmlOptions = {}): string {
  const ctx = context(options);
  const link = reply.link ? htmlLink(reply.link) : "";
  return reply.blocks.map((part) => block(part, ctx)).join("") + link;
}
