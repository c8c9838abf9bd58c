import { z } from "zod";
import { ownRecord } from "../util/own.js";
import { BucketSchema } from "./buckets.js";

/**
 * The stored shape of the plan. These schemas are the single source of truth: the TypeScript types
 * are inferred from them, and everything read from disk is parsed with them, never cast.
 */

export const SCHEMA_VERSION = 1;

export const LIMITS = {
  message: 4_000,
  title: 200,
  qualifier: 40,
  note: 1_000,
  name: 64,
  link: 500,
  listEntries: 20,
} as const;

const Timestamp = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();

export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' and '-' only");

/**
 * A freeze exception (`!exception request|grant|deny`): asked for after the feature freeze, decided
 * by a release manager. One per feature; a new request replaces a decided one.
 */
export const FreezeExceptionSchema = z.object({
  state: z.enum(["requested", "granted", "denied"]),
  /** Extra days asked for, after the feature freeze. */
  days: z.number().int().min(1).max(365),
  reason: z.string().max(LIMITS.note),
  requestedBy: z.string(),
  requestedAt: Timestamp,
  /** Granted: the last day the feature may go in (the release's feature-freeze zone). */
  until: IsoDate.nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: Timestamp.nullable(),
  /** Denied: why. */
  answer: z.string().max(LIMITS.note).nullable(),
});
export type FreezeException = z.infer<typeof FreezeExceptionSchema>;

export const FeatureSchema = z.object({
  id: IdSchema,
  title: z.string().min(1).max(LIMITS.title),
  qualifier: z.string().min(1).max(LIMITS.qualifier).nullable(),
  external: z.boolean(),
  bucket: BucketSchema,
  owners: z.array(z.string().min(1).max(LIMITS.name)).max(LIMITS.listEntries),
  note: z.string().max(LIMITS.note).nullable(),
  probability: z.number().int().min(0).max(100).nullable(),
  links: z.array(z.string().max(LIMITS.link)).max(LIMITS.listEntries),
  aliases: z.array(z.string().min(1).max(LIMITS.name)).max(LIMITS.listEntries),
  parent: IdSchema.nullable(),
  /** Position in the plan; a summary lists each bucket in this order. */
  order: z.number().int(),
  createdAt: Timestamp,
  createdBy: z.string(),
  updatedAt: Timestamp,
  updatedBy: z.string(),
  /** The release it was carried over from (`!release new --carry`, `!defer`); absent in older files. */
  carriedFrom: z.string().min(1).max(32).nullable().optional(),
  /** Marked by a release manager as absolutely needed for the release (`!need`); absent in older files. */
  needed: z.boolean().optional(),
  /** The answer to "is it worth intervening in?" (`!intervene`); absent in older files. */
  intervention: z
    .object({ kind: z.enum(["effort", "resources", "slip"]), text: z.string().max(LIMITS.note), by: z.string(), at: Timestamp })
    .nullable()
    .optional(),
  /** Its freeze exception, if one was asked for; absent in older files. */
  exception: FreezeExceptionSchema.nullable().optional(),
});
export type Feature = z.infer<typeof FeatureSchema>;

/** "AoE" (anywhere on earth, UTC-12) or an IANA zone such as "Europe/London". */
export const TimeZoneSchema = z.string().refine(isKnownTimeZone, "unknown time zone (use an IANA name such as Europe/London, or AoE)");

export const MilestoneSchema = z.object({
  /** Stable key: "feature-freeze", "rc1", "release". */
  key: IdSchema,
  label: z.string().min(1).max(LIMITS.name),
  date: IsoDate,
  timeZone: TimeZoneSchema,
});
export type Milestone = z.infer<typeof MilestoneSchema>;

export const ReleaseMetaSchema = z.object({
  id: z.string().min(1).max(32),
  /** Length of the release cycle in months ("9-month release schedule"). */
  cycleMonths: z.number().int().min(1).max(60).nullable(),
  cycleStart: IsoDate.nullable(),
  milestones: z.array(MilestoneSchema).max(50),
  createdAt: Timestamp,
  createdBy: z.string(),
  /**
   * When it shipped (`!release close`): its plan is read-only from then on. Optional, so data
   * files written before releases could be closed load as they are (open releases).
   */
  closedAt: Timestamp.nullable().optional(),
  closedBy: z.string().nullable().optional(),
});
export type ReleaseMeta = z.infer<typeof ReleaseMetaSchema>;

export const ReleaseSchema = ReleaseMetaSchema.extend({
  features: ownRecord(z.string(), FeatureSchema),
});
export type Release = z.infer<typeof ReleaseSchema>;

export const ProjectMetaSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(LIMITS.name),
  currentRelease: z.string().nullable(),
  /** When a full summary was last posted: what `!stock --since last` compares against. */
  lastStockAt: Timestamp.nullable(),
  createdAt: Timestamp,
  createdBy: z.string(),
});
export type ProjectMeta = z.infer<typeof ProjectMetaSchema>;

export const ProjectSchema = ProjectMetaSchema.extend({
  releases: ownRecord(z.string(), ReleaseSchema),
});
export type Project = z.infer<typeof ProjectSchema>;

/** Per room or channel settings, keyed by the adapter's conversation id. */
export const ConversationSchema = z.object({
  id: z.string().min(1).max(300),
  project: IdSchema.nullable(),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const PlanStateSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** Sequence number of the last event folded into this state. */
  seq: z.number().int().min(0),
  projects: ownRecord(z.string(), ProjectSchema),
  conversations: ownRecord(z.string(), ConversationSchema),
});
export type PlanState = z.infer<typeof PlanStateSchema>;

export function emptyState(): PlanState {
  return { schemaVersion: SCHEMA_VERSION, seq: 0, projects: {}, conversations: {} };
}

/**
 * One change. `before` and `after` hold the changed fields only (whole objects when the entity is
 * created or deleted), so undo is the same event with the two swapped.
 */
const Fields = z.record(z.string(), z.unknown());

const ProjectChange = z.object({ entity: z.literal("project"), project: z.string(), before: Fields.nullable(), after: Fields.nullable() });
const ReleaseChange = z.object({
  entity: z.literal("release"),
  project: z.string(),
  release: z.string(),
  before: Fields.nullable(),
  after: Fields.nullable(),
});
const FeatureChange = z.object({
  entity: z.literal("feature"),
  project: z.string(),
  release: z.string(),
  feature: z.string(),
  before: Fields.nullable(),
  after: Fields.nullable(),
});
const ConversationChange = z.object({ entity: z.literal("conversation"), conversation: z.string(), before: Fields.nullable(), after: Fields.nullable() });

export const ChangeSchema = z.discriminatedUnion("entity", [ProjectChange, ReleaseChange, FeatureChange, ConversationChange]);
export type Change = z.infer<typeof ChangeSchema>;

const EventMeta = {
  seq: z.number().int().min(1),
  /** Sequence number of the first event of the command that made it: undo works per command. */
  txn: z.number().int().min(1),
  /**
   * How many events the txn has, on each of them when more than one (absent: one, or a history
   * written before this was recorded). Replay never applies a txn it has only part of.
   */
  txnEvents: z.number().int().min(2).optional(),
  at: Timestamp,
  by: z.string(),
  /** What the person typed, shortened; shown by `!history`. */
  command: z.string().max(200),
  /** The chat message that asked for it (platform-qualified id): a redelivered message is not applied twice. */
  origin: z.string().max(300).optional(),
  /** Set on the events of an undo: the txn they revert. */
  undoes: z.number().int().min(1).optional(),
  /** Bookkeeping (such as lastStockAt) that history and undo skip. */
  quiet: z.boolean().optional(),
};

/** An event's bookkeeping on its own (tests compare EventSchema with the intersection it replaced). */
export const EventMetaSchema = z.object(EventMeta);

/**
 * A change and its bookkeeping. One object per entity rather than `z.intersection(ChangeSchema,
 * meta)`: the same fields and the same result, parsed ~3.7× faster (zod parses both sides of an
 * intersection and merges them), and every history line is parsed through this (issue 13).
 */
export const EventSchema = z.discriminatedUnion("entity", [
  ProjectChange.extend(EventMeta),
  ReleaseChange.extend(EventMeta),
  FeatureChange.extend(EventMeta),
  ConversationChange.extend(EventMeta),
]);
export type PlanEvent = z.infer<typeof EventSchema>;

export function isKnownTimeZone(zone: string): boolean {
  if (zone.toLowerCase() === "aoe") return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
