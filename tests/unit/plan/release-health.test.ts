import { describe, expect, it } from "vitest";
import { BUCKETS, type Bucket } from "../../../src/model/buckets.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { releaseHealth } from "../../../src/plan/summary.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";
import { plainText } from "../../../src/reply/inline.js";

const counts = (some: Partial<Record<Bucket, number>>) => ({ ...(Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<Bucket, number>), ...some });

describe("releaseHealth", () => {
  it.each([
    [{}, undefined],
    [{ deferred: 3, dropped: 1 }, undefined],
    [{ done: 5, dropped: 2 }, "done"],
    [{ done: 7, "on-track": 12, fair: 5, "at-risk": 16 }, "at-risk"],
    [{ done: 8, "on-track": 8, fair: 10, "at-risk": 4 }, "fair"],
    [{ done: 10, "on-track": 15, fair: 3, "at-risk": 2 }, "on-track"],
    [{ "on-track": 3, "at-risk": 1 }, "at-risk"],
  ] as const)("%o → %s", (some, health) => {
    expect(releaseHealth(counts(some))).toBe(health);
  });
});

describe("the summary's overview", () => {
  it("carries the health and the next milestone with the instant its day ends", async () => {
    const chat = new FakeChat();
    const imported = await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
    if (!imported.ok) throw new Error(plainText(imported.error.message));
    await chat.setup("!project use xen", "!release use 4.3", "!milestone set feature-freeze 2013-03-25 AoE");
    await chat.say("!stock");
    expect(chat.last?.overview).toEqual({
      health: "at-risk",
      next: { label: "Feature freeze", date: "2013-03-25", deadline: "2013-03-26T12:00:00.000Z" },
    });
  });
});
