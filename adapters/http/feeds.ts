import ical from "ical-generator";
import type { PlanEvent, PlanState, Project, Release } from "../../src/model/schema.js";
import { describeEvent, sortMilestones } from "../../src/web/views.js";
import { withoutPlatform } from "../../src/ids.js";
import { addDays, displayZone, endOfDate, formatLongDate } from "../../src/util/dates.js";

/**
 * The release's milestones as an iCalendar feed (/p/ID.ics), for people to subscribe to in their
 * calendar: one all-day event per milestone on its date. A milestone is due by the end of its day
 * in its own zone (AoE: UTC−12), which the description gives as the instant, so nobody in another
 * zone reads the day wrong.
 */
export function renderCalendar(project: Project, release: Release, now: Date): string {
  const calendar = ical({ name: `${project.name} ${release.id} milestones`, prodId: { company: "Stocktake", product: "stocktake", language: "EN" }, ttl: 3_600 });
  for (const milestone of sortMilestones(release.milestones)) {
    const due = endOfDate(milestone.date, milestone.timeZone);
    calendar.createEvent({
      id: `${encodeURIComponent(project.id)}.${encodeURIComponent(release.id)}.${milestone.key}@stocktake`,
      start: new Date(`${milestone.date}T00:00:00Z`),
      end: new Date(`${addDays(milestone.date, 1)}T00:00:00Z`),
      allDay: true,
      summary: `${project.name} ${release.id}: ${milestone.label}`,
      description: `${milestone.label} of ${project.name} ${release.id}: ${formatLongDate(milestone.date)}, until the end of the day ${displayZone(milestone.timeZone)} (${due.toISOString().replace(".000Z", "Z")}).`,
      stamp: now,
    });
  }
  return calendar.toString();
}

/** Events the Atom feed carries, newest first. */
export const FEED_ENTRIES = 50;

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Text for XML: escaped, and without the characters XML 1.0 cannot carry at all. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "").replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
}

/**
 * The plan's changes as an Atom feed (/p/ID.atom): one entry per change (a bucket move, a new
 * feature, a milestone), newest first, for people who follow the release in a feed reader.
 * `events` are the project's history, newest first.
 */
export function renderAtom(project: Project, events: readonly PlanEvent[], state: Readonly<PlanState>, now: Date): string {
  const id = `tag:stocktake,2024:${encodeURIComponent(project.id)}`;
  const page = encodeURIComponent(project.id);
  const updated = events[0]?.at ?? now.toISOString();
  const entries = events.slice(0, FEED_ENTRIES).map((event) => {
    const text = describeEvent(event, state);
    const where = event.entity === "feature" || event.entity === "release" ? `${project.name} ${event.release}` : project.name;
    return `  <entry>
    <id>${id}/event/${event.seq}</id>
    <title type="text">${xml(`${where}: ${text}`)}</title>
    <updated>${event.at}</updated>
    <author><name>${xml(withoutPlatform(event.by))}</name></author>
    <link rel="alternate" type="text/html" href="${page}"/>
    <content type="text">${xml(`${text} (${event.command})`)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${id}</id>
  <title type="text">${xml(`${project.name}: release changes`)}</title>
  <updated>${updated}</updated>
  <link rel="alternate" type="text/html" href="${page}"/>
  <generator>Stocktake</generator>
${entries.join("\n")}
</feed>
`;
}
