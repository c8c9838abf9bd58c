import type { Person } from "../config/core-config.js";
import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { Feature, PlanEvent, Project, Release } from "../model/schema.js";
import { type Block, cmd, type Reply, t } from "../reply/reply.js";
import { formatLongDate, plural } from "../util/dates.js";
import { own } from "../util/own.js";
import { describeEvent, describeFields, type OwnersLine } from "./describe-event.js";
import { grantedLine } from "./exceptions.js";
import { isNews } from "./news.js";
import { ownerNames, ownersLine } from "./people.js";
import { staleEntries, staleMarkFor } from "./stale.js";
import { asksQuestions, questionLines } from "./questions.js";
import { isClosed } from "./release.js";
import { describeSchedule, nextMilestone } from "./schedule.js";
import { runAtOnce, type Steps } from "../util/steps.js";
import { describeCounts, describeTotal, featureCounts, featureLabel, featureList, releaseHealth, sortedFeatures, summarizeSteps } from "./summary.js";

const MAX_CHANGE_LINES = 15;

export interface StockOptions {
  only?: Bucket;
  /** The kind of post when it is not the summary asked for in chat ("weekly summary"): said in the heading. */
  kind?: string;
  /** Also list what changed since `at`: `events` newest first, as the history gives them. */
  since?: {
    at: Date;
    events: readonly PlanEvent[];
    /** `at` is when the last summary went out (`--since last`). */
    last?: boolean;
    /** Every change, not only the news (owners, notes, aliases, links too). */
    all?: boolean;
  };
  /** Mark and count features with no update for this many days. */
  staleDays?: number;
  /** The people of the config: an owner who is one of them is named as a person (see `ownerNames`). */
  people?: Readonly<Record<string, Person>>;
}

/**
 * One line per feature that changed, named by its title as it is now, with its first value and its
 * last ("blktap3: status fair → at risk"), so three quick moves read as one and a move that came
 * back is no news; then the schedule's changes.
 */
export function changesSince(events: readonly PlanEvent[], release: Release, all: boolean, owners?: OwnersLine): string[] {
  const oldestFirst = events.filter((event) => (event.entity === "feature" || event.entity === "release") && (all ? !event.quiet : isNews(event))).reverse();
  // One entry per feature (all its events) or per schedule change, in the order of each entry's
  // latest event: the latest lines are the latest news.
  const byFeature = new Map<string, PlanEvent[]>();
  const entries: PlanEvent[][] = [];
  for (const event of oldestFirst) {
    const group = event.entity === "feature" ? byFeature.get(event.feature) : undefined;
    if (group) {
      group.push(event);
      continue;
    }
    const fresh = [event];
    if (event.entity === "feature") byFeature.set(event.feature, fresh);
    entries.push(fresh);
  }
  return entries
    .sort((a, b) => a.at(-1)!.seq - b.at(-1)!.seq)
    .flatMap((entry) => (entry[0]!.entity === "feature" ? featureChange(entry, release, owners) : [describeEvent(entry[0]!, undefined, owners)]));
}

function featureChange(group: readonly PlanEvent[], release: Release, owners?: OwnersLine): string[] {
  const first = group[0]!;
  const last = group.at(-1)!;
  const now = first.entity === "feature" ? own(release.features, first.feature) : undefined;
  const was = (first.before ?? last.before ?? first.after ?? {}) as Record<string, unknown>;
  const title = now ? featureLabel(now) : typeof was["title"] === "string" ? featureLabel({ title: was["title"], qualifier: typeof was["qualifier"] === "string" ? was["qualifier"] : null, external: was["external"] === true }) : first.entity === "feature" ? first.feature : "";
  if (first.before === null && last.after === null) return [`${title}: added and removed again`];
  if (first.before === null) return [`added ${title}${now ? ` (${BUCKET_INFO[now.bucket].label})` : ""}`];
  if (last.after === null) return [`removed ${title}`];
  // Each field's value before the first change, and after the last.
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const event of group) {
    for (const [field, value] of Object.entries(event.after ?? {})) {
      if (!Object.hasOwn(before, field)) before[field] = event.before?.[field];
      after[field] = value;
    }
  }
  const fields = describeFields(before, after, owners);
  return fields === "" ? [] : [`${title}: ${fields}`];
}

/** The "taking stock" summary as a reply: where the release stands, then the buckets. */
export function stockReply(project: Project, release: Release, now: Date, options: StockOptions = {}): Reply {
  return runAtOnce(stockReplySteps(project, release, now, options));
}

/**
 * `stockReply` as steps, to run in slices (see `runInSlices`): at 10 000 features it is several
 * milliseconds of work. Run so, it reads the plan over several turns of the event loop: a caller
 * that needs one consistent plan checks that none changed meanwhile (see the `!stock` command).
 */
export function* stockReplySteps(project: Project, release: Release, now: Date, options: StockOptions = {}): Steps<Reply> {
  // One bucket is not the whole stock: the heading says which part this post is.
  // A scheduled post says so too: a reader of the weekly mail tells it from one asked for in chat.
  const part = `${options.only ? `, ${BUCKET_INFO[options.only].label} only` : ""}${options.kind ? `, ${options.kind}` : ""}`;
  const blocks: Block[] = [{ type: "heading", text: `${project.name} ${release.id}: taking stock${part}` }];
  // The features listed once for every part below: each listing of 10 000 costs 1.5–2 ms.
  const features = featureList(release);
  const { counts, parents } = featureCounts(release, features);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const where = describeSchedule(release, now);
  const tally = total === 0 ? t`No features on the list yet: add one with ${cmd("add", "TITLE")}.` : `${describeTotal(total, parents)}: ${describeCounts(counts)}.`;
  if (isClosed(release)) blocks.push({ type: "text", text: `Shipped on ${formatLongDate(release.closedAt!.slice(0, 10))}: this plan is read-only.` });
  else blocks.push({ type: "text", text: where ? t`${where}. ${tally}` : tally });
  if (isClosed(release)) blocks.push({ type: "text", text: tally });
  if (options.since) {
    const { at, events, last, all } = options.since;
    const lines = changesSince(events, release, all === true, ownersLine(options.people ?? {}));
    const day = formatLongDate(at.toISOString().slice(0, 10));
    const heading = last ? `Changes since the last summary (${day}, ${at.toISOString().slice(11, 16)} UTC)` : `Changes since ${day}`;
    if (lines.length === 0) {
      blocks.push({ type: "text", text: `${heading}: none.` });
    } else {
      const shown = lines.slice(-MAX_CHANGE_LINES);
      const more = lines.length - shown.length;
      blocks.push({ type: "text", text: `${heading}${more > 0 ? ` (latest ${shown.length} of ${lines.length})` : ""}:` });
      blocks.push({ type: "list", items: shown.map((text) => ({ text })) });
    }
  }
  const granted = grantedLine(release, now, features);
  if (granted && !options.only) blocks.push({ type: "text", text: granted });
  yield;
  const staleDays = options.staleDays;
  const stale = staleDays === undefined ? [] : staleEntries(release, now, staleDays, features);
  yield;
  if (stale.length > 0 && !options.only) {
    blocks.push({ type: "text", text: t`${plural(stale.length, "feature")} stale (no update for ${staleDays!} days or more): ${cmd("stale")} lists them.` });
  }
  const staleDaysOf = new Map(stale.map((entry) => [entry.feature.id, entry.days]));
  const mark = (feature: Feature) => {
    const days = staleDaysOf.get(feature.id);
    return days === undefined ? undefined : staleMarkFor(days);
  };
  const sorted = sortedFeatures(release, features);
  yield;
  const sections = yield* summarizeSteps(release, options.only ? [options.only] : undefined, mark, ownerNames(options.people ?? {}), sorted);
  if (sections.length > 0) blocks.push({ type: "sections", sections });
  else if (options.only) blocks.push({ type: "text", text: `Nothing is ${BUCKET_INFO[options.only].label}.` });
  if (!isClosed(release) && !options.only && asksQuestions(release, features)) {
    blocks.push({ type: "heading", text: "Two questions" });
    for (const question of questionLines(release, features)) {
      blocks.push({ type: "text", text: question.text });
      if (question.items.length > 0) blocks.push({ type: "text", text: question.items[0]! }, { type: "list", items: question.items.slice(1).map((text) => ({ text })) });
    }
  }
  const health = releaseHealth(counts);
  const next = nextMilestone(release, now);
  const overview = {
    ...(health ? { health } : {}),
    ...(next ? { next: { label: next.milestone.label, date: next.milestone.date, deadline: next.deadline.toISOString() } } : {}),
  };
  return { tone: "info", blocks, overview };
}

