import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.js";
import { FakeChat, STRANGER } from "../../support/fake-chat.js";

/** Every config key an access hint names must be one the config accepts. */
function keysIn(answer: string): string[] {
  return [...answer.matchAll(/`([a-zA-Z.]+)`/g)].map((match) => match[1]!);
}

describe("the access hint", () => {
  it("in a room with no project points at a per-project key the config accepts, not a top-level one", async () => {
    const chat = new FakeChat({ config: { projects: {} } });
    const answer = (await chat.say("!add blktap3", STRANGER))!;
    expect(chat.last?.failure).toBe("forbidden");
    expect(answer).toContain("this room has no project yet");
    expect(answer).toContain("`projects.ID.maintainers`");
    for (const key of keysIn(answer)) {
      const [top, , role] = key.split(".");
      expect(top).toBe("projects");
      // The key it names, filled in, is valid config.
      expect(() => parseConfig({ projects: { xen: { [role!]: [STRANGER.id] } } }, "test")).not.toThrow();
    }
    // A top-level role list is rejected by the schema: the old hint pointed there.
    expect(() => parseConfig({ maintainers: [STRANGER.id] }, "test")).toThrow();
  });
});
