import { describe, expect, it } from "vitest";
import { configProblems } from "../../support/config-problems.js";
import { enabledAdapters } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";

const problems = configProblems;

const ID = "123456789012345678";

describe("the discord config section", () => {
  it("is off by default, with the documented defaults", () => {
    const { discord } = parseConfig({}, "defaults", {});
    expect(discord).toEqual({
      enabled: false,
      prefixCommands: false,
      roles: { maintainer: [], releaseManager: [], admin: [] },
      administratorsAreMaintainers: true,
      announcements: {},
      announceBatchMs: 10_000,
      catchUpHours: 6,
    });
    expect(enabledAdapters(parseConfig({}, "defaults", {}))).toEqual([]);
  });

  it("takes the token from the environment and turns the adapter on", () => {
    const config = parseConfig({ discord: { enabled: true, token: "${DISCORD_TOKEN}", guildId: ID, announcements: { xen: ID } } }, "x", { DISCORD_TOKEN: "abc.def.ghi" });
    expect(config.discord.token).toBe("abc.def.ghi");
    expect(enabledAdapters(config)).toEqual(["discord"]);
  });

  it("reports every problem with its key path, and never echoes the token", () => {
    const found = problems({
      discord: {
        enabled: true,
        token: 12345,
        guildId: "my server",
        prefixCommand: true,
        roles: { maintainers: ["Dev"] },
        announcements: { Xen: ID, xen: "#releases" },
        announceBatchMs: -1,
        restApi: "ftp://example.org",
      },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^discord\.prefixCommand: unknown setting; expected one of .*\. Did you mean prefixCommands\?$/),
        "discord.token: found a value (not shown: it looks like a secret); expected text",
        expect.stringMatching(/^discord\.guildId: found "my server"; expected a Discord id/),
        "discord.roles.maintainers: unknown setting; expected one of maintainer, releaseManager, admin. Did you mean maintainer?",
        expect.stringMatching(/^discord\.announcements\.Xen: found the name "Xen"; expected a name of lower-case .*\. Did you mean xen\?$/),
        expect.stringMatching(/^discord\.announcements\.xen: found "#releases"; expected a Discord id/),
        expect.stringMatching(/^discord\.announceBatchMs: /),
        expect.stringMatching(/^discord\.restApi: /),
      ]),
    );
    expect(found.join("\n")).not.toContain("12345");
  });

  it("needs a token when enabled, and says how to give one", () => {
    expect(problems({ discord: { enabled: true } })).toEqual(["discord.token: required when discord.enabled is true (token: ${DISCORD_TOKEN})"]);
    // Once: not again for being empty.
    expect(problems({ discord: { enabled: true, token: "${DISCORD_TOKEN}" } })).toEqual(["discord.token: environment variable DISCORD_TOKEN is not set"]);
  });
});
