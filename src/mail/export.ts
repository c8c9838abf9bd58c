import type { Person } from "../config/core-config.js";
import type { Project, Release } from "../model/schema.js";
import { ownerNames } from "../plan/people.js";
import { describeSchedule, sortMilestones } from "../plan/schedule.js";
import { bucketCounts, describeCounts, releaseTotal, summarize } from "../plan/summary.js";
import { renderSections } from "../reply/render-plain.js";
import { asksQuestions, questionText } from "../plan/questions.js";
import { plainText } from "../reply/inline.js";
import type { ListItem } from "../reply/reply.js";
import { displayZone, formatLongDate } from "../util/dates.js";

export const EXPORT_FORMATS = ["text", "markdown", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type People = Readonly<Record<string, Person>>;

/**
 * A mail-ready summary in the form release managers send: subject, where we stand, the timeline,
 * then the buckets, each item with its owners, status and links. `importMail` reads it back. An owner who is one of `people` is named by their
 * name, never by a chat id.
 */
export function exportText(project: Project, release: Release, now: Date, people: People = {}): string {
  const parts: string[] = [`${exportTag(project)} ${release.id} Planning: Taking stock`];
  const where = describeSchedule(release, now);
  const counts = bucketCounts(release);
  parts.push([where ? `${where}.` : "", `${releaseTotal(release)}: ${describeCounts(counts)}.`].filter(Boolean).join(" "));
  const timeline = timelineLines(release);
  if (timeline.length > 0) {
    const cycle = release.cycleMonths ? [`We are planning on a ${release.cycleMonths}-month release cycle.`, ""] : [];
    parts.push(["= Timeline =", "", ...cycle, ...timeline].join("\n"));
  }
  // Each link on a line of its own under its item, as release managers write them and `importMail` reads them back.
  const sections = summarize(release, undefined, (feature) => feature.links, ownerNames(people));
  if (sections.length > 0) parts.push(renderSections(sections));
  if (asksQuestions(release)) parts.push(questionText(release));
  return `${parts.join("\n\n")}\n`;
}

/**
 * "[Xen]", or "[xen] Xen Project" for a name a subject tag cannot hold: the importer reads the
 * project back from the tag (`guessTarget`), so a name with spaces must not be the tag.
 */
function exportTag(project: Pick<Project, "id" | "name">): string {
  return /^[A-Za-z0-9_.-]+$/.test(project.name) ? `[${project.name}]` : `[${project.id}] ${project.name}`;
}

function timelineLines(release: Release): string[] {
  return sortMilestones(release.milestones).map(
    (milestone) => `* ${milestone.label}: ${formatLongDate(milestone.date)}${milestone.timeZone === "UTC" ? "" : ` (${displayZone(milestone.timeZone)})`}`,
  );
}

export function exportMarkdown(project: Project, release: Release, now: Date, people: People = {}): string {
  const out: string[] = [`# ${project.name} ${release.id}: taking stock`, ""];
  const where = describeSchedule(release, now);
  if (where) out.push(`${where}.`, "");
  out.push(`${releaseTotal(release)}: ${describeCounts(bucketCounts(release))}.`, "");
  const timeline = timelineLines(release);
  if (timeline.length > 0) out.push("## Timeline", "", ...timeline.map((line) => `-${line.slice(1)}`), "");
  for (const section of summarize(release, undefined, undefined, ownerNames(people))) {
    out.push(`## ${section.heading}`, "");
    for (const item of section.items) {
      out.push(`- ${markdownText(item)}`);
      for (const child of item.children ?? []) out.push(`  - ${markdownText(child)}`);
    }
    out.push("");
  }
  if (asksQuestions(release)) out.push("## Two questions", "", escapeMarkdown(questionText(release)), "");
  return out.join("\n");
}

function markdownText(item: ListItem): string {
  const details = item.details && item.details.length > 0 ? ` — ${item.details.map((detail) => plainText(detail)).join("; ")}` : "";
  return escapeMarkdown(plainText(item.text) + details);
}

/** Markdown's own characters in titles are shown as typed, not as formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|~])/g, "\\$1");
}

export function exportJson(project: Project, release: Release): string {
  const { releases: _releases, ...meta } = project;
  return `${JSON.stringify({ project: meta, release }, null, 2)}\n`;
}

export function exportRelease(format: ExportFormat, project: Project, release: Release, now: Date, people: People = {}): string {
  switch (format) {
    case "text":
      return exportText(project, release, now, people);
    case "markdown":
      return exportMarkdown(project, release, now, people);
    case "json":
      return exportJson(project, release);
  }
}
