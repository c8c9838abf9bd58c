import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importMail, type ImportedItem, type ImportedMail } from "../../../src/mail/import.js";
import { headingCounts } from "../../../src/mail/import-summary.js";
import { readMailFile } from "../../../src/mail/read-mail.js";

/** What the import takes from the whole real mails in tests/fixtures/mail (sources in its README). */

const DIR = fileURLToPath(new URL("../../fixtures/mail/", import.meta.url));

async function imported(name: string): Promise<ImportedMail> {
  const read = await readMailFile(`${DIR}${name}`);
  if (!read.ok) throw new Error(read.message);
  return importMail(read.text, { envelope: read.envelope });
}

const byHeading = (mail: ImportedMail) => headingCounts(mail).map((count) => [count.name, count.items, count.milestones]);
const all = (mail: ImportedMail): ImportedItem[] => mail.items.flatMap((item) => [item, ...item.children]);
const find = (mail: ImportedMail, title: string) => {
  const found = all(mail).find((item) => item.label.title === title);
  if (!found) throw new Error(`no item “${title}”; the mail gave ${all(mail).map((item) => item.label.title).join(" | ")}`);
  return found;
};

describe("Xen 4.19 release status tracking list [ April ]", () => {
  it("reads every area and the finished list's areas, with links and status notes", async () => {
    const mail = await imported("xen-4.19-status-april.eml");
    expect(mail.subject).toBe("Xen 4.19 release status tracking list [ April ]");
    expect(mail.asOf).toBe("2024-04-03");
    expect(byHeading(mail)).toEqual([
      ["Arm", 4, 0],
      ["PPC", 1, 0],
      ["RISC-V", 1, 0],
      ["x86", 9, 0],
      ["common", 15, 0],
      ["Completed", 0, 0],
      ["Arm", 1, 0],
      ["x86", 1, 0],
      ["common", 6, 0],
    ]);
    expect(find(mail, "Arm cache coloring")).toMatchObject({
      area: "Arm",
      bucket: "on-track",
      bucketSource: "default",
      owners: [],
      links: ["https://patchew.org/Xen/20240315105902.160047-1-carlo.nonato@minervasys.tech/"],
      note: "new patch series version [v7] was sent",
    });
    expect(find(mail, "x86: memcpy() / memset() (non-)ERMS flavors plus fallout")).toMatchObject({ area: "x86", note: "6/12 are merged." });
    expect(find(mail, "xen/arm64: Rework the MMU-off code (idmap) so it is self-contained")).toMatchObject({ area: "Arm", bucket: "done", bucketSource: "heading" });
    const misra = find(mail, "MISRA rules updates");
    expect(misra.children.map((child) => [child.label.title, child.note])).toEqual([
      ["docs/misra/rules.rst update", "1/3 were merged."],
      ["address violations of MISRA C Rule 20.7", "new patch series version (v3) were sent."],
      ["xen: address violation of MISRA C:2012 Directive 4.10", "2/16 were merged."],
    ]);
    // Only the closing words are left: "Please reply with items…", "Have a nice week!", the signature.
    expect(mail.problems.every((problem) => problem.line >= 155)).toBe(true);
    expect(mail.problems).toHaveLength(7);
  });
});

describe("Xen 4.17 release: Current status before the feature freeze", () => {
  it("reads the blocker list and every area list, each item with its link and status", async () => {
    const mail = await imported("xen-4.17-status-before-feature-freeze.eml");
    expect(mail.from).toBe("Henry Wang <Henry.Wang@arm.com>");
    expect(byHeading(mail)).toEqual([
      ["Blocker List", 4, 0],
      ["Arm", 5, 0],
      ["Automation", 2, 0],
      ["x86", 18, 0],
      ["toolstack", 10, 0],
      ["XSM", 1, 0],
      ["drivers", 2, 0],
      ["Common", 11, 0],
    ]);
    expect(find(mail, "Licensing issues and details")).toMatchObject({
      tags: ["blocker"],
      area: null,
      links: ["https://lore.kernel.org/xen-devel/b58f5340-d4fa-df9d-89de-6137005add77@citrix.com/T/#u"],
      note: "According to Andrew, relicensing device_tree_defs.h is a release blocker",
    });
    expect(find(mail, "GitLab CI cleanup and boot time cpupools test")).toMatchObject({
      area: "Automation",
      links: ["https://patchwork.kernel.org/project/xen-devel/list/?series=673488"],
      note: "Need CI maintainer's review on Patch #1 #2, need author's action for Patch #3.",
    });
    expect(find(mail, "x86: support AVX512-FP16").note).toBe(
      "v1 was reviewed, but some of the review comments need further clarifying before Jan can sensibly make/submit v2. Note that this depends on item 22 (albeit if absolutely necessary it could be re-based ahead).",
    );
    // Owners: none are named in this mail, and none are made up from its prose.
    expect(all(mail).flatMap((item) => item.owners)).toEqual([]);
    expect(mail.problems.map((problem) => problem.text)).toEqual(["Kind regards,", "Henry"]);
  });
});

describe("Xen 4.18 release: Reminder about code freeze", () => {
  it("reads the critical items under the sentence that introduces them, from the text part of a multipart/alternative mail", async () => {
    const mail = await imported("xen-4.18-code-freeze-reminder.eml");
    expect(byHeading(mail)).toEqual([["Also, below is the (updated) critical items on my list for 4.18 release", 4, 0]]);
    expect(all(mail).map((item) => [item.label.title, item.tags, item.links.length])).toEqual([
      ["tools: More Python 3 fixes (part 1 of N)", ["blocker"], 1],
      ["tools: Switch to non-truncating XENVER_* ops", ["blocker"], 1],
      ["dom0less vs xenstored setup race Was: xen | Failed pipeline for staging | 6a47ba2f", ["blocker"], 2],
      ["Fixes to debugging facilities", ["blocker"], 1],
    ]);
  });
});

describe("Linux regressions report for mainline [2024-04-07]", () => {
  it("reads each regression of the section, with its links and what the report says of it; owners are not made up from 'By …'", async () => {
    const mail = await imported("linux-regressions-2024-04-07.eml");
    expect(byHeading(mail)).toEqual([
      ["current cycle (v6.8.. aka v6.9-rc), culprit identified", 7, 0],
      ["End of report", 0, 0],
    ]);
    expect(mail.items.map((item) => [item.label.title, item.tags])).toEqual([
      ["workqueue: nohz_full=0 prevents booting", ["[NEW]"]],
      ["Framework Laptop 13 AMD suspend/wakeup regression with 6.9rc1", []],
      ["mainline boot regression on AMD Stoney Ridge Chromebooks", []],
      ["net: Bluetooth: firmware loading problems with older firmware", ["[NEW]"]],
      ["clk: qcom: gdsc: lockdep splat", []],
      ["leds: hangs on boot", ["[NEW]"]],
      ["fs: ntfs: obsolete legacy driver and a bunch of warnings", []],
    ]);
    const clk = find(mail, "clk: qcom: gdsc: lockdep splat");
    expect(clk).toMatchObject({
      area: "current cycle (v6.8.. aka v6.9-rc), culprit identified",
      bucketSource: "default",
      owners: [],
      links: [
        "https://linux-regtracking.leemhuis.info/regzbot/regression/lore/Zf25Sv2x9WaCFuIH@hovoldconsulting.com/",
        "https://lore.kernel.org/lkml/Zf25Sv2x9WaCFuIH@hovoldconsulting.com/",
        "https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git/commit/?h=master&id=6677196fb1932e60b88ad0794a7ae532df178654",
      ],
    });
    expect(clk.note).toBe("reported by Johan Hovold; introduced in 9187ebb954ab (v6.9-rc1); fix incoming: clk: qcom: gdsc: treat optional supplies as optional");
    // "By A and A": the reporter once; the activity counts are not the entry's state.
    expect(find(mail, "workqueue: nohz_full=0 prevents booting").note).toBe(
      "reported by Friedrich Oslage; introduced in 5797b1c18919 (v6.9-rc1); patch: Re: Nohz_full on boot CPU is broken (was: Re: [PATCH v2 1/1] wq: Avoid using isolated cpus' timers on queue_delayed_work); noteworthy links: Re: [PATCH v2 1/1] wq: Avoid using isolated cpus' timers on queue_delayed_work",
    );
    expect(find(mail, "workqueue: nohz_full=0 prevents booting").links).toHaveLength(5);
    // The report's end (thanks, how to use regzbot) is prose under "End of report": every line of it is reported.
    expect(mail.problems.every((problem) => problem.line >= 148)).toBe(true);
  });
});

describe("OpenStack 2024.1 Caracal release countdown", () => {
  it("reads the upcoming deadlines with their years, and the feature freeze the prose gives; the prose sections are reported, not imported", async () => {
    const mail = await imported("openstack-caracal-countdown.txt");
    expect(mail.items).toEqual([]);
    expect(mail.milestones.map((milestone) => [milestone.label, milestone.date])).toEqual([
      ["Non-client library freeze", "2024-02-22"],
      ["Client library freeze", "2024-02-29"],
      ["Caracal-3 milestone", "2024-02-29"],
      // "Deliverables following a cycle-with-rc model … observe a Feature freeze on that same date, February 29th, 2024."
      ["Feature freeze", "2024-02-29"],
      ["2024.1 Caracal final release", "2024-04-03"],
      ["2024.2 'D' virtual PTG", "2024-04-08"],
    ]);
    expect(mail.problems.filter((problem) => problem.reason.startsWith("a heading")).map((problem) => problem.text)).toEqual(["Development Focus", "General Information"]);
  });
});

describe("Xen 4.4 development update (excerpt)", () => {
  it("reads the timeline, the open list with links, notes and statuses, and the backlog's testing list", async () => {
    const mail = await imported("xen-4.4-development-update.txt");
    expect(mail.cycleMonths).toBe(6);
    expect(byHeading(mail)).toEqual([
      ["Timeline", 0, 4],
      ["Completed", 0, 0],
      ["Open", 5, 0],
      ["Backlog", 0, 0],
      ["Testing coverage", 4, 0],
    ]);
    expect(find(mail, "Race in PV shutdown between tool detection and shutdown watch")).toMatchObject({
      bucketSource: "default",
      links: ["http://www.gossamer-threads.com/lists/xen/devel/282467"],
      note: "Nothing to do with ACPI; Probably a bug in Linux xen drivers",
    });
    expect(find(mail, "Default [example] XSM policy")).toMatchObject({ area: "Testing coverage", note: "@Stefano to ask Daniel D", owners: [] });
    expect(mail.problems.map((problem) => problem.line)).toEqual([21, 22, 23, 24, 31]);
  });
});
