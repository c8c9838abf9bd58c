import { describe, expect, it } from "vitest";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import type { Invoker } from "../../../src/ports.js";
import { CoreConfigSchema } from "../../../src/config/core-config.js";

const GEORGE_ON_DISCORD: Invoker = { id: "discord:81234567", displayName: "gdunlap" };
const GEORGE_ON_IRC: Invoker = { id: "irc:oftc/george", displayName: "gwd" };
const SOMEONE_AS_GEORGE_ON_IRC: Invoker = { id: "irc:oftc/~george", displayName: "george" };

async function xen(): Promise<FakeChat> {
  const chat = new FakeChat({
    clock: new FakeClock(new Date("2023-05-01T12:00:00Z")),
    config: {
      people: {
        george: { name: "George Dunlap", matrix: "@george:xen.org", discord: "81234567", irc: "oftc/george", email: "george@xen.org" },
        toString: { name: "Mr toString" },
      },
    },
  });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18",
    "!add blktap3 --owner George Dunlap --bucket at risk",
    "!add vTPM updates --owner Thanos",
    "!add PVH mode --bucket done --owner george",
    "!add NUMA scheduling --owner @george:xen.org",
    "!add Credit2 --owner Mr toString",
  );
  await chat.say("!note blktap3: v3 posted", MAINTAINER);
  return chat;
}

describe("!mine", () => {
  it("lists what I own, through the people of the config, by key, name or chat id", async () => {
    const chat = await xen();
    const expected = [
      "Xen 4.18: what George Dunlap owns (3)",
      "",
      "* blktap3 [at risk]",
      "  status: v3 posted",
      "* PVH mode [finished]",
      "* NUMA scheduling [fair]",
    ].join("\n");
    expect(await chat.say("!mine", RM)).toBe(expected);
    // The same person on another platform.
    expect(await chat.say("!mine", GEORGE_ON_DISCORD)).toBe(expected);
    expect(await chat.say("!mine", GEORGE_ON_IRC)).toBe(expected);
  });

  it("a nick without a services account is nobody, and plain-string owners stay plain", async () => {
    const chat = await xen();
    expect(await chat.say("!mine", SOMEONE_AS_GEORGE_ON_IRC)).toBe(
      "george owns nothing in Xen 4.18. Owners find you by your chat id (irc:oftc/~george), or by a person in `people` in the Stocktake config with that id.",
    );
    expect(await chat.say("!mine", MAINTAINER)).toContain("Ian owns nothing in Xen 4.18.");
    expect(chat.store.read().projects["xen"]!.releases["4.18"]!.features["vtpm-updates"]!.owners).toEqual(["Thanos"]);
  });

  it("marks my stale items", async () => {
    const chat = await xen();
    chat.clock.set("2023-05-20T12:00:00Z");
    await chat.say("!note blktap3: v4 posted", MAINTAINER);
    const mine = await chat.say("!mine", RM);
    expect(mine).toContain("* blktap3 [at risk]\n  status: v4 posted\n*");
    expect(mine).toContain("* NUMA scheduling [fair]\n  stale: no update for 19 days");
    expect(mine).not.toContain("PVH mode [finished]\n  stale");
  });

  it("a person in the config is checked, with the key path in the error", () => {
    const bad = CoreConfigSchema.safeParse({ people: { george: { irc: "george" } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["people", "george", "irc"]);
    expect(bad.error!.issues[0]!.message).toContain("NETWORK/ACCOUNT");
    expect(CoreConfigSchema.safeParse({ people: { george: { nick: "x" } } }).success).toBe(false);
  });
});
