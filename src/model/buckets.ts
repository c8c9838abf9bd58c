import { z } from "zod";

/** The likelihood buckets, in the order a summary lists them. */
export const BUCKETS = ["done", "on-track", "fair", "at-risk", "deferred", "dropped"] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BucketSchema = z.enum(BUCKETS);

/** Buckets a release still counts as planned work; deferred and dropped items left the release. */
export const ACTIVE_BUCKETS: readonly Bucket[] = ["done", "on-track", "fair", "at-risk"];

/**
 * Work still to do: neither finished nor dropped. A rollover carries it, `!defer` moves it, and a
 * finished parent with it among its sub-items is "partial". (Stale also leaves deferred out.)
 */
export function isUnfinished(bucket: Bucket): boolean {
  return bucket !== "done" && bucket !== "dropped";
}

interface BucketInfo {
  /** Short name for badges and replies. */
  label: string;
  /** Section heading of the status mail, exactly as release managers write it. */
  heading: string;
  /** Words people type for it; matched after lower-casing and squashing spaces and dashes. */
  synonyms: readonly string[];
}

export const BUCKET_INFO: Record<Bucket, BucketInfo> = {
  done: {
    label: "finished",
    heading: "Finished features",
    synonyms: ["done", "finished", "finish", "complete", "completed", "landed", "merged", "committed"],
  },
  "on-track": {
    label: "on track",
    heading: "Features on-track",
    synonyms: ["on-track", "ontrack", "track", "green", "good"],
  },
  fair: {
    label: "fair",
    heading: "Features marked as Fair",
    synonyms: ["fair", "amber", "yellow", "maybe"],
  },
  "at-risk": {
    label: "at risk",
    heading: "Features at risk",
    synonyms: ["at-risk", "atrisk", "risk", "risky", "red"],
  },
  deferred: {
    label: "deferred",
    heading: "Features deferred",
    synonyms: ["deferred", "defer", "slipped", "slip", "postponed", "later"],
  },
  dropped: {
    label: "dropped",
    heading: "Features dropped",
    synonyms: ["dropped", "drop", "cancelled", "canceled", "abandoned", "withdrawn"],
  },
};

const SYNONYMS = new Map<string, Bucket>(
  BUCKETS.flatMap((bucket) => BUCKET_INFO[bucket].synonyms.map((word) => [word, bucket] as const)),
);

/** "At risk", "at-risk", "AT_RISK" and "red" all name the same bucket. */
export function parseBucket(text: string): Bucket | undefined {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return SYNONYMS.get(key) ?? SYNONYMS.get(key.replace(/-/g, ""));
}

/** A bucket heading from a status mail ("Features marked as Fair") back to its bucket. */
export function bucketFromHeading(heading: string): Bucket | undefined {
  const text = heading.toLowerCase();
  if (/\bfinished\b|\bdone\b|\bcompleted?\b/.test(text)) return "done";
  if (/on[\s-]?track/.test(text)) return "on-track";
  if (/\bfair\b/.test(text)) return "fair";
  if (/at[\s-]?risk/.test(text)) return "at-risk";
  if (/deferred|slipped|postponed/.test(text)) return "deferred";
  if (/dropped|cancell?ed|abandoned/.test(text)) return "dropped";
  return undefined;
}

/** A release's overall health, named after the bucket whose colour shows it. */
export type Health = "done" | "on-track" | "fair" | "at-risk";
