import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { importMail } from "../../../src/mail/import.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { exportText } from "../../../src/mail/export.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { stockReply } from "../../../src/plan/stock-summary.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FIXTURE, featureSections } from "../../support/fixture.js";
import { plainText } from "../../../src/reply/inline.js";

async function importedFixture() {
  const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
  const store = new MemoryStore(clock);
  const result = await importIntoStore(store, FIXTURE, { by: "test:import" }, clock);
  if (!result.ok) throw new Error(plainText(result.error.message));
  const project = store.read().projects["xen"]!;
  return { store, clock, project, release: project.releases["4.3"]! };
}

describe("the Xen 4.3 status mail", () => {
  it("is imported without a single line it could not read", () => {
    const mail = importMail(FIXTURE);
    expect(mail.problems).toEqual([]);
    expect(mail.subject).toBe("[Xen-devel] 4.3 Planning: Taking stock");
    expect(mail.intro).toEqual({ from: 1, to: 24 });
    expect(mail.cycleMonths).toBe(9);
  });

  it("guesses project xen and release 4.3 from the subject, and keeps 40 features plus one parent", async () => {
    const { release } = await importedFixture();
    const features = Object.values(release.features);
    expect(features).toHaveLength(41);
    const parent = features.find((feature) => feature.title === "Default to QEMU upstream")!;
    const children = features.filter((feature) => feature.parent === parent.id).map((feature) => [feature.title, feature.bucket, feature.external]);
    expect(children).toEqual([
      ["pci pass-thru", "done", true],
      ["enable dirtybit tracking during migration", "done", true],
      ["xl cd-{insert,eject}", "done", true],
      ["linux-based qemu stubdom", "on-track", false],
    ]);
    const grants = features.filter((feature) => feature.title === "Persistent grants for blk");
    expect(grants.map((feature) => [feature.qualifier, feature.bucket])).toEqual([
      ["Linux", "done"],
      ["qemu", "on-track"],
    ]);
    expect(new Set(features.map((feature) => feature.id)).size).toBe(41);
  });

  it("renders as !stock with the mail's feature sections line for line", async () => {
    const { project, release, clock } = await importedFixture();
    const text = renderPlain(stockReply(project, release, clock.now()));
    const sections = text.slice(text.indexOf("== Finished features =="));
    expect(sections.trim()).toBe(featureSections(FIXTURE));
  });

  it("exports as text with the feature sections unchanged, and re-imports to the same export", async () => {
    const { project, release, clock } = await importedFixture();
    const exported = exportText(project, release, clock.now());
    expect(featureSections(exported)).toBe(featureSections(FIXTURE));

    const again = new MemoryStore(clock);
    const result = await importIntoStore(again, exported, { by: "test" }, clock);
    expect(result.ok && result.value.mail.problems).toEqual([]);
    const reimported = again.read().projects["xen"]!;
    expect(exportText(reimported, reimported.releases["4.3"]!, clock.now())).toBe(exported);
  });

  it("exports each feature's links under it, and a re-import keeps them", async () => {
    const { store, clock } = await importedFixture();
    const links = ["https://lists.xen.org/archives/html/xen-devel/2013-01/msg01234.html", "https://xenbits.xen.org/gitweb/?p=xen.git;a=commit;h=abc123"];
    await store.update({ by: "test", command: "link" }, () => ({
      ok: true,
      value: { value: undefined, changes: [{ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "update", fields: { links } }] },
    }));
    const project = store.read().projects["xen"]!;
    const exported = exportText(project, project.releases["4.3"]!, clock.now());
    expect(exported).toContain(["* blktap3", `  ${links[0]}`, `  ${links[1]}`, "* "].join("\n"));

    const again = new MemoryStore(clock);
    const result = await importIntoStore(again, exported, { by: "test" }, clock);
    expect(result.ok && result.value.mail.problems).toEqual([]);
    const reimported = again.read().projects["xen"]!.releases["4.3"]!;
    expect(reimported.features["blktap3"]!.links).toEqual(links);
    expect(reimported.features["blktap3"]!.note).toBeNull();
    expect(exportText(again.read().projects["xen"]!, reimported, clock.now())).toBe(exported);
  });

  it("says where the release stands in its schedule", async () => {
    const { store, clock } = await importedFixture();
    await store.update({ by: "test", command: "schedule" }, () => ({
      ok: true,
      value: {
        value: undefined,
        changes: [
          {
            entity: "release",
            project: "xen",
            release: "4.3",
            op: "update",
            fields: { cycleStart: "2012-09-17", milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "UTC" }] },
          },
        ],
      },
    }));
    const project = store.read().projects["xen"]!;
    const text = renderPlain(stockReply(project, project.releases["4.3"]!, clock.now()));
    expect(text).toContain("Month 4 of 9, feature freeze in 61 days (25 March 2013).");
    expect(text).toContain("40 features (sub-items counted, not the 1 feature they are under): 7 finished, 12 on track, 5 fair, 16 at risk.");
  });

  it("imports the same mail twice without duplicating anything", async () => {
    const { store, clock } = await importedFixture();
    const second = await importIntoStore(store, FIXTURE, { by: "test" }, clock);
    expect(second.ok && second.value.added).toBe(0);
    expect(Object.keys(store.read().projects["xen"]!.releases["4.3"]!.features)).toHaveLength(41);
  });
});
