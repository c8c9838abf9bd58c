import type { CoreConfig } from "../config/core-config.js";
import type { PlanState, Project, Release } from "../model/schema.js";
import type { Invoker, Role } from "../ports.js";
import { fail, ok, type Failure, type Result } from "../util/result.js";
import type { Permission } from "./catalogue.js";
import { PERMISSION_ROLE } from "./spec.js";

/**
 * Which project a room talks about: what `!project use` set, else the config's room list, else the
 * default project, else the only project there is.
 */
export function projectIdFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): string | undefined {
  const bound = boundProjectId(state, conversation, config);
  if (bound !== undefined) return bound;
  if (config.defaultProject && state.projects[config.defaultProject]) return config.defaultProject;
  const ids = Object.keys(state.projects);
  return ids.length === 1 ? ids[0] : undefined;
}

/** The project a room is bound to on purpose (`!project use`, the config's rooms), without the fallbacks. */
export function boundProjectId(state: Readonly<PlanState>, conversation: string, config: CoreConfig): string | undefined {
  const bound = state.conversations[conversation]?.project;
  if (bound && state.projects[bound]) return bound;
  for (const [id, project] of Object.entries(config.projects)) {
    if (project.rooms.includes(conversation) && state.projects[id]) return id;
  }
  return undefined;
}

export function projectFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): Result<Project> {
  const id = projectIdFor(state, conversation, config);
  const project = id === undefined ? undefined : state.projects[id];
  if (project) return ok(project);
  const ids = Object.keys(state.projects);
  if (ids.length === 0) return fail("no-project", "There is no project yet. Start one with `!project new NAME` (for example `!project new xen`).");
  return fail("no-project", `This room is not bound to a project. Pick one with \`!project use NAME\` (projects: ${ids.sort().join(", ")}).`);
}

export interface Scope {
  project: Project;
  release: Release;
}

/** The project's current release, or a reply saying how to make one. */
export function scopeFor(state: Readonly<PlanState>, conversation: string, config: CoreConfig): Result<Scope> {
  const project = projectFor(state, conversation, config);
  if (!project.ok) return project;
  const current = project.value.currentRelease;
  const release = current === null ? undefined : project.value.releases[current];
  if (!release) {
    return fail("no-release", `${project.value.name} has no current release. Start one with \`!release new VERSION\` (for example \`!release new 4.3\`).`);
  }
  return ok({ project: project.value, release });
}

const RANK: Record<Role, number> = { maintainer: 1, "release-manager": 2, admin: 3 };

/** The strongest role a person holds in a project, from the config and from platform grants. */
export function roleOf(invoker: Invoker, projectId: string | undefined, config: CoreConfig): Role | undefined {
  const roles: Role[] = [...(invoker.grants ?? [])];
  if (config.admins.includes(invoker.id)) roles.push("admin");
  const project = projectId === undefined ? undefined : config.projects[projectId];
  if (project?.releaseManagers.includes(invoker.id)) roles.push("release-manager");
  if (project?.maintainers.includes(invoker.id)) roles.push("maintainer");
  return roles.sort((a, b) => RANK[b] - RANK[a])[0];
}

export function isPermitted(permission: Permission, role: Role | undefined): boolean {
  if (permission === "read") return true;
  return role !== undefined && RANK[role] >= RANK[PERMISSION_ROLE[permission]];
}

const WHO: Record<Exclude<Permission, "read">, string> = {
  change: "maintainers, release managers and admins",
  manage: "release managers and admins",
  admin: "admins",
};

const CONFIG_KEY: Record<Exclude<Permission, "read">, string> = {
  change: "maintainers",
  manage: "releaseManagers",
  admin: "admins",
};

/** A refusal that says who may do it and how to get access. */
export function refusal(command: string, permission: Exclude<Permission, "read">, invoker: Invoker, projectId: string | undefined): Failure {
  const where = projectId ? ` of ${projectId}` : "";
  const key = permission === "admin" || !projectId ? CONFIG_KEY[permission] : `projects.${projectId}.${CONFIG_KEY[permission]}`;
  return {
    code: "forbidden",
    message:
      `Only ${WHO[permission]}${permission === "admin" ? "" : where} can use \`${command}\`. ` +
      `To get access, ask an admin to add ${invoker.id} to \`${key}\` in the Stocktake config.`,
  };
}
