/**
 * What the web page may read of the plan: the read-only views it renders (the summary, the
 * schedule, the history in words, the chart's series). The web adapter imports these, never the
 * plan's own files, so the plan can be reorganised without touching a renderer.
 */
export type { BucketSeries, SeriesPoint } from "../plan/bucket-series.js";
export { describeEvent } from "../plan/describe-event.js";
export { describeCycleMonth, describeSchedule, sortMilestones } from "../plan/schedule.js";
export { bucketCounts, describeCounts, releaseTotal, summarize } from "../plan/summary.js";
export { ownerNames, ownersLine, type OwnerNames } from "../plan/people.js";
export type { OwnersLine } from "../plan/describe-event.js";
