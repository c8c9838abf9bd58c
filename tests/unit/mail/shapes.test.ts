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
    // No list tag: the project is the word the subject opens with, right before the version.
    expect(guessTarget("Xen 4.19 release status tracking list [ April ]")).toEqual({ project: "xen", release: "4.19" });
    expect(guessTarget("LLVM 15.0.0 Release Schedule")).toEqual({ project: "llvm", release: "15.0.0" });
    expect(guessTarget("Linux regressions report  for mainline [2024-04-07]")).toEqual({});
    expect(guessTarget("Status of 4.5 features")).toEqual({ release: "4.5" });
  });

  it("an item's own status moves it out of an open list: (believed newly resolved), (not for this release)", () => {
    const mail = importMail("== Open ==\n* HPET drift (believed newly resolved)\n* Hyperlaunch (not for this release)\n");
    expect(mail.items.map((item) => [item.label.title, item.bucket, item.bucketSource, item.note])).toEqual([
      ["HPET drift", "done", "status", "believed newly resolved"],
      ["Hyperlaunch", "deferred", "status", "not for this release"],
    ]);
  });
});

describe("shapes of the Xen 4.17–4.19 status lists", () => {
  it("an indented `*** Arm ***:` under `*** Completed ***:` is an area of the finished list, not a new list", () => {
    const mail = importMail(["*** x86 ***:", "  * Open thing", "", "*** Completed ***:", "  *** Arm ***:", "     * Done thing", "  *** x86 ***:", "     * Other done thing"].join("\n"));
    expect(mail.items.map(row)).toEqual([
      ["Open thing", "on-track", "x86", []],
      ["Done thing", "done", "Arm", []],
      ["Other done thing", "done", "x86", []],
    ]);
    expect(mail.problems).toEqual([]);
  });

  it("`title [` with the link on the next line and `]:` after it: the link is the item's, what follows `]:` its status", () => {
    const mail = importMail(
      [
        "== Open ==",
        "  * [PATCH v7 00/14] Arm cache coloring [",
        "https://patchew.org/Xen/20240315105902.160047-1-carlo.nonato@minervasys.tech/",
        "]:",
        "    - new patch series version [v7] was sent",
        "",
        "  * [XEN PATCH v3 0/7] address violations of MISRA C Rule 20.7[",
        "https://patchew.org/Xen/cover.1711700095.git.nicola.vetrini@bugseng.com/",
        "]: new patch series version (v3) were sent.",
        "",
        "  * [PATCH v3 0/4] DOMCTL-based guest magic region allocation for 11",
        "domUs [",
        "https://patchew.org/Xen/20240403081626.375313-1-xin.wang2@amd.com/ ]",
      ].join("\n"),
    );
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.links, item.note])).toEqual([
      ["Arm cache coloring", ["https://patchew.org/Xen/20240315105902.160047-1-carlo.nonato@minervasys.tech/"], "new patch series version [v7] was sent"],
      ["address violations of MISRA C Rule 20.7", ["https://patchew.org/Xen/cover.1711700095.git.nicola.vetrini@bugseng.com/"], "new patch series version (v3) were sent."],
      ["DOMCTL-based guest magic region allocation for 11 domUs", ["https://patchew.org/Xen/20240403081626.375313-1-xin.wang2@amd.com/"], null],
    ]);
  });

  it("a title the mailer wrapped onto an unindented line carries on, a hyphenated word is joined whole; a short title's next line is its note", () => {
    const mail = importMail(
      [
        "== Completed ==",
        "     * xen/arm64: Rework the MMU-off code (idmap) so it is self-",
        "contained",
        "  * [PATCH v5 0/7] MSI-X support with qemu in stubdomain, and other",
        "related changes:",
        "",
        "  * annotate entry points with type and size series:",
        "    The bulk of this has gone in, but there'll want to be follow-ups.",
        "* Default [example] XSM policy",
        " @Stefano to ask Daniel D",
      ].join("\n"),
    );
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.note])).toEqual([
      ["xen/arm64: Rework the MMU-off code (idmap) so it is self-contained", null],
      ["MSI-X support with qemu in stubdomain, and other related changes", null],
      ["annotate entry points with type and size series", "The bulk of this has gone in, but there'll want to be follow-ups."],
      ["Default [example] XSM policy", "@Stefano to ask Daniel D"],
    ]);
  });

  it("a sub-bullet saying where the item stands is its status; a sub-bullet naming work (a patch series) is a sub-item", () => {
    const mail = importMail(
      [
        "== Open ==",
        "  * [PATCH v4 05/23]  Enable build of full Xen for RISC-V",
        "    - one patch of the patch series was merged",
        "    - new patch series version [v7] were sent",
        "  * [PATCH 0/4] iommu/x86: fixes for unity range checks",
        "    - almost patch series have been merged already except the patch:",
        "        [PATCH 4/4] iommu/x86: make unity range checking more strict",
        "  * MISRA rules updates:",
        "   - [PATCH v2] docs/misra/rules.rst update [",
        "https://lore.kernel.org/xen-devel/alpine.DEB.2.22.394.2402131431070.1925432@ubuntu-linux-20-04-desktop/",
        "]: 1/3 were merged.",
      ].join("\n"),
    );
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.note, item.children.map((child) => [child.label.title, child.note])])).toEqual([
      ["Enable build of full Xen for RISC-V", "one patch of the patch series was merged; new patch series version [v7] were sent", []],
      ["iommu/x86: fixes for unity range checks", "almost patch series have been merged already except the patch: [PATCH 4/4] iommu/x86: make unity range checking more strict", []],
      ["MISRA rules updates", null, [["docs/misra/rules.rst update", "1/3 were merged."]]],
    ]);
  });

  it("a numbered item with its link, an unindented `Status:` (wrapped over lines) and a note line below it", () => {
    const mail = importMail(
      [
        "** Blocker List **:",
        "1. Patch: x86: enable interrupts around dump_execstate()",
        "https://patchwork.kernel.org/project/xen-devel/patch/e717897f@suse.com/",
        "Status: Waiting for review.",
        "",
        "2. The fix of libvirt after the virtio support in toolstack",
        "Status: The OSSTEST seems to work properly, apart from what Jan",
        "asked in IRC.",
        "",
        "4. Licensing issues and details",
        "https://lore.kernel.org/xen-devel/b58f5340@citrix.com/T/#u",
        "According to Andrew, relicensing device_tree_defs.h is a release blocker",
        "",
        "Kind regards,",
        "Henry",
      ].join("\n"),
    );
    expect(mail.items.map((item) => [item.label.title, item.note, item.links.length, item.tags])).toEqual([
      ["Patch: x86: enable interrupts around dump_execstate()", "Waiting for review.", 1, ["blocker"]],
      ["The fix of libvirt after the virtio support in toolstack", "The OSSTEST seems to work properly, apart from what Jan asked in IRC.", 0, ["blocker"]],
      ["Licensing issues and details", "According to Andrew, relicensing device_tree_defs.h is a release blocker", 1, ["blocker"]],
    ]);
    // The signature is not a status: it is reported.
    expect(mail.problems.map((problem) => problem.line)).toEqual([14, 15]);
  });

  it("a short heading written like the area headings beside it (`** Automation **` among `** Arm **:`) is an area too", () => {
    const mail = importMail(["** Arm **:", "1. static shared memory", "", "** Automation **", "1. GitLab CI cleanup", "", "** XSM **:", "1. xsm: refactor flask sid alloc"].join("\n"));
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.area])).toEqual([
      ["static shared memory", "Arm"],
      ["GitLab CI cleanup", "Automation"],
      ["xsm: refactor flask sid alloc", "XSM"],
    ]);
    // With no area heading beside it, an unknown heading stays unknown.
    expect(importMail("** Automation **\n1. GitLab CI cleanup\n").items).toEqual([]);
  });

  it("a sentence ending in `:` that introduces a list of items is that list's heading; one that introduces prose bullets is not", () => {
    const mail = importMail(
      ["This is the reminder that we are in code freeze.", "", "Also, below is the (updated) critical items on my list for 4.18 release:", "1. [PATCH 0/7] tools: More Python 3 fixes (part 1 of N)", "https://gitlab.com/xen-project/xen/-/issues/114"].join("\n"),
    );
    expect(mail.headings).toEqual([{ line: 3, name: "Also, below is the (updated) critical items on my list for 4.18 release", meaning: "open" }]);
    expect(mail.items.map((item) => [item.label.title, item.area, item.tags, item.links])).toEqual([["tools: More Python 3 fixes (part 1 of N)", "tools", ["blocker"], ["https://gitlab.com/xen-project/xen/-/issues/114"]]]);
    const prose = importMail(["General Information", "-------------------", "", "In the next weeks we will have deadlines for:", "* Client libraries, which need their last release"].join("\n"));
    expect(prose.items).toEqual([]);
  });

  it("a list with no heading at all is reported line by line, not called empty", () => {
    const mail = importMail("Subject: Xen 4.18 release\n\nHi all,\n\n1. Fix the build\n2. Fix the docs\n");
    expect(mail.items).toEqual([]);
    expect(mail.problems.map((problem) => [problem.line, problem.reason])).toEqual([
      [3, "no heading above it"],
      [5, "an item with no heading above it, so I cannot tell which list it is in"],
      [6, "an item with no heading above it, so I cannot tell which list it is in"],
    ]);
  });
});

describe("shapes of regression reports (regzbot)", () => {
  const report = [
    "Hi, this is regzbot, the Linux kernel regression tracking bot.",
    "",
    "======================================================",
    "current cycle (v6.8.. aka v6.9-rc), culprit identified",
    "======================================================",
    "",
    "",
    "[ *NEW* ] workqueue: nohz_full=0 prevents booting",
    "-------------------------------------------------",
    "https://linux-regtracking.leemhuis.info/regzbot/regression/bugzilla.kernel.org/218665/",
    "https://bugzilla.kernel.org/show_bug.cgi?id=218665",
    "",
    "By Friedrich Oslage; 7 days ago; 15 activities, latest 0 days ago.",
    "Introduced in 5797b1c18919 (v6.9-rc1)",
    "",
    "Recent activities from: Oleg Nesterov (5), Frederic Weisbecker (2),",
    "  Tejun Heo (2)",
    "",
    "Fix incoming:",
    "* clk: qcom: gdsc: treat optional supplies as optional",
    "  https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git/commit/?id=6677196fb193",
    "",
    "",
    "=============",
    "End of report",
    "=============",
    "",
    "Thanks for your attention, have a nice day!",
  ].join("\n");

  it("a section framed by `=====` groups the regressions; each is a title underlined by `-----` with its links, and its block (reporter, where it began, what is being done) is its note", () => {
    const mail = importMail(report);
    expect(mail.headings.map((heading) => [heading.name, heading.meaning])).toEqual([
      ["current cycle (v6.8.. aka v6.9-rc), culprit identified", "area"],
      ["End of report", "unknown"],
    ]);
    expect(mail.items).toHaveLength(1);
    expect(mail.items[0]).toMatchObject({
      label: { title: "workqueue: nohz_full=0 prevents booting" },
      area: "current cycle (v6.8.. aka v6.9-rc), culprit identified",
      bucketSource: "default",
      owners: [],
      tags: ["[NEW]"],
      links: [
        "https://linux-regtracking.leemhuis.info/regzbot/regression/bugzilla.kernel.org/218665/",
        "https://bugzilla.kernel.org/show_bug.cgi?id=218665",
        "https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git/commit/?id=6677196fb193",
      ],
      note: "reported by Friedrich Oslage; introduced in 5797b1c18919 (v6.9-rc1); fix incoming: clk: qcom: gdsc: treat optional supplies as optional",
    });
    // The closing prose is reported, every line of it.
    expect(mail.problems.map((problem) => problem.line)).toEqual([25, 28]);
  });

  it("a title underlined by dashes with no links below is a heading, as before", () => {
    expect(importMail("Open issues\n-----------\n\n* a thing\n").items.map((item) => item.label.title)).toEqual(["a thing"]);
  });
});

describe("shapes of the Xen 4.4–4.6 development updates", () => {
  it("`> text` under an item is a note, `> URL` a link, and a bug list is an open list", () => {
    const mail = importMail(["== Bugs ==", "", "* xl pci-detach broken for pv guests?", "  > http://bugs.xenproject.org/xen/bug/12", "  > kernel doesn't know about moving into states 7 and 8", "  status: External"].join("\n"));
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.bucketSource, item.links, item.note])).toEqual([
      ["xl pci-detach broken for pv guests?", "default", ["http://bugs.xenproject.org/xen/bug/12"], "kernel doesn't know about moving into states 7 and 8; External"],
    ]);
  });

  it.each([
    ["* Xen Boot Order (fair)", "fair"],
    ["* PVH - AMD hardware support (ok)", "on-track"],
    ["* Alternative p2m (good)", "on-track"],
    ["* Intel PSR (done)", "done"],
    ["* HVM guest NUMA (none)", "on-track"],
  ])("%j: the prognosis in parentheses is the item's bucket, and a bare name under it is its owner", (line, bucket) => {
    const mail = importMail(["== Open ==", line, "   -  Elena Ufimtseva <ufimtseva@example.com>"].join("\n"));
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.bucket, item.owners, item.children.length])).toEqual([[bucket, ["Elena Ufimtseva"], 0]]);
  });

  it("in a mail that writes prognoses, a bare name under a finished item (which has lost its prognosis) is its owner too; `<--- We are here` says where the release stands", () => {
    const mail = importMail(
      ["= Timeline =", "* Feature freeze: 10 Jul 2015 <--- We are here", "", "== Hypervisor ==", "*  Alternate p2m support (fair)", "   -  Ed White", "", "== Completed ==", "*  Credit2 hard affinity", "   -  Justin Weaver"].join("\n"),
      "2015-04-13",
    );
    expect(mail.problems).toEqual([]);
    expect(mail.current).toEqual({ line: 2, text: "Feature freeze", milestone: "feature-freeze" });
    expect(mail.items.map((item) => [item.label.title, item.bucket, item.owners, item.children.length])).toEqual([
      ["Alternate p2m support", "fair", ["Ed White"], 0],
      ["Credit2 hard affinity", "done", ["Justin Weaver"], 0],
    ]);
  });

  it("a name under an item with no prognosis is a sub-item, as before", () => {
    const mail = importMail(["== Open ==", "* Default to QEMU upstream", " - Linux Stubdom"].join("\n"));
    expect(mail.items[0]!.children.map((child) => child.label.title)).toEqual(["Linux Stubdom"]);
  });

  it("a `prognosis:` line is the item's bucket when no bucket heading gave one", () => {
    const mail = importMail(["== Not yet complete ==", "* ARM v7 server port", "  owner: ijc@citrix", "  prognosis: Fair", "  status: SMP support missing."].join("\n"));
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.bucket, item.bucketSource, item.owners, item.note])).toEqual([["fair", "status", ["ijc@citrix"], "prognosis: Fair; SMP support missing."]]);
  });
});

describe("timeline lines with more in them", () => {
  it("a milestone whose name carries a link and whose date is a range of days", () => {
    const mail = importMail("Upcoming Deadlines & Dates\n--------------------------\n\n2024.2 'D' virtual PTG ( https://openinfra.dev/ptg/ ): April 8th-12th, 2024\n");
    expect(mail.problems).toEqual([]);
    expect(mail.milestones.map((milestone) => [milestone.label, milestone.date])).toEqual([["2024.2 'D' virtual PTG", "2024-04-08"]]);
    expect(parseMailDate("September 2-6", "2019-08-29")).toBe("2019-09-02");
    expect(parseMailDate("2024-02-22", "2024-01-01")).toBe("2024-02-22");
  });
});

describe("negated bucket words", () => {
  it.each(["Not yet complete", "Not completed", "Incomplete", "Unresolved issues"])("%j is an open list, not the finished one", (name) => {
    expect(headingMeaning(name).kind).toBe("open");
  });
});

describe("milestones in a sentence", () => {
  it("a sentence naming one milestone and one date gives that milestone, the year from the mail's Date when left out", () => {
    const mail = importMail(
      [
        "Subject: Xen 4.18 release: Reminder about code freeze",
        "Date: Mon, 25 Sep 2023 01:25:16 +0000",
        "",
        "This is the reminder that we are currently in code freeze. The hard code",
        "freeze date will be in two weeks, i.e. Fri Oct 6, 2023.",
        "",
        "The planned date for 4.18 rc1 is this Friday, i.e. Sep 29.",
        "",
        "== Open ==",
        "* Something",
      ].join("\n"),
    );
    expect(mail.milestones.map((milestone) => [milestone.key, milestone.date, milestone.line])).toEqual([
      ["rc1", "2023-09-29", 7],
      ["hard-code-freeze", "2023-10-06", 5],
    ]);
  });

  it("leaves a sentence with two milestones or no date alone, and does not override the timeline", () => {
    const mail = importMail(
      [
        "Deliverables need to produce a first release candidate before RC1 deadline (March 14th, 2024).",
        "We are now in code freeze.",
        "The bar will rise until the May 6th code freeze.",
        "",
        "= Timeline =",
        "* Code freezing point: 15 April 2013",
      ].join("\n"),
      "2013-04-16",
    );
    expect(mail.milestones.map((milestone) => [milestone.key, milestone.date])).toEqual([["code-freeze", "2013-04-15"]]);
  });
});

describe("more of the Xen 4.19 tracking lists", () => {
  it("a `]:` whose `[` is missing, a note line ending in `:` with the bullets it lists, and `- … required to be merged` as status", () => {
    const mail = importMail(
      [
        "*** RISC-V ***:",
        "  * [PATCH v8 00/17] Enable build of full Xen for RISC-V",
        "https://lore.kernel.org/xen-devel/cover.1713347222.git.oleksii.kurochko@gmail.com/",
        "]:",
        "    - several patches were merged",
        "",
        "  * [PATCH 0/7] xen/trace: Treewide API cleanup [",
        "https://patchew.org/Xen/20240318163552.3808695-1-andrew.cooper3@citrix.com/",
        "]:",
        "    patches were merged to staging:",
        "     - [PATCH 3/7] xen/rt: Clean up trace handling",
        "     - [PATCH 4/7] xen/sched: Clean up trace handling",
        "",
        "  * [PATCH v6 00/8] xen/spinlock: make recursive spinlocks a dedicated",
        "type [ https://patchew.org/Xen/20240327152229.25847-1-jgross@suse.com/",
        "]:",
        "    - only one patch required to be merged:",
      ].join("\n"),
    );
    expect(mail.problems).toEqual([]);
    expect(mail.items.map((item) => [item.label.title, item.note, item.children.length, item.links.length])).toEqual([
      ["Enable build of full Xen for RISC-V", "several patches were merged", 0, 1],
      ["xen/trace: Treewide API cleanup", "patches were merged to staging: [PATCH 3/7] xen/rt: Clean up trace handling; [PATCH 4/7] xen/sched: Clean up trace handling", 0, 1],
      ["xen/spinlock: make recursive spinlocks a dedicated type", "only one patch required to be merged:", 0, 1],
    ]);
  });
});

describe("a schedule under a heading that does not say so", () => {
  it("a section whose lines are standard milestones with dates is the timeline (Xen 4.18's proposed schedule)", () => {
    const mail = importMail(
      [
        "Following the 8-month release cycle, below is the proposed release schedule.",
        "",
        "** Proposed option: Wed Aug 2, 2023 **",
        "(+8 months from Xen 4.17 release)",
        "",
        "- Last posting date          Fri May 12, 2023 (+6 weeks from now)",
        "",
        "Patches adding new features are expected to be posted by this date.",
        "",
        "- Feature freeze             Fri Jun 2, 2023 (+3 weeks from Last posting date)",
        "- Final commits              Fri Jul 28, 2023 (+2 weeks from Hard code freeze)",
        "- Release                    Wed Aug 2, 2023",
      ].join("\n"),
      "2023-04-03",
    );
    expect(mail.cycleMonths).toBe(8);
    expect(mail.headings).toEqual([{ line: 3, name: "Proposed option: Wed Aug 2, 2023", meaning: "timeline" }]);
    expect(mail.milestones.map((milestone) => [milestone.label, milestone.date])).toEqual([
      ["Last posting date", "2023-05-12"],
      ["Feature freeze", "2023-06-02"],
      ["Final commits", "2023-07-28"],
      ["Release", "2023-08-02"],
    ]);
    // One milestone alone does not make a section the timeline.
    expect(importMail("** Plans **\n\n- Feature freeze   Fri Jun 2, 2023\n", "2023-04-03").headings[0]!.meaning).toBe("unknown");
  });
});

describe("the Xen 4.3 updates' items", () => {
  it("`owner: ?` names nobody; a paragraph below an item is one note, wrapped lines joined; a line after a short `status:` is a part of its own", () => {
    const mail = importMail(
      [
        "== Bugs ==",
        "* xl, compat mode, and older kernels",
        "  owner: ?",
        "  Many older 32-bit PV kernels that can run on a 64-bit hypervisor with",
        "  xend do not work when started with xl.",
        "  > Ian J investigating",
        "",
        "== Not yet complete ==",
        "* Default to QEMU upstream",
        "  - qemu-based stubdom (Linux or BSD libc)",
        "    owner: anthony@citrix",
        "    status: in progress",
        "    qemu-upstream needs a more fully-featured libc than exists in",
        "    minios.",
      ].join("\n"),
    );
    expect(mail.problems).toEqual([]);
    expect(mail.items[0]).toMatchObject({ owners: [], note: "Many older 32-bit PV kernels that can run on a 64-bit hypervisor with xend do not work when started with xl.; Ian J investigating" });
    expect(mail.items[1]!.children[0]).toMatchObject({ owners: ["anthony@citrix"], note: "in progress; qemu-upstream needs a more fully-featured libc than exists in minios." });
  });
});

describe("a status line under an item with no bucket heading", () => {
  it.each([
    ["at risk", "at-risk", null, "status"],
    ["Fair: waiting on review", "fair", "Fair: waiting on review", "status"],
    ["deferred - not for this release", "deferred", "deferred - not for this release", "status"],
    ["v3 posted, needs review", "on-track", "v3 posted, needs review", "default"],
    ["riskier than it looks", "on-track", "riskier than it looks", "default"],
  ])("status: %j gives the bucket %s", (status, bucket, note, source) => {
    const mail = importMail(`== x86 ==\n\n* PVH dom0 support\n  status: ${status}\n`);
    expect(mail.items.map((item) => [item.label.title, item.bucket, item.note, item.bucketSource])).toEqual([["PVH dom0 support", bucket, note, source]]);
  });

  it("never overrides a bucket heading above the item", () => {
    const mail = importMail(`== Features marked as Fair ==\n\n* PVH dom0 support\n  status: at risk\n`);
    expect(mail.items.map((item) => [item.bucket, item.bucketSource])).toEqual([["fair", "heading"]]);
  });
});
