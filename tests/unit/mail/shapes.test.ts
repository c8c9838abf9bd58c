import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importMail, type ImportedItem } from "../../../src/mail/import.js";
import { headingMeaning } from "../../../src/mail/headings.js";
import { parseMailDate } from "../../../src/mail/mail-dates.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url), "utf8");
const row = (item: ImportedItem) => [item.label.title, item.bucket, item.area, item.owners];

describe("heading shapes", () => {
  it.each([
    ["== Finished features ==", "Finished features", "bucket"],
    ["= Timeline =", "Timeline", "timeline"],
    ["=== Blockers ===", "Blockers", "open"],
    ["** Completed **:", "Completed", "bucket"],
    ["*** x86 ***:", "x86", "area"],
    ["Toolstack:", "Toolstack", "area"],
    ["hypervisor, blockers:", "hypervisor, blockers", "open"],
    ["1. Deferred", "Deferred", "bucket"],
  ])("%j is a heading", (heading, name, meaning) => {
    const mail = importMail(`${heading}\n\n* something (Jan Beulich)\n`);
    expect(mail.headings).toEqual([{ line: 1, name, meaning }]);
  });

  it("takes a line underlined by ----- or ===== as a heading, and the underline as nothing", () => {
    for (const underline of ["-----------", "==========="]) {
      const mail = importMail(`OPEN ISSUES\n${underline}\n\n  - Arm: SMMUv3 nested translation [CHECK]\n`);
      expect(mail.headings).toEqual([{ line: 1, name: "OPEN ISSUES", meaning: "open" }]);
      expect(mail.problems).toEqual([]);
      expect(mail.items.map((item) => [item.label.title, item.tags, item.area])).toEqual([["Arm: SMMUv3 nested translation", ["[CHECK]"], "Arm"]]);
    }
  });

  it.each([
    ["Completed", "done"],
    ["Done", "done"],
    ["Finished", "done"],
    ["Merged", "done"],
    ["Closed issues", "done"],
    ["Resolved", "done"],
    ["Deferred", "deferred"],
    ["Not for this release", "deferred"],
  ])("bucket word %j", (name, bucket) => {
    expect(headingMeaning(name)).toMatchObject({ kind: "bucket", bucket });
  });

  it.each(["Open", "In progress", "Backlog", "Blockers"])("%j lists items whose bucket is their own status or left at the default", (name) => {
    expect(headingMeaning(name).kind).toBe("open");
    const mail = importMail(`== ${name} ==\n* Thing one\n* Thing two (Wei Liu, DONE)\n`);
    expect(mail.items.map((item) => [item.bucket, item.bucketSource])).toEqual([
      ["on-track", "default"],
      ["done", "status"],
    ]);
  });

  it("keeps a nested area heading as the items' area, under the enclosing bucket", () => {
    const mail = importMail(["** Completed **:", "", "  *** Arm ***:", "    - Static event channels (Stefano Stabellini)", "  *** Widgets ***:", "    - Foo bar"].join("\n"));
    expect(mail.items.map(row)).toEqual([
      ["Static event channels", "done", "Arm", ["Stefano Stabellini"]],
      ["Foo bar", "done", "Widgets", []],
    ]);
  });
});

describe("item shapes", () => {
  it.each([
    ["* Item"],
    ["- Item"],
    [" - Item"],
    ["  * Item"],
    ["1. Item"],
    ["1) Item"],
    ["A. Item"],
    ["+ Item"],
  ])("%j is an item", (line) => {
    const mail = importMail(`== Open ==\n${line}\n`);
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => item.label.title)).toEqual(["Item"]);
  });

  it("reads a [PATCH] title with its wrapped URL, and S:/O:/E:/P: stanzas", () => {
    const mail = importMail(fixture("synthetic-stanzas.txt"));
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.owners, item.note, item.probability, item.links])).toEqual([
      ["vNUMA for PV guests", ["Elena Ufimtseva <ufimtseva@example.com>"], "patches posted", 70, []],
      ["xen: arm: support for PSCI", ["Julien Grall"], null, null, ["https://lists.example.org/archives/html/xen-devel/2013-09/msg01234.html"]],
      ["Nested virtualization on Intel", ["Eddie Dong", "Dongxiao Xu"], null, null, []],
    ]);
  });

  it("tells owners from qualifiers: (Jan Beulich) and (Ben & Jan Beulich) are people, (Xen & Linux) and (Linux) are not", () => {
    const mail = importMail(["== Open ==", "* A (Jan Beulich)", "* B (Ben & Jan Beulich)", "* C (Xen & Linux)", "* D (Linux)"].join("\n"));
    expect(mail.items.map((item) => [item.label.title, item.label.qualifier, item.owners])).toEqual([
      ["A", null, ["Jan Beulich"]],
      ["B", null, ["Ben", "Jan Beulich"]],
      ["C", "Xen & Linux", []],
      ["D", "Linux", []],
    ]);
  });

  it("reads > URL and bare URL lines as links, Status:/Information from: lines as notes, progress sub-bullets as notes", () => {
    const mail = importMail(["== In progress ==", "* libxl virtio", "  > https://example.org/a", "  https://example.org/b", "  Status: v3 posted", "  Information from: Anthony", "  - 6/12 are merged"].join("\n"));
    expect(mail.problems).toEqual([]);
    expect(mail.items[0]).toMatchObject({ links: ["https://example.org/a", "https://example.org/b"], note: "v3 posted; information from Anthony; 6/12 are merged" });
  });

  it("says a list that reads None is empty, not unread", () => {
    const mail = importMail("hypervisor, blockers:\n\n    * None\n");
    expect(mail.problems).toEqual([]);
    expect(mail.emptyLists).toBe(1);
  });
});

describe("timelines", () => {
  it.each([
    ["Friday 24th September", "2021-09-24"],
    ["Week of 6th December **tentative**", "2021-12-06"],
    ["Aug 9", "2021-08-09"],
    ["25 March 2013", "2013-03-25"],
    ["January 5", "2022-01-05"],
  ])("%j, in a mail of 20 September 2021 (or 20 December for January)", (text, date) => {
    expect(parseMailDate(text, text === "January 5" ? "2021-12-20" : "2021-09-20")).toBe(date);
  });

  it("reads `* Milestone: date <== We are here`, resolving a missing year from the Date header", () => {
    const mail = importMail(fixture("synthetic-headings.txt"));
    expect(mail.asOf).toBe("2024-05-13");
    expect(mail.milestones.map((milestone) => [milestone.key, milestone.date])).toEqual([
      ["last-posting", "2024-05-31"],
      ["feature-freeze", "2024-06-14"],
      ["rc1", "2024-07-15"],
      ["release", "2024-07-31"],
    ]);
    expect(mail.current).toEqual({ line: 10, text: "Feature freeze", milestone: "feature-freeze" });
  });

  it("reads a `Friday 24th September   Milestone` table and a `19 March -- Milestone` list", () => {
    expect(importMail(fixture("xen-4.16-last-posting-date.txt")).milestones.map((milestone) => [milestone.label, milestone.date])).toEqual([
      ["Last posting date", "2021-09-24"],
      ["Feature freeze", "2021-10-15"],
      ["Code freeze", "2021-11-05"],
      ["Hard code freeze", "2021-11-19"],
      ["Branch off staging-4.16", "2021-11-23"],
      ["Final commits (docs/prep only)", "2021-12-03"],
      ["Release", "2021-12-06"],
    ]);
    const todo = importMail(fixture("xen-4.2-todo.txt"));
    expect(todo.milestones.map((milestone) => milestone.date)).toEqual(["2012-03-19", "2012-04-02", "2012-07-30"]);
    expect(todo.current?.text).toBe("Weekly -- RCN+1 until release");
  });
});

describe("the real mails", () => {
  it("Xen 4.2's TODO list: areas, blockers, [CHECK] tags, (Name, DONE) owners, wrapped items", () => {
    const mail = importMail(fixture("xen-4.2-todo.txt"));
    expect(mail.items.map(row)).toEqual([
      ["libxl stable API", "on-track", "tools", []],
      ["xl compatibility with xm", "on-track", "tools", []],
      ["More formally deprecate xm/xend", "on-track", "tools", []],
      ["Confirm that migration from Xen 4.1 -> 4.2 works", "on-track", "tools", []],
      ["Bump library SONAMES as necessary", "on-track", "tools", []],
      ["vMCE save/restore changes, to simplify migration 4.2->4.3 with new vMCE in 4.3", "done", "hypervisor", ["Jinsong Liu", "Jan Beulich"]],
      [expect.stringMatching(/^Under certain conditions, the p2m_pod_sweep code/), "on-track", "hypervisor", ["George Dunlap"]],
      ["S3 regression(s?) reported by Ben Guthro", "on-track", "hypervisor", ["Ben", "Jan Beulich"]],
    ]);
    expect(mail.items[2]!.tags).toEqual(["blocker", "[CHECK]"]);
  });
});

describe("the envelope", () => {
  it("takes the project from a list tag but not from OpenStack's [release] topic tag", async () => {
    const { guessTarget } = await import("../../../src/mail/import-into.js");
    expect(guessTarget("[Xen-devel] Xen 4.19 development update")).toEqual({ project: "xen", release: "4.19" });
    expect(guessTarget("[release] Release countdown for week R-6, September 2-6")).toEqual({});
    expect(guessTarget("Re: [openstack-discuss] 2024.1 schedule")).toEqual({ project: "openstack", release: "2024.1" });
  });

  it("an item's own status moves it out of an open list: (believed newly resolved), (not for this release)", () => {
    const mail = importMail("== Open ==\n* HPET drift (believed newly resolved)\n* Hyperlaunch (not for this release)\n");
    expect(mail.items.map((item) => [item.label.title, item.bucket, item.bucketSource, item.note])).toEqual([
      ["HPET drift", "done", "status", "believed newly resolved"],
      ["Hyperlaunch", "deferred", "status", "not for this release"],
    ]);
  });
});
