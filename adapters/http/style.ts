import { createHash } from "node:crypto";
import { BUCKETS } from "../../src/model/buckets.js";
import { BUCKET_COLOURS } from "../../src/reply/render-html.js";

/**
 * The page's one stylesheet, inline so a page is one request. The Content-Security-Policy allows
 * exactly this text by its hash: no other style, and no script at all.
 */
export const STYLE = `
:root { color: #1a1a1a; background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0 auto; max-width: 62rem; padding: 0 1rem 2rem; }
a { color: #0b4fb3; }
a:focus-visible, summary:focus-visible { outline: 3px solid #0b4fb3; outline-offset: 2px; }
header { border-bottom: 1px solid #ddd; margin-bottom: 1rem; padding: .75rem 0; }
.crumbs { margin: 0; font-size: .9rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: .25rem 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #eee; }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
.lead { font-size: 1.1rem; margin: .25rem 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; margin: .5rem 0 0; font-size: .95rem; }
.tally { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: .5rem 0 1rem; }
.tally li { border: 1px solid #ccc; border-radius: .4rem; padding: .2rem .6rem; display: flex; align-items: center; gap: .4rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: .2rem; flex: none; }
.count { font-weight: normal; color: #444; }
.timeline { list-style: none; padding: 0; margin: .5rem 0; border-left: 3px solid #ccc; }
.timeline li { position: relative; padding: .2rem 0 .2rem 1.1rem; }
.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .6rem; width: .7rem; height: .7rem; border-radius: 50%; background: #fff; border: 2px solid #6b4fbb; }
.timeline .past { color: #555; }
.timeline .past::before { background: #6b4fbb; }
.timeline .now { font-weight: bold; background: #fff4d6; border-radius: .3rem; }
.timeline .now::before { background: #111; border-color: #111; }
.bucket { border-left: 6px solid #999; padding: .5rem 0 .5rem .9rem; margin: 1rem 0; }
.bucket ul { margin: 0; padding-left: 1.2rem; }
.bucket li { margin: .15rem 0; }
.bucket ul ul { list-style: circle; }
.details { display: block; color: #444; font-size: .92rem; }
figure { margin: 0; }
.chart { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { font-size: .92rem; color: #444; }
details { margin: .5rem 0; }
summary { cursor: pointer; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .5rem 0; }
caption { text-align: left; font-weight: bold; padding-bottom: .25rem; }
th, td { border: 1px solid #ccc; padding: .2rem .55rem; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; font-weight: normal; white-space: nowrap; }
.changes { padding-left: 1.2rem; }
.changes li { margin: .2rem 0; }
.when { color: #444; font-size: .92rem; }
footer { margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: .75rem; font-size: .9rem; color: #444; }
code { background: #f3f3f3; padding: 0 .2rem; border-radius: .2rem; }
${BUCKETS.map((bucket) => `.b-${bucket} { border-left-color: ${BUCKET_COLOURS[bucket]}; }\n.s-${bucket} { background: ${BUCKET_COLOURS[bucket]}; }`).join("\n")}
.b-dropped { border-left-style: dashed; }
.s-dropped { background: repeating-linear-gradient(45deg, #6d6d6d 0 3px, #fff 3px 5px); border: 1px solid #6d6d6d; }
@media (max-width: 40rem) { h1 { font-size: 1.4rem; } body { padding: 0 .75rem 1.5rem; } }
`;

export const STYLE_HASH = `sha256-${createHash("sha256").update(STYLE).digest("base64")}`;

/** No scripts, no frames, no outside resources: the page is text, an inline SVG and this style. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
