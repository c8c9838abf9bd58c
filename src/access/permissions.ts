import type { CoreConfig } from "../config/core-config.js";
import type { Invoker, Permission, Role } from "../ports.js";
import { cmd, code, t } from "../reply/reply.js";
import type { Failure } from "../util/result.js";
import { own } from "../util/own.js";

export type { Permission };

export const PERMISSION_ROLE: Record<Exclude<Permission, "read">, Role> = {
  change: "maintainer",
  manage: "release-manager",
  admin: "admin",
};

const RANK: Record<Role, number> = { maintainer: 1, "release-manager": 2, admin: 3 };

/**
 * The strongest role a person holds in a project, from the config and from platform grants. Room
 * grants count only when `boundHere`: the conversation is bound to that project on purpose.
 */
export function roleOf(invoker: Invoker, projectId: string | undefined, config: CoreConfig, boundHere = false): Role | undefined {
  return strongest([...(invoker.grants ?? []), ...(boundHere ? (invoker.roomGrants ?? []) : []), ...configRoles(invoker, projectId, config)]);
}

/**
 * The role the config itself gives in a project (admins, the project's lists), never a platform's or
 * a room's grant: what choosing a room's project needs, since anyone can make a room and run it.
 */
export function configRoleOf(invoker: Invoker, projectId: string, config: CoreConfig): Role | undefined {
  return strongest(configRoles(invoker, projectId, config));
}

/** A private project is named (listed, offered, bound) only to people the config gives a role in it. */
export function mayKnowProject(invoker: Invoker, projectId: string, config: CoreConfig): boolean {
  return own(config.projects, projectId)?.private !== true || configRoleOf(invoker, projectId, config) !== undefined;
}

function configRoles(invoker: Invoker, projectId: string | undefined, config: CoreConfig): Role[] {
  const roles: Role[] = [];
  if (config.admins.includes(invoker.id)) roles.push("admin");
  const project = projectId === undefined ? undefined : own(config.projects, projectId);
  if (project?.releaseManagers.includes(invoker.id)) roles.push("release-manager");
  if (project?.maintainers.includes(invoker.id)) roles.push("maintainer");
  return roles;
}

function strongest(roles: Role[]): Role | undefined {
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

/** A refusal that says who may do it and how to get access; `command` without prefix ("status"). */
export function refusal(command: string, permission: Exclude<Permission, "read">, invoker: Invoker, projectId: string | undefined): Failure {
  const where = projectId ? ` of ${projectId}` : "";
  if (permission !== "admin" && !projectId) {
    // Roles are per project: there is no top-level maintainers key to point at.
    return {
      code: "forbidden",
      message: t`Only ${WHO[permission]} can use ${cmd(command)}, and this room has no project yet. To get access, ask an admin to bind it (${cmd("project use", "ID")}) and to add ${invoker.id} to ${code(`projects.ID.${CONFIG_KEY[permission]}`)} in the Stocktake config.`,
    };
  }
  const key = permission === "admin" ? CONFIG_KEY[permission] : `projects.${projectId}.${CONFIG_KEY[permission]}`;
  return {
    code: "forbidden",
    message: t`Only ${WHO[permission]}${permission === "admin" ? "" : where} can use ${cmd(command)}. To get access, ask an admin to add ${invoker.id} to ${code(key)} in the Stocktake config.`,
  };
}
