import { BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { PlanEvent, Project, Release } from "../model/schema.js";
import { type Block, cmd, type Reply, t } from "../reply/reply.js";
import { formatLongDate, plural } from "../util/dates.js";
import { describeEvent } from "./describe-event.js";
import { describeSchedule, nextMilestone } from "./schedule.js";
import { bucketCounts, describeCounts, releaseHealth, summarize } from "./summary.js";

const MAX_CHANGE_LINES = 15;

export interface StockOptions {
  only?: Bucket;
  since?: { at: Date; events: readonly PlanEvent[] };
}

/** The "taking stock" summary as a reply: where the release stands, then the buckets. */
export function stockReply(project: Project, release: Release, now: Date, options: StockOptions = {}): Reply {
  const blocks: Block[] = [{ type: "heading", text: `${project.name} ${release.id}: taking stock` }];
  const counts = bucketCounts(release);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const where = describeSchedule(release, now);
  const tally = total === 0 ? t`No features on the list yet: add one with ${cmd("add", "TITLE")}.` : `${plural(total, "feature")}: ${describeCounts(counts)}.`;
  blocks.push({ type: "text", text: where ? t`${where}. ${tally}` : tally });
  if (options.since) {
    const lines = options.since.events
      .filter((event) => event.entity === "feature" || event.entity === "release")
      .slice()
      .reverse()
      .map((event) => describeEvent(event, undefined));
    const heading = `Changes since ${formatLongDate(options.since.at.toISOString().slice(0, 10))}`;
    if (lines.length === 0) {
      blocks.push({ type: "text", text: `${heading}: none.` });
    } else {
      const shown = lines.slice(-MAX_CHANGE_LINES);
      const more = lines.length - shown.length;
      blocks.push({ type: "text", text: `${heading}${more > 0 ? ` (latest ${shown.length} of ${lines.length})` : ""}:` });
      blocks.push({ type: "list", items: shown.map((text) => ({ text })) });
    }
  }
  const sections = summarize(release, options.only ? [options.only] : undefined);
  if (sections.length > 0) blocks.push({ type: "sections", sections });
  else if (options.only) blocks.push({ type: "text", text: `Nothing is ${BUCKET_INFO[options.only].label}.` });
  const health = releaseHealth(counts);
  const next = nextMilestone(release, now);
  const overview = {
    ...(health ? { health } : {}),
    ...(next ? { next: { label: next.milestone.label, date: next.milestone.date, deadline: next.deadline.toISOString() } } : {}),
  };
  return { tone: "info", blocks, overview };
}

