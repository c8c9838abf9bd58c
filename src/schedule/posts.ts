import type { Person } from "../config/core-config.js";
import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { Milestone, Project, Release } from "../model/schema.js";
import { endingSoonLine } from "../plan/exceptions.js";
import { stockReply } from "../plan/stock-summary.js";
import { lastMilestone, nextMilestone } from "../plan/schedule.js";
import { childrenOf, featureLabel, sortedFeatures } from "../plan/summary.js";
import type { Reply } from "../reply/reply.js";
import { addDays, dateInZone, displayZone, formatShortDate, plural, weekday, zonedTimeToInstant } from "../util/dates.js";
import type { Subscription } from "./subscription.js";

/**
 * When posts are due and what they say. Pure: the scheduler feeds it the time and the plan.
 */

export type PostKind = "summary" | "countdown";

export interface Slot {
  at: Date;
  kind: PostKind;
  /** Local date of the slot in the subscription's zone. */
  date: string;
  /** The milestone it counts down to, if any. */
  milestone: string | null;
  /** The subscription's zone: the calendar its readers count days on. */
  zone: string;
}

/** Milestones after which the release is "in" a phase ("We are in code freeze"). */
const PHASES = new Set(["feature-freeze", "code-freeze", "hard-code-freeze"]);

/** How far back a restart looks for missed slots; anything older is long past any grace window. */
const LOOKBACK_DAYS = 60;
/** How far ahead a schedule looks for the next slot. */
const LOOKAHEAD_DAYS = 400;

/** The release is over once its release date (or its last milestone) has passed. */
export function releaseOver(release: Pick<Release, "milestones">, at: Date): boolean {
  if (release.milestones.length === 0) return false;
  return nextMilestone(release, at) === undefined;
}

/** What, if anything, a subscription posts at the slot on local date `date`. */
function slotOn(date: string, subscription: Subscription, release: Pick<Release, "milestones"> | undefined, tightenDays: number): Slot | undefined {
  const at = zonedTimeToInstant(date, subscription.time, subscription.zone);
  if (release && releaseOver(release, at)) return undefined;
  const next = release ? nextMilestone(release, at, subscription.zone) : undefined;
  const milestone = next?.milestone.key ?? null;
  if (weekday(date).toLowerCase() === subscription.day) return { at, kind: "summary", date, milestone, zone: subscription.zone };
  if (!next) return undefined;
  if (subscription.cadence === "daily" || (subscription.cadence === "auto" && next.days <= tightenDays)) {
    return { at, kind: "countdown", date, milestone, zone: subscription.zone };
  }
  return undefined;
}

/** Slots with `after < at <= until`, oldest first. */
export function slotsBetween(
  subscription: Subscription,
  release: Pick<Release, "milestones"> | undefined,
  after: Date,
  until: Date,
  tightenDays: number,
): Slot[] {
  const slots: Slot[] = [];
  let date = dateInZone(new Date(Math.max(after.getTime(), until.getTime() - LOOKBACK_DAYS * 86_400_000)), subscription.zone);
  const last = dateInZone(until, subscription.zone);
  for (; date <= last; date = addDays(date, 1)) {
    const slot = slotOn(date, subscription, release, tightenDays);
    if (slot && slot.at.getTime() > after.getTime() && slot.at.getTime() <= until.getTime()) slots.push(slot);
  }
  return slots;
}

/** The next `count` slots strictly after `after`. */
export function nextSlots(subscription: Subscription, release: Pick<Release, "milestones"> | undefined, after: Date, count: number, tightenDays: number): Slot[] {
  const slots: Slot[] = [];
  let date = dateInZone(after, subscription.zone);
  for (let day = 0; day < LOOKAHEAD_DAYS && slots.length < count; day++, date = addDays(date, 1)) {
    const slot = slotOn(date, subscription, release, tightenDays);
    if (slot && slot.at.getTime() > after.getTime()) slots.push(slot);
  }
  return slots;
}

/** The post's identity: a room never gets the same one twice. */
export function slotKey(conversation: string, slot: Slot): string {
  return `${conversation}|${slot.kind}|${slot.milestone ?? "-"}|${slot.date}`;
}

/** "in 14 days"; in a phase sentence whole weeks read better: "in 2 weeks". */
function distance(days: number, weeks: boolean): string {
  if (days === 0) return "is today";
  if (days === 1) return "is tomorrow";
  if (weeks && days >= 14 && days % 7 === 0) return `in ${plural(days / 7, "week")}`;
  return `in ${plural(days, "day")}`;
}

function when(milestone: Milestone): string {
  const zone = milestone.timeZone === "UTC" ? "" : `, ${displayZone(milestone.timeZone)}`;
  return `(${formatShortDate(milestone.date)}${zone})`;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/**
 * Where the schedule stands, phase-aware: "Feature freeze in 14 days (Mon 25 Mar 2013, AoE)",
 * "Feature freeze is today (…)", "We are in code freeze; hard code freeze in 2 weeks (Fri 6 Oct 2023)".
 */
export function countdownLine(release: Pick<Release, "milestones">, at: Date, readerZone?: string): string | undefined {
  const next = nextMilestone(release, at, readerZone);
  if (!next) {
    const last = lastMilestone(release, at);
    return last ? `${last.label} was on ${formatShortDate(last.date)}` : undefined;
  }
  const passed = lastMilestone(release, at);
  const countdown = `${next.milestone.label} ${distance(next.days, false)} ${when(next.milestone)}`;
  if (passed && PHASES.has(passed.key)) {
    return `We are in ${lowerFirst(passed.label)}; ${lowerFirst(next.milestone.label)} ${distance(next.days, true)} ${when(next.milestone)}`;
  }
  return countdown;
}

const LISTED = 5;

/** "3 features at risk: blktap3, V4V, vTPM" for one bucket, sub-items counted, parents not. */
function bucketLine(release: Release, bucket: Bucket): string | undefined {
  const features = sortedFeatures(release).filter((feature) => feature.bucket === bucket && childrenOf(release, feature.id).length === 0);
  if (features.length === 0) return undefined;
  const names = features.slice(0, LISTED).map((feature) => featureLabel(feature));
  if (features.length > LISTED) names.push(`… ${features.length - LISTED} more`);
  const noun = bucket === "at-risk" ? `${plural(features.length, "feature")} at risk` : `${features.length} ${BUCKET_INFO[bucket].label}`;
  return `${noun}: ${names.join(", ")}`;
}

export function countdownReply(project: Pick<Project, "name">, release: Release, at: Date, readerZone?: string): Reply | undefined {
  const line = countdownLine(release, at, readerZone);
  if (!line) return undefined;
  const parts = [line, bucketLine(release, "at-risk"), bucketLine(release, "fair"), endingSoonLine(release, at)].filter((part): part is string => part !== undefined);
  return { tone: "info", blocks: [{ type: "text", text: `${project.name} ${release.id}: ${parts.join("; ")}.` }] };
}

/**
 * What a slot posts: the whole summary on the weekly day, headed as the weekly one and with the stale
 * items counted and marked as in `!stock`, owners who are `people` named as people, else the countdown line.
 */
export function postFor(slot: Slot, project: Project, release: Release, staleDays: number, people: Readonly<Record<string, Person>> = {}): Reply | undefined {
  if (slot.kind === "summary") return stockReply(project, release, slot.at, { kind: "weekly summary", staleDays, people });
  return countdownReply(project, release, slot.at, slot.zone);
}
