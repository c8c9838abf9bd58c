import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { Block, ListItem, Reply } from "./reply.js";

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

/** Everything people typed is escaped: a title such as `<b>` or `@room` stays text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Escapes, then shows `command hints` as code. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/\n/g, "<br>");
}

function badge(bucket: Bucket): string {
  return ` <font color="${BUCKET_COLOURS[bucket]}" data-mx-color="${BUCKET_COLOURS[bucket]}">[${escapeHtml(BUCKET_INFO[bucket].label)}]</font>`;
}

function items(list: readonly ListItem[]): string {
  const lis = list.map((item) => {
    const details = item.details?.length ? `<br><i>${item.details.map(inline).join("<br>")}</i>` : "";
    const children = item.children?.length ? items(item.children) : "";
    return `<li>${inline(item.text)}${item.badge ? badge(item.badge) : ""}${details}${children}</li>`;
  });
  return `<ul>${lis.join("")}</ul>`;
}

function block(part: Block): string {
  switch (part.type) {
    case "heading":
      return `<h4>${inline(part.text)}</h4>`;
    case "text":
      return `<p>${inline(part.text)}</p>`;
    case "pre":
      return `<pre><code>${escapeHtml(part.text)}</code></pre>`;
    case "list":
      return items(part.items);
    case "sections":
      return part.sections
        .map((section) => `<p><b><font color="${BUCKET_COLOURS[section.bucket]}" data-mx-color="${BUCKET_COLOURS[section.bucket]}">${escapeHtml(section.heading)}</font></b></p>${items(section.items)}`)
        .join("");
  }
}

/** HTML for chat clients (Matrix `formatted_body`): a small, safe subset of tags. */
export function renderHtml(reply: Reply): string {
  const link = reply.link ? `<p><a href="${escapeHtml(reply.link.url)}">${escapeHtml(reply.link.text)}</a></p>` : "";
  return reply.blocks.map(block).join("") + link;
}
