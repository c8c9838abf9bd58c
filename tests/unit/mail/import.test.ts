import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importMail } from "../../../src/mail/import.js";
import { parseItemLabel } from "../../../src/plan/labels.js";
import { guessTarget } from "../../../src/mail/import-into.js";

describe("parseItemLabel", () => {
  it.each([
    ["Multi-page blk rings (external)", { title: "Multi-page blk rings", qualifier: null, external: true, partial: false }],
    ["Default to QEMU upstream (partial)", { title: "Default to QEMU upstream", qualifier: null, external: false, partial: true }],
    ["Persistent grants for blk (Linux)", { title: "Persistent grants for blk", qualifier: "Linux", external: false, partial: false }],
    ["PVH mode (Xen & Linux)", { title: "PVH mode", qualifier: "Xen & Linux", external: false, partial: false }],
    ["CPUID-based idle (don't rely on ACPI info f/ dom0)", { title: "CPUID-based idle (don't rely on ACPI info f/ dom0)", qualifier: null, external: false, partial: false }],
    ["IllumOS (OpenSolaris fork) support", { title: "IllumOS (OpenSolaris fork) support", qualifier: null, external: false, partial: false }],
    ["Thing (qemu) (external) (partial)", { title: "Thing", qualifier: "qemu", external: true, partial: true }],
  ])("%j", (text, expected) => {
    expect(parseItemLabel(text)).toEqual(expected);
  });
});

describe("importMail", () => {
  it("reads owners, status notes, a timeline, and reports what it cannot use", () => {
    const mail = [
      "Subject: [Xen-devel] Xen 4.4 development update",
      "",
      "This is the update; we use a 9-month release cycle.",
      "",
      "= Timeline =",
      "",
      "* Feature freeze: 18 October 2013",
      "* Code freezing point: Fri Nov 15, 2013",
      "* First RC: sometime soon",
      "",
      "== Completed ==",
      "",
      "* Event channel scalability",
      "  owner: wei@citrix, David Vrabel",
      "  status: v5 posted",
      "",
      "== Open: on track ==",
      "",
      "* vTPM updates",
      "  probability: 70%",
      " - stubdom part",
      "   owner: Daniel",
      "random chatter here",
      "",
      "== Bugs ==",
      "",
      "* xl segfaults on restore",
    ].join("\n");
    const result = importMail(mail);
    expect(result.subject).toBe("[Xen-devel] Xen 4.4 development update");
    expect(result.cycleMonths).toBe(9);
    expect(result.milestones.map((milestone) => [milestone.key, milestone.date])).toEqual([
      ["feature-freeze", "2013-10-18"],
      ["code-freeze", "2013-11-15"],
    ]);
    expect(result.items.map((item) => [item.label.title, item.bucket, item.owners, item.note, item.probability])).toEqual([
      ["Event channel scalability", "done", ["wei@citrix", "David Vrabel"], "v5 posted", null],
      ["vTPM updates", "on-track", [], null, 70],
      // A bug list is an open list: its items are read, with no bucket of their own.
      ["xl segfaults on restore", "on-track", [], null, null],
    ]);
    expect(result.items[1]?.children.map((child) => [child.label.title, child.owners])).toEqual([["stubdom part", ["Daniel"]]]);
    expect(result.problems.map((problem) => [problem.line, problem.reason.slice(0, 30)])).toEqual([
      [9, "a milestone whose date I canno"],
      [23, "not a heading, `* item`, ` - s"],
    ]);
    expect(result.items[2]).toMatchObject({ bucketSource: "default", heading: "Bugs" });
    expect(guessTarget(result.subject)).toEqual({ project: "xen", release: "4.4" });
  });

  it("reports a sub-item with no parent and an item repeated without sub-items", () => {
    const result = importMail(["== Finished ==", " - orphan", "* blktap3", "== Fair ==", "* blktap3"].join("\n"));
    expect(result.problems.map((problem) => problem.line)).toEqual([2, 5]);
    expect(result.items).toHaveLength(1);
  });

  it("refuses overlong titles with a message instead of storing them", () => {
    const result = importMail(`== Fair ==\n* ${"x".repeat(10_000)}`);
    expect(result.items).toEqual([]);
    expect(result.problems[0]?.reason).toMatch(/over 200 characters/);
  });

  const mailLine = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom("== Finished features ==", "== Features at risk ==", "= Timeline =", "== Something ==", "", " - sub", "  owner: x", "  status: y", "  probability: 300%"),
    fc.string({ maxLength: 60 }).map((text) => `* ${text}`),
    fc.string({ maxLength: 60 }).map((text) => ` - ${text}`),
    fc.string({ maxLength: 30 }).map((text) => `* Feature freeze: ${text}`),
  );

  it("never throws on random mails, and accounts for every line it does not import", () => {
    fc.assert(
      fc.property(fc.array(mailLine, { maxLength: 60 }), (lines) => {
        const text = lines.join("\n");
        const result = importMail(text);
        const reported = new Set(result.problems.map((problem) => problem.line));
        // Every non-blank line is an item, a detail, a heading, the intro, or a reported problem.
        for (const problem of result.problems) expect(problem.reason.length).toBeGreaterThan(0);
        expect(reported.size).toBeLessThanOrEqual(lines.length);
        for (const item of result.items) expect(item.label.title.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: "binary" }), (text) => {
        expect(() => importMail(text)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
