import { describe, expect, it } from "vitest";
import { configProblems } from "../../support/config-problems.js";
import { parseConfig } from "../../../src/config/config.js";
import { DEFAULT_PUPPET_PATTERNS } from "../../../adapters/matrix/config.js";

const problems = configProblems;

describe("matrix config", () => {
  it("is off by default, with the documented defaults", () => {
    const { matrix } = parseConfig({}, "test");
    expect(matrix).toMatchObject({
      enabled: false,
      msgtype: "notice",
      deviceName: "Stocktake",
      invites: { fromUsers: [], fromServers: [] },
      powerLevels: { maintainer: 50, releaseManager: null },
      irc: { rooms: [], detect: true, lineBudget: 8, linesPerMessage: 3, puppetPatterns: [...DEFAULT_PUPPET_PATTERNS] },
    });
  });

  it("takes an access token from the environment", () => {
    const { matrix } = parseConfig({ matrix: { enabled: true, homeserverUrl: "https://matrix.example.org", accessToken: "${TOKEN}" } }, "test", { TOKEN: "syt_abc" });
    expect(matrix.accessToken).toBe("syt_abc");
  });

  it("needs a homeserver and a way to log in when enabled", () => {
    expect(problems({ matrix: { enabled: true } })).toEqual([
      "matrix.homeserverUrl: required when matrix.enabled is true",
      "matrix.accessToken: set matrix.accessToken, or matrix.user (with matrix.password for the first login)",
    ]);
  });

  it("reports typos and bad values with their key path, never echoing secrets", () => {
    const found = problems({
      matrix: {
        enabled: true,
        homeserverUrl: "matrix.example.org",
        acessToken: "secret-value",
        password: 12345,
        invites: { fromUsers: ["alice"] },
        irc: { puppetPatterns: ["^@irc_("], lineBudget: 1 },
      },
    });
    expect(found).toEqual([
      expect.stringMatching(/^matrix\.homeserverUrl: found "matrix\.example\.org"; expected an http\(s\) URL/),
      expect.stringMatching(/^matrix\.password: /),
      expect.stringMatching(/^matrix\.invites\.fromUsers\.0: found "alice"; expected a Matrix user id/),
      "matrix.irc.puppetPatterns.0: not a valid regular expression",
      expect.stringMatching(/^matrix\.irc\.lineBudget: /),
      expect.stringMatching(/^matrix\.acessToken: unknown setting; expected one of .*\. Did you mean accessToken\?$/),
    ]);
    expect(found.join("\n")).not.toContain("12345");
    expect(found.join("\n")).not.toContain("secret-value");
  });
});
