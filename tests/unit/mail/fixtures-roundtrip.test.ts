import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { exportText } from "../../../src/mail/export.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { readMailFile } from "../../../src/mail/read-mail.js";
import { FakeClock } from "../../support/fake-chat.js";

const DIR = fileURLToPath(new URL("../../fixtures/mail/", import.meta.url));
const MAILS = readdirSync(DIR).filter((name) => name !== "README.md" && name !== "synthetic-prose.txt").sort();

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

describe("the exported mail", () => {
  it("shows area groupings with their items and owners, and keeps links on the features", async () => {
    const { clock, project, release } = await imported("synthetic-headings.txt");
    const text = exportText(project, release, clock.now());
    expect(text).toContain("== Finished features ==\n\n* x86 (partial)\n - Intel PSFD support\n   owner: Andrew Cooper");
    expect(text).toContain("* Toolstack\n - libxl: virtio-pci passthrough\n   owner: Anthony Perard");
    const links = Object.values(release.features).flatMap((feature) => feature.links);
    expect(links).toEqual(["https://lists.example.org/xen-devel/2024-05/msg00001.html", "https://lists.example.org/xen-devel/2024-04/msg00222.html"]);
  });
});
