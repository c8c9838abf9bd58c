import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { exportText } from "../../../src/mail/export.js";
import { BUCKET_INFO, type Bucket } from "../../../src/model/buckets.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { readMailFile } from "../../../src/mail/read-mail.js";
import { FakeClock } from "../../support/fake-chat.js";
import { featureLabel } from "../../../src/plan/summary.js";

const DIR = fileURLToPath(new URL("../../fixtures/mail/", import.meta.url));
const MAILS = readdirSync(DIR).filter((name) => name !== "README.md" && name !== "synthetic-prose.txt").sort();

const bucketHeading = (bucket: Bucket) => BUCKET_INFO[bucket].heading;

async function imported(name: string) {
  const clock = new FakeClock(new Date("2024-05-13T12:00:00Z"));
  const store = new MemoryStore(clock);
  const read = await readMailFile(`${DIR}${name}`);
  if (!read.ok) throw new Error(read.message);
  const result = await importIntoStore(store, read.text, { by: "test", project: "p", release: "1", envelope: read.envelope }, clock);
  if (!result.ok) throw new Error(String(result.error.message));
  const project = store.read().projects["p"]!;
  return { clock, project, release: project.releases["1"]!, report: result.value };
}

describe.each(MAILS)("%s", (name) => {
  it("exports to a mail that imports back to the same export, and importing it twice adds nothing", async () => {
    const { clock, project, release } = await imported(name);
    const exported = exportText(project, release, clock.now());
    const again = new MemoryStore(clock);
    const result = await importIntoStore(again, exported, { by: "test", project: "p", release: "1" }, clock);
    expect(result.ok && result.value.mail.problems).toEqual([]);
    const back = again.read().projects["p"]!;
    expect(exportText(back, back.releases["1"]!, clock.now())).toBe(exported);
    const twice = await importIntoStore(again, exported, { by: "test", project: "p", release: "1" }, clock);
    expect(twice.ok && twice.value.added).toBe(0);
  });
});

describe.each(MAILS)("the mail %s exports to", (name) => {
  it("shows every feature in a bucket section: area groupings and other parents as `* name` with their items below as ` - item`, and each owner", async () => {
    const { clock, project, release } = await imported(name);
    const text = exportText(project, release, clock.now());
    const features = Object.values(release.features);
    const parents = new Set(features.flatMap((feature) => (feature.parent ? [feature.parent] : [])));
    for (const feature of features) {
      const parent = feature.parent ? release.features[feature.parent] : undefined;
      if (parent) {
        // The item sits under its grouping, in the section of its own bucket.
        const section = text.slice(text.indexOf(`== ${bucketHeading(feature.bucket)} ==`));
        const under = section.slice(section.indexOf(`\n* ${featureLabel(parent)}`));
        expect(under).toContain(`\n - ${featureLabel(feature)}\n`.replace(/\n$/, ""));
      } else if (!parents.has(feature.id)) expect(text).toContain(`\n* ${featureLabel(feature)}`);
      if (feature.owners.length > 0) expect(text).toContain(`owner: ${feature.owners.join(", ")}`);
    }
    if (release.milestones.length > 0) expect(text).toContain("= Timeline =");
  });
});

describe("the exported mail", () => {
  it("shows area groupings with their items and owners, and keeps links on the features", async () => {
    const { clock, project, release } = await imported("synthetic-headings.txt");
    const text = exportText(project, release, clock.now());
    expect(text).toContain("== Finished features ==\n\n* x86 (partial)\n - Intel PSFD support\n   owner: Andrew Cooper");
    expect(text).toContain("* Toolstack\n - libxl: virtio-pci passthrough\n   owner: Anthony Perard");
    const links = Object.values(release.features).flatMap((feature) => feature.links);
    expect(links).toEqual(["https://lists.example.org/xen-devel/2024-05/msg00001.html", "https://lists.example.org/xen-devel/2024-04/msg00222.html"]);
  });

  it("of a Xen 4.19 tracking list keeps its areas in each bucket, the finished list's too, with the status notes", async () => {
    const { clock, project, release } = await imported("xen-4.19-status-april.eml");
    const text = exportText(project, release, clock.now());
    expect(text).toContain("== Finished features ==\n\n* Arm (partial)\n - xen/arm64: Rework the MMU-off code (idmap) so it is self-contained\n* x86 (partial)\n - tools: enable xenstore-stubdom to use 9pfs");
    expect(text).toContain("* RISC-V\n - Enable build of full Xen for RISC-V\n   status: one patch of the patch series was merged; new patch series version [v7] were sent");
  });

  it("of a regression report groups the regressions under their section, each with what the report says of it", async () => {
    const { clock, project, release } = await imported("linux-regressions-2024-04-07.eml");
    const text = exportText(project, release, clock.now());
    expect(text).toContain("* current cycle (v6.8.. aka v6.9-rc), culprit identified\n - workqueue: nohz_full=0 prevents booting\n   status: [NEW]: reported by Friedrich Oslage; introduced in 5797b1c18919 (v6.9-rc1)");
  });
});
