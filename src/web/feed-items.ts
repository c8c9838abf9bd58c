import type { PlanEvent, PlanState, Project, Release } from "../model/schema.js";
import { describeEvent, type OwnersLine } from "../plan/describe-event.js";
import { sortMilestones } from "../plan/schedule.js";
import { withoutPlatform } from "../ids.js";
import { displayZone, endOfDate, formatLongDate } from "../util/dates.js";

/** One milestone as a calendar has it: an all-day event on its date, with the instant it is due. */
export interface CalendarItem {
  key: string;
  date: string;
  summary: string;
  description: string;
}

/**
 * The release's milestones for its calendar feed. A milestone is due by the end of its day in its
 * own zone (AoE: UTC−12), which the description gives as the instant, so nobody in another zone
 * reads the day wrong.
 */
export function calendarItems(project: Project, release: Release): CalendarItem[] {
  return sortMilestones(release.milestones).map((milestone) => {
    const due = endOfDate(milestone.date, milestone.timeZone);
    return {
      key: milestone.key,
      date: milestone.date,
      summary: `${project.name} ${release.id}: ${milestone.label}`,
      description: `${milestone.label} of ${project.name} ${release.id}: ${formatLongDate(milestone.date)}, until the end of the day ${displayZone(milestone.timeZone)} (${due.toISOString().replace(".000Z", "Z")}).`,
    };
  });
}

/** One change as a feed has it. */
export interface FeedItem {
  seq: number;
  at: string;
  title: string;
  author: string;
  content: string;
}

/** The project's changes for its feed, in the order given (newest first). */
export function feedItems(project: Project, events: readonly PlanEvent[], state: Readonly<PlanState>, owners?: OwnersLine): FeedItem[] {
  return events.map((event) => {
    const text = describeEvent(event, state, owners);
    const where = event.entity === "feature" || event.entity === "release" ? `${project.name} ${event.release}` : project.name;
    return { seq: event.seq, at: event.at, title: `${where}: ${text}`, author: withoutPlatform(event.by), content: `${text} (${event.command})` };
  });
}
