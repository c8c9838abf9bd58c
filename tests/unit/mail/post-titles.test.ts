import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { subjectOf } from "../../../adapters/mail/mail-adapter.js";
import { guessTarget, importIntoStore } from "../../../src/mail/import-into.js";
import { postFor, type Slot } from "../../../src/schedule/posts.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";

async function xen() {
  const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
  const store = new MemoryStore(clock);
  await importIntoStore(store, FIXTURE, { by: "test" }, clock);
  const project = store.read().projects["xen"]!;
  const release = { ...project.releases["4.3"]!, milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "UTC" }] };
  return { project, release };
}

const slot = (kind: Slot["kind"]): Slot => ({ at: new Date("2013-03-11T09:00:00Z"), kind, date: "2013-03-11", milestone: "feature-freeze", zone: "UTC" });

// Issue 10, item 14: each kind of scheduled post has its own title, in the shape the importer reads back.
describe("the title of a scheduled post", () => {
  it("says which kind of post it is, and a mail with that subject is read back as the same project and release", async () => {
    const { project, release } = await xen();
    const weekly = subjectOf(postFor(slot("summary"), project, release, 14)!);
    const countdown = subjectOf(postFor(slot("countdown"), project, release, 14)!);
    expect(weekly).toBe("Xen 4.3: taking stock, weekly summary");
    expect(countdown).toBe("Xen 4.3: Feature freeze in 14 days (Mon 25 Mar 2013)");
    for (const title of [weekly, countdown]) expect(guessTarget(`[Xen-devel] ${title}`)).toEqual({ project: "xen", release: "4.3" });
  });
});
