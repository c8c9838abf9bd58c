import { describe, expect, it } from "vitest";
import { powerLevelGrants, inviteAllowed, isPuppet, PowerLevelsSchema, powerLevelOf } from "../../../adapters/matrix/permissions.js";
import { DEFAULT_PUPPET_PATTERNS } from "../../../src/config/matrix-config.js";

const levels = PowerLevelsSchema.parse({ users: { "@george:xen.org": 100, "@ian:xen.org": 50, "@irc_mod:libera.chat": 50 }, users_default: 0 });
const rules = { maintainer: 50, releaseManager: null };
const patterns = DEFAULT_PUPPET_PATTERNS.map((pattern) => new RegExp(pattern));

describe("powerLevelGrants", () => {
  it("makes maintainers of people at or above the configured power level, in a bound room", () => {
    expect(powerLevelGrants({ userId: "@ian:xen.org", levels, puppet: false }, rules)).toEqual(["maintainer"]);
    expect(powerLevelGrants({ userId: "@george:xen.org", levels, puppet: false }, rules)).toEqual(["maintainer"]);
    expect(powerLevelGrants({ userId: "@eve:evil.example", levels, puppet: false }, rules)).toEqual([]);
  });

  it("grants release manager only when configured", () => {
    expect(powerLevelGrants({ userId: "@george:xen.org", levels, puppet: false }, { maintainer: 50, releaseManager: 100 })).toEqual(["release-manager", "maintainer"]);
    expect(powerLevelGrants({ userId: "@ian:xen.org", levels, puppet: false }, { maintainer: null, releaseManager: 100 })).toEqual([]);
  });


  it("grants nothing to bridged IRC users, whatever their power level", () => {
    expect(powerLevelGrants({ userId: "@irc_mod:libera.chat", levels, puppet: true }, rules)).toEqual([]);
  });

  it("reads users_default", () => {
    expect(powerLevelOf(PowerLevelsSchema.parse({ users_default: 50 }), "@anyone:x")).toBe(50);
    expect(powerLevelOf(undefined, "@anyone:x")).toBe(0);
  });
});

describe("isPuppet", () => {
  it.each(["@irc_george:xenproject.org", "@_oftc_dunlapg:matrix.org", "@_libera_anthony:libera.chat", "@freenode_ian:matrix.org", "@oftc_x:y"])("%s is a bridged IRC user", (id) => {
    expect(isPuppet(id, patterns)).toBe(true);
  });
  it.each(["@george:xenproject.org", "@firc_x:y", "@ircbot:y"])("%s is not", (id) => {
    expect(isPuppet(id, patterns)).toBe(false);
  });
});

describe("inviteAllowed", () => {
  const invites = { fromUsers: ["@george:xenproject.org"], fromServers: ["xen.org"], trusted: new Set(["@admin:example.org"]) };
  it.each([
    ["@george:xenproject.org", true],
    ["@ian:xen.org", true],
    ["@admin:example.org", true],
    ["@eve:evil.example", false],
    ["@eve:notxen.org", false],
    ["", false],
  ])("%s → %s", (inviter, allowed) => {
    expect(inviteAllowed(inviter, invites)).toBe(allowed);
  });
});
