import { withoutPlatform as who } from "../../src/ids.js";
import { plainText } from "../../src/reply/inline.js";
import { BUCKETS, BUCKET_INFO, type Bucket } from "../../src/model/buckets.js";
import type { PlanEvent, PlanState, Project, Release } from "../../src/model/schema.js";
import type { SeriesPoint } from "../../src/web/views.js";
import { describeEvent } from "../../src/web/views.js";
import { describeCycleMonth, describeSchedule, sortMilestones } from "../../src/web/views.js";
import { bucketCounts, describeCounts, releaseTotal, summarize } from "../../src/web/views.js";
import { ownerNames, ownersLine, type OwnerNames, type OwnersLine } from "../../src/web/views.js";
import type { Person } from "../../src/config/core-config.js";
import { escapeHtml } from "../../src/reply/render-html.js";
import type { ListItem } from "../../src/reply/reply.js";
import { ago, dateInZone, daysBetween, displayZone, endOfDate, formatLongDate, relativeDays } from "../../src/util/dates.js";
import { pagePath, type PageFormat } from "../../src/web/links.js";
import { renderChart, renderChartTable } from "./chart.js";
import { STYLE } from "./style.js";

/** HTML pages of the read-only site. Everything people typed goes through escapeHtml. */

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>${head}
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Links between the pages are relative ("xen.txt" from /p/xen, "p/xen" from /), so the site also
 * works behind a reverse proxy that serves it under a path (https://example.org/stocktake/).
 */
const fromProjectPage = (id: string, format: PageFormat) => pagePath(id, format).slice("/p/".length);
const fromIndex = (id: string) => pagePath(id).slice(1);
const UP_TO_INDEX = "../";

const swatch = (bucket: Bucket) => `<span class="swatch s-${bucket}" aria-hidden="true"></span>`;

export interface ProjectPageInput {
  project: Project;
  /** The current release, if the project has one. */
  release: Release | undefined;
  points: readonly SeriesPoint[];
  /** Recent changes to the release, newest first. */
  changes: readonly PlanEvent[];
  state: Readonly<PlanState>;
  now: Date;
  /** The command prefix, for the hints on how to change things. */
  prefix: string;
  /** The people of the config: an owner who is one of them is shown by name. */
  people?: Readonly<Record<string, Person>>;
}

export function renderProjectPage(input: ProjectPageInput): string {
  const { project, release, now } = input;
  if (!release) {
    const body = `<header><p class="crumbs"><a href="${UP_TO_INDEX}">All projects</a></p><h1>${escapeHtml(project.name)}</h1></header>
<main><p>${escapeHtml(project.name)} has no current release yet. A release manager starts one in chat with <code>${escapeHtml(input.prefix)}release new VERSION</code>.</p></main>`;
    return layout(`${project.name}: Stocktake`, body);
  }
  const title = `${project.name} ${release.id}: taking stock`;
  const counts = bucketCounts(release);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const where = describeSchedule(release, now);
  const tally = total === 0 ? "No features on the list yet." : `${releaseTotal(release)}: ${describeCounts(counts)}.`;
  const id = project.id;
  const body = `<header>
<p class="crumbs"><a href="${UP_TO_INDEX}">All projects</a></p>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(where ? `${where}. ${tally}` : tally)}</p>
<nav aria-label="On this page"><ul><li><a href="#schedule">Schedule</a></li><li><a href="#over-time">Over time</a></li><li><a href="#features">Features by bucket</a></li><li><a href="#changes">Recent changes</a></li></ul></nav>
</header>
<main>
${scheduleSection(release, now, input.prefix)}
${chartSection(title, endingAt(input.points, counts, now.toISOString().slice(0, 10)), release, now)}
${bucketsSection(release, counts, input.prefix, ownerNames(input.people ?? {}))}
${changesSection(input.changes, input.state, now, ownersLine(input.people ?? {}))}
</main>
<footer>
<p>Also as <a href="${fromProjectPage(id, "txt")}">plain text</a> (ready to mail) and as <a href="${fromProjectPage(id, "json")}">JSON</a>; the milestones as a <a href="${fromProjectPage(id, "ics")}">calendar</a> to subscribe to, and the changes as an <a href="${fromProjectPage(id, "atom")}">Atom feed</a>. This page only shows the plan: change it in chat, for example <code>${escapeHtml(input.prefix)}status FEATURE at-risk</code>.</p>
<p>As of <time datetime="${now.toISOString()}">${formatLongDate(now.toISOString().slice(0, 10))}, ${now.toISOString().slice(11, 16)} UTC</time>.</p>
</footer>`;
  // Feed readers and calendars find the feeds from the page itself.
  const feeds = `\n<link rel="alternate" type="application/atom+xml" title="${escapeHtml(`${project.name}: release changes`)}" href="${fromProjectPage(id, "atom")}">\n<link rel="alternate" type="text/calendar" title="${escapeHtml(`${title}: milestones`)}" href="${fromProjectPage(id, "ics")}">`;
  return layout(title, body, feeds);
}

/** The milestones in order, with "we are here" between the last one passed and the next. */
function scheduleSection(release: Release, now: Date, prefix: string): string {
  const today = now.toISOString().slice(0, 10);
  const month = describeCycleMonth(release, now);
  const here = `<li class="now" aria-current="date">We are here: <time datetime="${today}">${formatLongDate(today)}</time>${month ? `, ${month}` : ""}</li>`;
  const milestones = sortMilestones(release.milestones);
  if (milestones.length === 0) {
    return `<section aria-labelledby="schedule"><h2 id="schedule">Schedule</h2><ol class="timeline">${here}</ol><p>No milestones yet: a release manager sets them with <code>${escapeHtml(prefix)}milestone set feature-freeze DATE</code>.</p></section>`;
  }
  const items: string[] = [];
  let placed = false;
  for (const milestone of milestones) {
    const past = endOfDate(milestone.date, milestone.timeZone).getTime() <= now.getTime();
    if (!past && !placed) {
      items.push(here);
      placed = true;
    }
    const days = daysBetween(dateInZone(now, milestone.timeZone), milestone.date);
    const zone = milestone.timeZone === "UTC" ? "" : ` (${escapeHtml(displayZone(milestone.timeZone))})`;
    items.push(
      `<li${past ? ' class="past"' : ""}><strong>${escapeHtml(milestone.label)}</strong>: <time datetime="${milestone.date}">${formatLongDate(milestone.date)}</time>${zone}, ${escapeHtml(relativeDays(days))}</li>`,
    );
  }
  if (!placed) items.push(here);
  return `<section aria-labelledby="schedule"><h2 id="schedule">Schedule</h2><ol class="timeline">${items.join("")}</ol></section>`;
}

/**
 * The chart ends at the counts the list shows. They differ only when the history lacks events (a
 * data file from before the history was kept) or for the moment between a change and its event
 * reaching the series; then today's point is the plan's own counts.
 */
function endingAt(points: readonly SeriesPoint[], counts: Record<Bucket, number>, today: string): readonly SeriesPoint[] {
  const last = points.at(-1);
  if (last ? BUCKETS.every((bucket) => last.counts[bucket] === counts[bucket]) : BUCKETS.every((bucket) => counts[bucket] === 0)) return points;
  return [...(last?.date === today ? points.slice(0, -1) : points), { date: today, counts }];
}

function chartSection(title: string, points: readonly SeriesPoint[], release: Release, now: Date): string {
  const heading = `<h2 id="over-time">Features in each bucket over time</h2>`;
  if (points.length === 0) return `<section aria-labelledby="over-time">${heading}<p>Nothing to chart yet: the chart starts with the first feature.</p></section>`;
  const chart = renderChart({ title: `${title}: features in each bucket over time`, points, milestones: release.milestones, today: now.toISOString().slice(0, 10) });
  const caption = "Features in each bucket at the end of each day on which a count changed";
  return `<section aria-labelledby="over-time">${heading}
<figure>${chart}<figcaption>One line per bucket, its count at the end of each day (UTC), up to the next milestone; dashed vertical lines are milestones, the solid one is today. Sub-items count, a feature split into sub-items does not.</figcaption></figure>
<details><summary>The numbers behind the chart (${points.length} day${points.length === 1 ? "" : "s"})</summary><div class="scroll">${renderChartTable(points, caption)}</div></details>
</section>`;
}

function bucketsSection(release: Release, counts: Record<Bucket, number>, prefix: string, names: OwnerNames): string {
  const sections = summarize(release, undefined, undefined, names);
  const heading = `<h2 id="features">Features by bucket</h2>`;
  if (sections.length === 0) return `<section aria-labelledby="features">${heading}<p>No features yet: add one in chat with <code>${escapeHtml(prefix)}add TITLE</code>.</p></section>`;
  const tally = sections.map((section) => `<li>${swatch(section.bucket)}<a href="#bucket-${section.bucket}">${escapeHtml(BUCKET_INFO[section.bucket].label)}</a> ${counts[section.bucket]}</li>`).join("");
  const parts = sections.map(
    (section) =>
      `<section class="bucket b-${section.bucket}" aria-labelledby="bucket-${section.bucket}"><h3 id="bucket-${section.bucket}">${swatch(section.bucket)}${escapeHtml(section.heading)} <span class="count">(${counts[section.bucket]})</span></h3>${items(section.items)}</section>`,
  );
  return `<section aria-labelledby="features">${heading}<ul class="tally" aria-label="Count per bucket">${tally}</ul>${parts.join("\n")}</section>`;
}

function items(list: readonly ListItem[]): string {
  return `<ul>${list
    .map((item) => {
      const details = item.details?.length ? item.details.map((detail) => `<span class="details">${escapeHtml(plainText(detail))}</span>`).join("") : "";
      return `<li>${escapeHtml(plainText(item.text))}${details}${item.children?.length ? items(item.children) : ""}</li>`;
    })
    .join("")}</ul>`;
}

function changesSection(events: readonly PlanEvent[], state: Readonly<PlanState>, now: Date, owners: OwnersLine): string {
  const heading = `<h2 id="changes">Recent changes</h2>`;
  if (events.length === 0) return `<section aria-labelledby="changes">${heading}<p>None yet.</p></section>`;
  const lines = events.map(
    (event) =>
      `<li>${escapeHtml(describeEvent(event, state, owners))} <span class="when">— ${escapeHtml(who(event.by))}, <time datetime="${event.at}" title="${escapeHtml(event.at)}">${escapeHtml(ago(new Date(event.at), now))}</time></span></li>`,
  );
  return `<section aria-labelledby="changes">${heading}<ul class="changes">${lines.join("")}</ul></section>`;
}

export interface IndexEntry {
  project: Project;
  release: Release | undefined;
}

/** The list of public projects, each with where its current release stands. */
export function renderIndex(entries: readonly IndexEntry[], now: Date): string {
  const items = entries.map(({ project, release }) => {
    if (!release) return `<li><a href="${fromIndex(project.id)}">${escapeHtml(project.name)}</a>: no current release yet.</li>`;
    const where = describeSchedule(release, now);
    const counts = `${releaseTotal(release)}: ${describeCounts(bucketCounts(release))}`;
    return `<li><a href="${fromIndex(project.id)}">${escapeHtml(`${project.name} ${release.id}`)}</a>: ${escapeHtml(counts)}.${where ? ` ${escapeHtml(where)}.` : ""}</li>`;
  });
  const list = items.length > 0 ? `<ul class="projects">${items.join("")}</ul>` : "<p>No projects to show yet.</p>";
  return layout("Stocktake: release status", `<header><h1>Release status</h1><p class="lead">Where each project's current release stands, from Stocktake.</p></header>
<main><h2>Projects</h2>${list}</main>`);
}

export function renderNotFound(): string {
  return layout("Not found: Stocktake", `<header><h1>Not found</h1></header><main><p>There is no such page. <a href="/">All projects</a>.</p></main>`);
}
