import { z } from "zod";
import type { Role } from "../../src/ports.js";

/** The part of m.room.power_levels that says who may do what. */
export const PowerLevelsSchema = z
  .object({
    users: z.record(z.string(), z.number()).default({}),
    users_default: z.number().default(0),
  })
  .loose();
export type PowerLevels = z.infer<typeof PowerLevelsSchema>;

export function powerLevelOf(levels: PowerLevels | undefined, userId: string): number {
  if (!levels) return 0;
  return levels.users[userId] ?? levels.users_default;
}

/** Bridged IRC users ("@irc_nick:server", "@_oftc_nick:server"): anyone can take an IRC nick. */
export function isPuppet(userId: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(userId));
}

export interface GrantRules {
  maintainer: number | null;
  releaseManager: number | null;
}

export interface GrantFacts {
  userId: string;
  levels: PowerLevels | undefined;
  puppet: boolean;
}

/**
 * Roles from the room's power levels: room grants, which the core counts only in a room bound to a
 * project on purpose. Bridged IRC users get none: their power level reflects an IRC nick or channel
 * mode, and nicks can be taken by anyone. Their exact Matrix id in the config still counts.
 */
export function powerLevelGrants(facts: GrantFacts, rules: GrantRules): Role[] {
  if (facts.puppet) return [];
  const level = powerLevelOf(facts.levels, facts.userId);
  const grants: Role[] = [];
  if (rules.releaseManager !== null && level >= rules.releaseManager) grants.push("release-manager");
  if (rules.maintainer !== null && level >= rules.maintainer) grants.push("maintainer");
  return grants;
}

export interface InviteRules {
  fromUsers: readonly string[];
  fromServers: readonly string[];
  /** Matrix ids the config already trusts (admins, release managers): they may always invite. */
  trusted: ReadonlySet<string>;
}

/** Whether to join a room someone invited the bot to. */
export function inviteAllowed(inviter: string, rules: InviteRules): boolean {
  if (rules.fromUsers.includes(inviter) || rules.trusted.has(inviter)) return true;
  const server = inviter.slice(inviter.indexOf(":") + 1);
  return inviter.startsWith("@") && inviter.includes(":") && rules.fromServers.includes(server);
}
