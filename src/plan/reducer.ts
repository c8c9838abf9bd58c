import type { z } from "zod";
import { own, setOwn } from "../util/own.js";
import {
  ConversationSchema,
  FeatureSchema,
  ProjectMetaSchema,
  ReleaseMetaSchema,
  type Change,
  type PlanState,
} from "../model/schema.js";
import type { ChangeRequest, Target } from "../model/change.js";
import { parentChanged } from "./children-index.js";
import { featureNamesChanged } from "./name-index.js";

/**
 * Changes are made in two steps. A command asks for one (`ChangeRequest`: create, update these
 * fields, delete); `prepare` turns it into a `Change` with the exact `before` and `after`, read
 * from the state rather than trusted from the command, so history and undo are always right.
 * `applyChange` then folds it in. Stores use both, and replaying the history on start-up with
 * `applyChange` rebuilds exactly the state people were told about.
 */

export type { ChangeRequest, Target };

type Fields = Record<string, unknown>;

/** What each entity holds besides its own fields; changes never carry these. */
const CHILDREN: Record<Target["entity"], string | null> = {
  project: "releases",
  release: "features",
  feature: null,
  conversation: null,
};

/** The entity a target names, if it exists. */
export function lookup(state: Readonly<PlanState>, target: Target): Fields | undefined {
  switch (target.entity) {
    case "project":
      return own(state.projects, target.project);
    case "release":
      return own(own(state.projects, target.project)?.releases, target.release);
    case "feature":
      return own(own(own(state.projects, target.project)?.releases, target.release)?.features, target.feature);
    case "conversation":
      return own(state.conversations, target.conversation);
  }
}

function container(state: PlanState, target: Target): Record<string, Fields> {
  switch (target.entity) {
    case "project":
      return state.projects;
    case "release": {
      const project = own(state.projects, target.project);
      if (!project) throw new ChangeError(`project ${target.project} does not exist`);
      return project.releases;
    }
    case "feature": {
      const release = own(own(state.projects, target.project)?.releases, target.release);
      if (!release) throw new ChangeError(`release ${target.project} ${target.release} does not exist`);
      return release.features;
    }
    case "conversation":
      return state.conversations;
  }
}

function keyOf(target: Target): string {
  switch (target.entity) {
    case "project":
      return target.project;
    case "release":
      return target.release;
    case "feature":
      return target.feature;
    case "conversation":
      return target.conversation;
  }
}

/** What a change (or an event) is about: the target alone, nothing else it carries. */
export function targetOf(change: Target): Target {
  switch (change.entity) {
    case "project":
      return { entity: "project", project: change.project };
    case "release":
      return { entity: "release", project: change.project, release: change.release };
    case "feature":
      return { entity: "feature", project: change.project, release: change.release, feature: change.feature };
    case "conversation":
      return { entity: "conversation", conversation: change.conversation };
  }
}

/**
 * A deep copy, as structuredClone makes, without its cost for what needs none: a change mostly sets
 * strings and numbers (a bucket, a stamp), and cloning each costs more than the rest of applying it.
 */
function copy<T>(value: T): T {
  return value === null || typeof value !== "object" ? value : structuredClone(value);
}

function copyFields(fields: Fields): Fields {
  const copied: Fields = {};
  for (const key of Object.keys(fields)) copied[key] = copy(fields[key]);
  return copied;
}

function withoutChildren(entity: Fields, target: Target): Fields {
  const children = CHILDREN[target.entity];
  if (!children) return structuredClone(entity);
  const { [children]: _children, ...own } = entity;
  return structuredClone(own);
}

/** Turns a request into a change with `before` taken from the state. Throws `ChangeError`. */
export function prepare(state: PlanState, request: ChangeRequest): Change {
  const { op } = request;
  const target = targetOf(request);
  const existing = lookup(state, target);
  if (op === "create") {
    if (existing) throw new ChangeError(`${describe(target)} already exists`);
    return { ...target, before: null, after: structuredClone(request.value) } as Change;
  }
  if (op === "delete") {
    if (!existing) throw new ChangeError(`${describe(target)} does not exist`);
    const children = CHILDREN[target.entity];
    if (children && Object.keys(existing[children] as object).length > 0) {
      throw new ChangeError(`${describe(target)} is not empty`);
    }
    return { ...target, before: withoutChildren(existing, target), after: null } as Change;
  }
  if (!existing) {
    // A room's settings spring into being on first use.
    if (target.entity === "conversation") {
      const value = { id: target.conversation, project: null, settings: {}, ...request.fields };
      return { ...target, before: null, after: structuredClone(value) } as Change;
    }
    throw new ChangeError(`${describe(target)} does not exist`);
  }
  const before: Fields = {};
  for (const key of Object.keys(request.fields)) before[key] = copy(existing[key] ?? null);
  return { ...target, before, after: copyFields(request.fields) } as Change;
}

/**
 * The fields a feature's names are made of (src/plan/name-index.ts): a change that sets none of
 * them (a bucket, an owner, a stamp) leaves the names the index holds as they are.
 */
const NAME_FIELDS = ["id", "title", "qualifier", "external", "aliases"] as const;

/** Folds a prepared change into the state, in place. */
export function applyChange(state: PlanState, change: Change): void {
  const target = targetOf(change);
  const entities = container(state, target);
  const key = keyOf(target);
  // The state must never share objects with the event: a later change would rewrite history.
  const after = change.after === null ? null : copyFields(change.after as Fields);
  if (target.entity === "feature") {
    trackParent(entities, key, own(entities, key), after);
    if (after === null || change.before === null || NAME_FIELDS.some((field) => field in after)) featureNamesChanged(entities, key);
  }
  if (after === null) {
    delete entities[key];
  } else if (change.before === null) {
    const children = CHILDREN[target.entity];
    setOwn(entities, key, children ? { [children]: {}, ...after } : after);
  } else {
    const existing = own(entities, key);
    if (!existing) throw new ChangeError(`${describe(target)} does not exist`);
    Object.assign(existing, after);
  }
}

function trackParent(features: object, id: string, existing: Fields | undefined, after: Fields | null): void {
  const parentOf = (fields: Fields | undefined | null) => (typeof fields?.["parent"] === "string" ? (fields["parent"] as string) : null);
  if (after !== null && existing !== undefined && !("parent" in after)) return;
  parentChanged(features, id, parentOf(existing), parentOf(after));
}

/** The same change the other way round: what rolling back applies. */
export function invertChange(change: Change): Change {
  return { ...change, before: change.after, after: change.before } as Change;
}

const SCHEMAS = {
  project: ProjectMetaSchema,
  release: ReleaseMetaSchema,
  feature: FeatureSchema,
  conversation: ConversationSchema,
} as const;
const FIELDS = Object.fromEntries(Object.entries(SCHEMAS).map(([entity, schema]) => [entity, Object.keys(schema.shape)])) as Record<Target["entity"], string[]>;

/**
 * Checks the entity a change leaves behind against its schema. Returns the problem, if any.
 *
 * A new entity is checked whole. An update checks only the fields it sets, each against its own
 * schema: every other field was checked when it was set (or when the file was loaded), and no
 * entity schema has a rule across fields, so the answer is the same as checking the whole entity,
 * without cloning and parsing all of it for each `!status` (most of the write path's own time).
 */
export function validateAfter(state: PlanState, change: Change): string | undefined {
  if (change.after === null) return undefined;
  const target = targetOf(change);
  const entity = lookup(state, target);
  if (!entity) return `${describe(target)} is missing after the change`;
  const schema = SCHEMAS[target.entity];
  if (change.before !== null) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const set = change.after as Fields;
    // In the schema's order, so the first problem named is the one a whole-entity parse names. A
    // field the schema does not know is dropped by such a parse, not refused, so it is skipped.
    for (const key of FIELDS[target.entity]) {
      if (!(key in set)) continue;
      const parsed = shape[key]!.safeParse(entity[key]);
      if (!parsed.success) return problem(target, parsed.error.issues[0], [key]);
    }
    return undefined;
  }
  const parsed = schema.safeParse(withoutChildren(entity, target));
  return parsed.success ? undefined : problem(target, parsed.error.issues[0], []);
}

function problem(target: Target, issue: z.core.$ZodIssue | undefined, under: readonly PropertyKey[]): string {
  return `${describe(target)}: ${issue ? `${[...under, ...issue.path].map(String).join(".")}: ${issue.message}` : "invalid"}`;
}

export function describe(target: Target): string {
  switch (target.entity) {
    case "project":
      return `project ${target.project}`;
    case "release":
      return `release ${target.project} ${target.release}`;
    case "feature":
      return `feature ${target.feature} of ${target.project} ${target.release}`;
    case "conversation":
      return `conversation ${target.conversation}`;
  }
}

export class ChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChangeError";
  }
}
