import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { exportText } from "../../../src/mail/export.js";
import { importIntoStore, type ImportTarget } from "../../../src/mail/import-into.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";

const DIR = fileURLToPath(new URL("../../fixtures/mail/", import.meta.url));

async function nameAfterImport(text: string, target: Omit<ImportTarget, "by">): Promise<string | undefined> {
  const clock = new FakeClock(new Date("2024-05-13T12:00:00Z"));
  const store = new MemoryStore(clock);
  const result = await importIntoStore(store, text, { by: "test", ...target }, clock);
  if (!result.ok) throw new Error(String(result.error.message));
  return store.read().projects[result.value.project]?.name;
}

// Issue 10, item 14: an import that makes a project names it as the mail or the person wrote it, never "Openstack".
describe("the name of a project an import makes", () => {
  it("is the subject's list tag as written", async () => {
    expect(await nameAfterImport(FIXTURE, {})).toBe("Xen");
  });

  it("is the subject's word for the project when it has no tag", async () => {
    expect(await nameAfterImport(readFileSync(`${DIR}llvm-15-schedule.txt`, "utf8"), { project: "llvm", release: "15" })).toBe("LLVM");
  });

  it("is the id as typed when the subject does not name the project", async () => {
    const openstack = readFileSync(`${DIR}openstack-train-r6.txt`, "utf8");
    expect(await nameAfterImport(openstack, { project: "openstack", release: "train" })).toBe("openstack");
    expect(await nameAfterImport(openstack, { project: "OpenStack", release: "train" })).toBe("OpenStack");
  });
});

describe("the title of an export", () => {
  it("keeps the [Tag] VERSION shape the importer reads back when the name has spaces", async () => {
    const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
    const store = new MemoryStore(clock);
    await importIntoStore(store, FIXTURE, { by: "test" }, clock);
    const xen = store.read().projects["xen"]!;
    const project = { ...xen, name: "Xen Project" };
    const exported = exportText(project, project.releases["4.3"]!, clock.now());
    expect(exported.split("\n")[0]).toBe("[xen] Xen Project 4.3 Planning: Taking stock");
    const again = new MemoryStore(clock);
    const result = await importIntoStore(again, exported, { by: "test" }, clock);
    expect(result.ok && [result.value.project, result.value.release]).toEqual(["xen", "4.3"]);
  });

  it("is unchanged for a name that is a tag", async () => {
    const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
    const store = new MemoryStore(clock);
    await importIntoStore(store, FIXTURE, { by: "test" }, clock);
    const xen = store.read().projects["xen"]!;
    expect(exportText(xen, xen.releases["4.3"]!, clock.now()).split("\n")[0]).toBe("[Xen] 4.3 Planning: Taking stock");
  });
});
