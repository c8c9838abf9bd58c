import type { DiscordConfig } from "../../src/config/discord-config.js";
import type { Role } from "../../src/ports.js";

/** What Discord says about a member, as far as Stocktake's roles go. */
export interface MemberFacts {
  roles: readonly { id: string; name: string }[];
  /** The Administrator permission (the server owner has it too). */
  administrator: boolean;
}

const CONFIG_ROLES: readonly [keyof DiscordConfig["roles"], Role][] = [
  ["admin", "admin"],
  ["releaseManager", "release-manager"],
  ["maintainer", "maintainer"],
];

/**
 * The core roles a member's Discord roles grant. Config lists roles by id or by name; names match
 * without regard to case, since people copy them from the server settings by eye.
 */
export function discordRoleGrants(member: MemberFacts, config: Pick<DiscordConfig, "roles" | "administratorsAreMaintainers">): Role[] {
  const grants = new Set<Role>();
  for (const [key, role] of CONFIG_ROLES) {
    const wanted = config.roles[key];
    const held = member.roles.some((discordRole) =>
      wanted.some((ref) => ref === discordRole.id || ref.toLowerCase() === discordRole.name.toLowerCase()),
    );
    if (held) grants.add(role);
  }
  if (member.administrator && config.administratorsAreMaintainers) grants.add("maintainer");
  return [...grants];
}
