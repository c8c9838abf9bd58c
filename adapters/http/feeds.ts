import type { PlanEvent, PlanState, Project, Release } from "../../src/model/schema.js";
import { addDays } from "../../src/util/dates.js";
import type { Person } from "../../src/config/core-config.js";
import { calendarItems, feedItems } from "../../src/web/feed-items.js";
import { ownersLine } from "../../src/web/views.js";

/**
 * The release's milestones as an iCalendar feed (/p/ID.ics), for people to subscribe to in their
 * calendar: one all-day event per milestone on its date (src/web/feed-items.ts says what each is).
 * ical-generator is loaded on the first request for a calendar, not at start-up: most runs never serve one.
 */
export async function renderCalendar(project: Project, release: Release, now: Date): Promise<string> {
  const { default: ical } = await import("ical-generator");
  const calendar = ical({ name: `${project.name} ${release.id} milestones`, prodId: { company: "Stocktake", product: "stocktake", language: "EN" }, ttl: 3_600 });
  for (const item of calendarItems(project, release)) {
    calendar.createEvent({
      id: `${encodeURIComponent(project.id)}.${encodeURIComponent(release.id)}.${item.key}@stocktake`,
      start: new Date(`${item.date}T00:00:00Z`),
      end: new Date(`${addDays(item.date, 1)}T00:00:00Z`),
      allDay: true,
      summary: item.summary,
      description: item.description,
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
export function renderAtom(project: Project, events: readonly PlanEvent[], state: Readonly<PlanState>, now: Date, people: Readonly<Record<string, Person>> = {}): string {
  const id = `tag:stocktake,2024:${encodeURIComponent(project.id)}`;
  const page = encodeURIComponent(project.id);
  const updated = events[0]?.at ?? now.toISOString();
  const entries = feedItems(project, events.slice(0, FEED_ENTRIES), state, ownersLine(people)).map(
    (item) => `  <entry>
    <id>${id}/event/${item.seq}</id>
    <title type="text">${xml(item.title)}</title>
    <updated>${item.at}</updated>
    <author><name>${xml(item.author)}</name></author>
    <link rel="alternate" type="text/html" href="${page}"/>
    <content type="text">${xml(item.content)}</content>
  </entry>`,
  );
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
