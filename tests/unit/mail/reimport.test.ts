import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { describeImport } from "../../../src/mail/import-summary.js";
import { plainText } from "../../../src/reply/inline.js";
import { FakeClock } from "../../support/fake-chat.js";

const mail = (name: string) => readFileSync(new URL(`../../fixtures/reimport/${name}`, import.meta.url), "utf8");

async function imported(store: MemoryStore, clock: FakeClock, text: string, dryRun = false) {
  const result = await importIntoStore(store, text, { by: "cli:import", byAuthor: true, dryRun }, clock);
  if (!result.ok) throw new Error(plainText(result.error.message));
  return result.value;
}

function buckets(store: MemoryStore): Record<string, string> {
  const release = store.read().projects["xen"]!.releases["4.5"]!;
  return Object.fromEntries(Object.values(release.features).map((feature) => [feature.id, feature.bucket]));
}

async function june() {
  const clock = new FakeClock(new Date("2014-06-17T09:00:00Z"));
  const store = new MemoryStore(clock);
  await imported(store, clock, mail("4.5-june.txt"));
  clock.set("2014-07-16T09:00:00Z");
  return { store, clock };
}

describe("importing next month's mail of the same release", () => {
  it("moves features between buckets, updates owners, adds new ones, and reports what it matched by spelling", async () => {
    const { store, clock } = await june();
    const report = await imported(store, clock, mail("4.5-july.txt"));
    expect(report.update.moved.map((move) => [move.feature, move.from, move.to])).toEqual([
      ["pvh-dom0", "on-track", "done"],
      ["credit2-scheduler-hard-affinity", "at-risk", "on-track"],
    ]);
    expect(report.update.updated).toEqual([{ feature: "migration-v2-for-libxc", label: "Migration v2 for libxc", fields: ["owners"], line: 12 }]);
    expect(report.update.similar).toEqual([{ line: 14, typed: "Credit 2 scheduler: hard affinity", feature: "credit2-scheduler-hard-affinity", label: "Credit2 scheduler hard affinity" }]);
    expect(report.created.map((feature) => feature.id)).toEqual(["intel-pml-for-live-migration"]);
    expect(report.skipped).toEqual(["Multi-queue netfront", "Xen on Arm64 big.LITTLE support"]);
    const state = buckets(store);
    expect(state["pvh-dom0"]).toBe("done");
    expect(state["credit2-scheduler-hard-affinity"]).toBe("on-track");
    expect(store.read().projects["xen"]!.releases["4.5"]!.features["migration-v2-for-libxc"]!.owners).toEqual(["Andrew Cooper", "David Vrabel"]);
    // No feature was taken for another or made twice: one per distinct item.
    expect(Object.keys(state)).toHaveLength(9);
  });

  it("asks instead of guessing when an item fits two features, and takes it once an alias says which", async () => {
    const { store, clock } = await june();
    const report = await imported(store, clock, mail("4.5-july.txt"));
    expect(report.update.ambiguous).toEqual([
      {
        line: 13,
        typed: "xl: vNUMA support",
        candidates: [
          { id: "xl-vnuma-config-support", label: "xl: vNUMA config support" },
          { id: "xl-vnuma-topology-support", label: "xl: vNUMA topology support" },
        ],
      },
    ]);
    const lines = describeImport(report, "plan.json").lines.join("\n");
    expect(lines).toContain("“xl: vNUMA support” could be xl: vNUMA config support (xl-vnuma-config-support) or xl: vNUMA topology support (xl-vnuma-topology-support)");
    expect(lines).toContain("PVH dom0: on track → finished (line 8)");
    expect(buckets(store)["xl-vnuma-support"]).toBeUndefined();
    // The person says which: an alias of the mail's wording.
    await store.update({ by: "test", command: "alias" }, (state) => {
      const feature = state.projects["xen"]!.releases["4.5"]!.features["xl-vnuma-config-support"]!;
      return { ok: true, value: { changes: [{ entity: "feature", project: "xen", release: "4.5", feature: feature.id, op: "update", fields: { aliases: ["xl: vNUMA support"] } }], value: null } };
    });
    const again = await imported(store, clock, mail("4.5-july.txt"));
    expect(again.update.ambiguous).toEqual([]);
    expect(again.created).toEqual([]);
    expect(again.update.unlisted).toEqual([{ feature: "xl-vnuma-topology-support", label: "xl: vNUMA topology support" }]);
  });

  it("reports features the new mail no longer lists, and keeps them", async () => {
    const { store, clock } = await june();
    const text = mail("4.5-july.txt").replace("* Intel PML for live migration (Kai Huang)\n", "").replace("* Multi-queue netfront (Wei Liu)\n", "");
    const report = await imported(store, clock, text);
    expect(report.update.unlisted.map((entry) => entry.feature)).toEqual(["multi-queue-netfront"]);
    expect(buckets(store)["multi-queue-netfront"]).toBe("done");
    expect(describeImport(report, "plan.json").lines).toContain("No longer listed in this mail, kept as they are: Multi-queue netfront (multi-queue-netfront).");
  });

  it("records the moves as the mail's author, so !history shows who moved them", async () => {
    const { store, clock } = await june();
    await imported(store, clock, mail("4.5-july.txt"));
    const events = await store.history({ project: "xen", feature: "pvh-dom0", limit: 5 });
    expect(events[0]).toMatchObject({ by: "mail:Konrad Wilk <konrad@example.org>", before: { bucket: "on-track" }, after: { bucket: "done" } });
  });

  it("is idempotent: the same mail again changes nothing and writes nothing", async () => {
    const { store, clock } = await june();
    await imported(store, clock, mail("4.5-july.txt"));
    const seq = store.read().seq;
    const report = await imported(store, clock, mail("4.5-july.txt"));
    expect([report.created, report.update.moved, report.update.updated]).toEqual([[], [], []]);
    expect(store.read().seq).toBe(seq);
  });

  it("a dry run shows the moves without making them", async () => {
    const { store, clock } = await june();
    const seq = store.read().seq;
    const report = await imported(store, clock, mail("4.5-july.txt"), true);
    expect(describeImport(report, "plan.json").lines).toContain("Would move 2 features to another bucket:");
    expect(store.read().seq).toBe(seq);
    expect(buckets(store)["pvh-dom0"]).toBe("on-track");
  });
});

describe("items a mail gives no status for", () => {
  const areaOnly = (extra = "") =>
    `Subject: [Xen-devel] Xen 4.5 development update\nDate: Tue, 17 Jun 2014 09:00:00 +0000\n\n== x86 ==\n\n* PVH dom0 support\n* Intel CAT for L2${extra}\n\n== Arm ==\n\n* ITS support (Andre, DONE)\n`;

  it("says which they are and how to set them, instead of filing them as on track without a word", async () => {
    const clock = new FakeClock(new Date("2014-06-17T09:00:00Z"));
    const store = new MemoryStore(clock);
    const report = await imported(store, clock, areaOnly(), true);
    const lines = describeImport(report, "plan.json").lines;
    expect(lines).toContain(
      "2 items the mail gives no status for (no bucket heading above them, no status of their own) would be filed as on track; say where each stands with !status FEATURE BUCKET:",
    );
    expect(lines).toContain("  line 6: PVH dom0 support (x86)");
    expect(lines).toContain("  line 7: Intel CAT for L2 (x86)");
    // ITS support says it is done: it is not among them.
    expect(lines.join("\n")).not.toContain("ITS support (Arm)");
  });

  it("moves them when a later mail gives their status, and leaves them where they are when it still gives none", async () => {
    const clock = new FakeClock(new Date("2014-06-17T09:00:00Z"));
    const store = new MemoryStore(clock);
    await imported(store, clock, areaOnly());
    await store.update({ by: "test", command: "status" }, () => ({
      ok: true,
      value: { changes: [{ entity: "feature", project: "xen", release: "4.5", feature: "pvh-dom0-support", op: "update", fields: { bucket: "fair" } }], value: null },
    }));
    clock.set("2014-07-16T09:00:00Z");
    // Still no status for either: the person's fair stays.
    const unchanged = await imported(store, clock, areaOnly());
    expect(unchanged.update.moved).toEqual([]);
    expect(buckets(store)["pvh-dom0-support"]).toBe("fair");
    // Now the mail says where Intel CAT stands.
    const later = await imported(store, clock, areaOnly("\n  status: at risk"));
    expect(later.update.moved.map((move) => [move.feature, move.to])).toEqual([["intel-cat-for-l2", "at-risk"]]);
  });
});
