import { describe, expect, it } from "vitest";
import { discordRoleGrants } from "../../../adapters/discord/roles.js";
import { DiscordConfigSchema } from "../../../adapters/discord/config.js";

const config = (roles: object, administratorsAreMaintainers?: boolean) =>
  DiscordConfigSchema.parse({ roles, ...(administratorsAreMaintainers === undefined ? {} : { administratorsAreMaintainers }) });

const RM = { id: "111111111111111111", name: "Release Manager" };
const DEV = { id: "222222222222222222", name: "Developer" };

describe("discordRoleGrants", () => {
  it("grants the roles whose Discord role the member holds, by id or by name in any case", () => {
    const roles = { releaseManager: ["release manager"], maintainer: [DEV.id] };
    expect(discordRoleGrants({ roles: [RM], administrator: false }, config(roles))).toEqual(["release-manager"]);
    expect(discordRoleGrants({ roles: [DEV], administrator: false }, config(roles))).toEqual(["maintainer"]);
    expect(discordRoleGrants({ roles: [RM, DEV], administrator: false }, config(roles)).sort()).toEqual(["maintainer", "release-manager"]);
  });

  it("grants nothing for roles the config does not name", () => {
    expect(discordRoleGrants({ roles: [DEV], administrator: false }, config({ admin: ["Owners"] }))).toEqual([]);
  });

  it("makes administrators maintainers, unless the config says otherwise", () => {
    expect(discordRoleGrants({ roles: [], administrator: true }, config({}))).toEqual(["maintainer"]);
    expect(discordRoleGrants({ roles: [], administrator: true }, config({}, false))).toEqual([]);
  });

  it("matches whole names only", () => {
    expect(discordRoleGrants({ roles: [{ id: "4", name: "Release" }], administrator: false }, config({ admin: ["Release Manager"] }))).toEqual([]);
  });
});
