import type { CoreConfig } from "../config/core-config.js";
import type { PlanState, Project, Release } from "../model/schema.js";
import { fail, ok, type Result } from "../util/result.js";
import { cmd, t } from "../reply/reply.js";
import { own } from "../util/own.js";

/**
 * Which project a room talks about: what `!project use` set, else the config's room list, else the
 * default project, else the only project there is.
 */
export function projectIdFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): string | undefined {
  return boundProjectId(state, conversation, config) ?? fallbackProjectId(state, config);
}

/** A room bound to nothing talks about the default project, else the only project there is. */
function fallbackProjectId(state: Readonly<PlanState>, config: CoreConfig): string | undefined {
  if (config.defaultProject && own(state.projects, config.defaultProject)) return config.defaultProject;
  const ids = Object.keys(state.projects);
  return ids.length === 1 ? ids[0] : undefined;
}

/** The project a room is bound to on purpose (`!project use`, the config's rooms), without the fallbacks. */
export function boundProjectId(state: Readonly<PlanState>, conversation: string, config: CoreConfig): string | undefined {
  const bound = own(state.conversations, conversation)?.project;
  if (bound && own(state.projects, bound)) return bound;
  for (const [id, project] of Object.entries(config.projects)) {
    if (project.rooms.includes(conversation) && own(state.projects, id)) return id;
  }
  return undefined;
}

export function projectFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): Result<Project> {
  return projectOf(state, projectIdFor(state, conversation, config), config);
}

function projectOf(state: Readonly<PlanState>, id: string | undefined, config: CoreConfig): Result<Project> {
  const project = id === undefined ? undefined : own(state.projects, id);
  if (project) return ok(project);
  const ids = Object.keys(state.projects);
  if (ids.length === 0) return fail("no-project", t`There is no project yet. Start one with ${cmd("project new", "NAME")} (for example ${cmd("project new", "xen")}).`);
  // Who asks is not known here, so private projects are left out (`!project list` shows them to their people).
  const listed = ids.filter((listedId) => own(config.projects, listedId)?.private !== true).sort();
  return fail("no-project", t`This room is not bound to a project. Pick one with ${cmd("project use", "NAME")}${listed.length > 0 ? ` (projects: ${listed.join(", ")})` : ""}.`);
}

export interface Scope {
  project: Project;
  release: Release;
}

/** The project's current release, or a reply saying how to make one. */
export function scopeFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): Result<Scope> {
  return scopeOf(state, projectIdFor(state, conversation, config), config);
}

function scopeOf(state: Readonly<PlanState>, projectId: string | undefined, config: CoreConfig): Result<Scope> {
  const project = projectOf(state, projectId, config);
  if (!project.ok) return project;
  const current = project.value.currentRelease;
  const release = current === null ? undefined : own(project.value.releases, current);
  if (!release) {
    return fail("no-release", t`${project.value.name} has no current release. Start one with ${cmd("release new", "VERSION")} (for example ${cmd("release new", "4.3")}).`);
  }
  return ok({ project: project.value, release });
}

/** Everything a command needs to know of its room, resolved in one pass. */
export interface Room {
  projectId: string | undefined;
  /** Bound to that project on purpose (`!project use`, the config's rooms), not by a fallback. */
  bound: boolean;
  scope: Result<Scope>;
}

export function resolveRoom(state: Readonly<PlanState>, conversation: string, config: CoreConfig): Room {
  const bound = boundProjectId(state, conversation, config);
  const projectId = bound ?? fallbackProjectId(state, config);
  return { projectId, bound: bound !== undefined, scope: scopeOf(state, projectId, config) };
}
