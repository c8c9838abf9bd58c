import { neutralise } from "../util/typed-text.js";
import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import { DEFAULT_VOICE, personIdOn, personName, renderText, type InlineStyle, type Voice } from "./inline.js";
import type { Block, ListItem, PersonRef, Reply, Text } from "./reply.js";

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
}

function inline(ctx: Context, text: Text): string {
  return renderText(text, ctx.style, ctx.voice);
}

function items(list: readonly ListItem[], ctx: Context): string {
  const lis = list.map((item) => {
    const details = item.details?.length ? `<br><i>${item.details.map((detail) => inline(ctx, detail)).join("<br>")}</i>` : "";
    const children = item.children?.length ? items(item.children, ctx) : "";
    return `<li>${inline(ctx, item.text)}${item.badge ? badge(item.badge) : ""}${details}${children}</li>`;
  });
  return `<ul>${lis.join("")}</ul>`;
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
      return part.sections
        .map((section) => `<p><b><font color="${BUCKET_COLOURS[section.bucket]}" data-mx-color="${BUCKET_COLOURS[section.bucket]}">${escapeHtml(section.heading)}</font></b></p>${items(section.items, ctx)}`)
        .join("");
  }
}

/** HTML for chat clients (Matrix `formatted_body`): a small, safe subset of tags. */
export function renderHtml(reply: Reply, options: HtmlOptions = {}): string {
  const ctx: Context = { style: htmlStyle(options), voice: options.voice ?? DEFAULT_VOICE };
  const link = reply.link ? `<p><a href="${escapeHtml(reply.link.url)}">${escapeHtml(reply.link.text)}</a></p>` : "";
  return reply.blocks.map((part) => block(part, ctx)).join("") + link;
}
