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

function withoutChildren(entity: Fields, target: Target): Fields {
  const children = CHILDREN[target.entity];
  if (!children) return structuredClone(entity);
  const { [children]: _children, ...own } = entity;
  return structuredClone(own);
}

/** A value the state and an event may not share: objects are copied; strings, numbers and null are values already (and structuredClone costs a serialisation even for them). */
function copied(value: unknown): unknown {
  return value !== null && typeof value === "object" ? structuredClone(value) : value;
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
  for (const key of Object.keys(request.fields)) before[key] = copied(existing[key] ?? null);
  return { ...target, before, after: structuredClone(request.fields) } as Change;
}

/** Folds a prepared change into the state, in place. */
export function applyChange(state: PlanState, change: Change): void {
  const target = targetOf(change);
  const entities = container(state, target);
  const key = keyOf(target);
  // The state must never share objects with the event: a later change would rewrite history.
  const after = change.after === null ? null : structuredClone(change.after);
  if (target.entity === "feature") trackParent(entities, key, own(entities, key), after);
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
  if (after !== null && existing !== undefined && !("parent" in after)) return;
  parentChanged(features, id, parentOf(existing), parentOf(after));
}

function parentOf(fields: Fields | undefined | null): string | null {
  return typeof fields?.["parent"] === "string" ? (fields["parent"] as string) : null;
}

/** The same change the other way round: what rolling back applies. */
export function invertChange(change: Change): Change {
  return { ...change, before: change.after, after: change.before } as Change;
}

/** Checks the entity a change leaves behind against its schema. Returns the problem, if any. */
export function validateAfter(state: PlanState, change: Change): string | undefined {
  if (change.after === null) return undefined;
  const target = targetOf(change);
  const entity = lookup(state, target);
  if (!entity) return `${describe(target)} is missing after the change`;
  const schema = {
    project: ProjectMetaSchema,
    release: ReleaseMetaSchema,
    feature: FeatureSchema,
    conversation: ConversationSchema,
  }[target.entity];
  const parsed = schema.safeParse(withoutChildren(entity, target));
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `${describe(target)}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`;
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
