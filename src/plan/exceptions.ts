import type { Feature, FreezeException, Milestone, Release } from "../model/schema.js";
import { isUnfinished } from "../model/buckets.js";
import { addDays, dateInZone, endOfDate, formatLongDate } from "../util/dates.js";
import { featureLabel, featureList } from "./summary.js";

/** The release's feature freeze, the milestone after which a late feature needs an exception. */
export function featureFreeze(release: Pick<Release, "milestones">): Milestone | undefined {
  return release.milestones.find((milestone) => milestone.key === "feature-freeze");
}

/** The freeze has ended in its own zone: from then on a late feature needs an exception. */
export function freezeHasPassed(freeze: Milestone, now: Date): boolean {
  return endOfDate(freeze.date, freeze.timeZone).getTime() <= now.getTime();
}

/** "requested (7 days: reason)", "granted until 1 April 2013", "denied: reason". */
export function describeException(exception: FreezeException): string {
  if (exception.state === "granted") return exception.until === null ? "granted" : `granted until ${formatLongDate(exception.until)}`;
  if (exception.state === "denied") return `denied${exception.answer ? `: ${exception.answer}` : ""}`;
  const days = `${exception.days} extra day${exception.days === 1 ? "" : "s"}`;
  return `requested (${days}${exception.reason ? `: ${exception.reason}` : ""})`;
}

/** Features with an exception, open requests first, then granted (soonest deadline first), then denied. */
export function exceptionsOf(release: Pick<Release, "features">, features: readonly Feature[] = featureList(release)): { feature: Feature; exception: FreezeException }[] {
  const rank = { requested: 0, granted: 1, denied: 2 } as const;
  const found: { feature: Feature; exception: FreezeException }[] = [];
  for (const feature of features) if (feature.exception) found.push({ feature, exception: feature.exception });
  // Deadlines are ISO dates (or none, first): compared as strings, they sort by date.
  const until = (exception: FreezeException) => exception.until ?? "";
  return found.sort(
    (a, b) => rank[a.exception.state] - rank[b.exception.state] || (until(a.exception) < until(b.exception) ? -1 : until(a.exception) > until(b.exception) ? 1 : 0) || a.feature.order - b.feature.order,
  );
}

/**
 * "blktap3 until 1 April 2013; vTPM (ended 28 March 2013)": the granted exceptions of features still
 * to do, soonest deadline first, as they stand at `at` on the feature freeze's calendar. A feature
 * that finished (or was dropped) no longer needs its exception, so it is left out.
 */
export function grantedList(release: Pick<Release, "features" | "milestones">, at: Date, features?: readonly Feature[]): string | undefined {
  const granted = exceptionsOf(release, features).filter((entry) => entry.exception.state === "granted" && isUnfinished(entry.feature.bucket));
  if (granted.length === 0) return undefined;
  const today = dateInZone(at, featureFreeze(release)?.timeZone ?? "UTC");
  const deadline = ({ until }: FreezeException) => (until === null ? "" : until < today ? ` (ended ${formatLongDate(until)})` : ` until ${formatLongDate(until)}`);
  return granted.map(({ feature, exception }) => `${featureLabel(feature)}${deadline(exception)}`).join("; ");
}

/** "Freeze exceptions granted: blktap3 until 1 April 2013; vTPM until 5 April 2013." — for the summary. */
export function grantedLine(release: Pick<Release, "features" | "milestones">, at: Date, features?: readonly Feature[]): string | undefined {
  const list = grantedList(release, at, features);
  return list === undefined ? undefined : `Freeze exceptions granted: ${list}.`;
}

/** Days ahead in which a granted exception's end is named by countdowns. */
export const ENDING_SOON_DAYS = 7;

/**
 * "exceptions ending soon: blktap3 (14 July 2023)": granted exceptions whose last day is today or
 * within the next week, on the calendar of the feature freeze's zone. Finished features are left out.
 */
export function endingSoonLine(release: Pick<Release, "features" | "milestones">, now: Date): string | undefined {
  const zone = featureFreeze(release)?.timeZone ?? "UTC";
  const today = dateInZone(now, zone);
  const horizon = addDays(today, ENDING_SOON_DAYS);
  const soon = exceptionsOf(release).filter(
    ({ feature, exception }) => exception.state === "granted" && exception.until !== null && exception.until >= today && exception.until <= horizon && feature.bucket !== "done",
  );
  if (soon.length === 0) return undefined;
  const names = soon.map(({ feature, exception }) => `${featureLabel(feature)} (${formatLongDate(exception.until!)})`);
  return `exception${soon.length === 1 ? "" : "s"} ending soon: ${names.join(", ")}`;
}
