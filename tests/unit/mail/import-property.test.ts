import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FeatureSchema, MilestoneSchema } from "../../../src/model/schema.js";
import { planImport } from "../../../src/mail/apply-import.js";
import { importMail } from "../../../src/mail/import.js";
import { describeImport } from "../../../src/mail/import-summary.js";
import { readMailBytes } from "../../../src/mail/read-mail.js";
import { emptyRelease } from "../../../src/plan/release.js";

const NOW = new Date("2024-05-13T12:00:00Z");

const line = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    "== Completed ==", "= Timeline =", "=== Blockers ===", "** In progress **:", "*** x86 ***:", "Toolstack:", "hypervisor, blockers:",
    "OPEN ISSUES", "-----", "=====", "1. Deferred", "", "  owner: Jan Beulich", "  S: posted", "  O: Wei Liu", "  E: wei@example.org", "  P: 70%",
    "  > https://example.org/x", "  https://example.org/y", "  msg01234.html", "    - 6/12 are merged", "* None", "<== We are here",
    "Friday 24th September      Feature freeze", "19 March -- TODO list locked down", "* July 26: branch created", "Date: Mon, 13 May 2024 09:00:00 +0000",
    // Shapes of the real mails: regzbot sections and entries, bracketed links, prognoses, sentences with dates.
    "======", "current cycle (v6.8.. aka v6.9-rc), culprit identified", "[ *NEW* ] leds: hangs on boot", "---------", "By Ben Greear; 5 days ago",
    "Introduced in f5c31bcf604d (v6.9-rc1)", "Fix incoming:", "Recent activities from: A (1),", "  * [PATCH v7 00/14] Arm cache coloring [", "]:", "]: 1/3 were merged.",
    "    - new patch series version [v7] was sent", "*** Completed ***:", "  *** Arm ***:", "** Automation **", "Status: Need review.", "* Xen Boot Order (fair)", "   -  Wei Liu",
    "  prognosis: Good", "Also, below is the critical items on my list for 4.18 release:", "The hard code freeze date will be Fri Oct 6, 2023.", "- Feature freeze      Fri Jun 2, 2023",
  ),
  fc.tuple(fc.constantFrom("* ", "- ", " - ", "  * ", "1. ", "1) ", "A. ", "+ ", "* [CHECK] ", "* [PATCH v2 00/03] "), fc.string({ maxLength: 120 }), fc.constantFrom("", " (Jan Beulich)", " (Wei Liu, DONE)", " (Xen & Linux)", " -- wrapped", "."))
    .map(([marker, text, tail]) => `${marker}${text}${tail}`),
  fc.tuple(fc.string({ maxLength: 300 }), fc.constantFrom(", blockers:", " ==", ":")).map(([text, tail]) => (tail === " ==" ? `== ${text} ==` : `${text}${tail}`)),
);

describe("importing any input", () => {
  it("gives a report whose features and milestones the store accepts, never a throw", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), (lines) => {
        const mail = importMail(lines.join("\n"), { today: "2024-05-13" });
        for (const milestone of mail.milestones) MilestoneSchema.parse({ key: milestone.key, label: milestone.label, date: milestone.date, timeZone: milestone.timeZone });
        const release = { ...emptyRelease("4.19", "test", NOW), features: {} };
        const planned = planImport(mail, "xen", release, "test", NOW);
        for (const change of planned.changes) if (change.entity === "feature" && change.op === "create") FeatureSchema.parse(change.value);
        const outcome = describeImport({ project: "xen", release: "4.19", added: planned.added, parents: 0, groupings: planned.groupings, skipped: planned.skipped, update: planned, mail, created: [], dryRun: true }, "plan.json");
        expect([0, 1]).toContain(outcome.exitCode);
        for (const problem of mail.problems) expect(problem.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("reads any bytes as a mail or refuses them in one sentence", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.string({ maxLength: 2000 }).map((text) => new TextEncoder().encode(`From: a@b\nSubject: [x] 1.0\nContent-Transfer-Encoding: base64\n\n${text}`)),
          fc.string({ maxLength: 2000 }).map((text) => new TextEncoder().encode(`From x@y Mon Jan 1 00:00:00 2024\nContent-Type: multipart/alternative; boundary=z\n\n--z\n${text}`)),
        ),
        async (bytes) => {
          const read = await readMailBytes(Buffer.from(bytes));
          if (!read.ok) {
            expect(read.message).not.toContain("\n");
            return;
          }
          expect(() => importMail(read.text, { envelope: read.envelope })).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});
