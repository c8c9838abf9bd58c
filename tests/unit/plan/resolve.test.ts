import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import { emptyState, type Feature } from "../../../src/model/schema.js";
import { applyChange, prepare, type ChangeRequest } from "../../../src/plan/reducer.js";
import { editDistance, resolveFeature, similarity, slugFor } from "../../../src/plan/resolve.js";

const AT = "2013-01-23T12:00:00.000Z";
const feature = (id: string, title: string, extra: Partial<Feature> = {}): Feature => makeFeature(id, { title, ...extra });
const release = {
  id: "4.3",
  features: Object.fromEntries(
    [
      feature("blktap3", "blktap3"),
      feature("pg-blk-linux", "Persistent grants for blk", { qualifier: "Linux" }),
      feature("pg-blk-qemu", "Persistent grants for blk", { qualifier: "qemu" }),
      feature("pg-net", "Persistent grants for net", { aliases: ["pgnet"] }),
      feature("numa-sched", "NUMA scheduler affinity"),
      feature("numa-mem", "NUMA Memory migration"),
    ].map((item) => [item.id, item]),
  ),
};
const resolved = (name: string) => {
  const result = resolveFeature(release, name);
  return result.ok ? result.value.id : `${result.error.code}: ${result.error.details?.join(" | ") ?? result.error.message}`;
};

describe("resolveFeature", () => {
  it("follows features renamed, requalified, given an alias, added and removed by the reducer (names are indexed per release)", () => {
    const state = emptyState();
    state.projects["xen"] = { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: AT, createdBy: "t", releases: {} };
    state.projects["xen"].releases["4.3"] = { id: "4.3", cycleMonths: null, cycleStart: null, milestones: [], createdAt: AT, createdBy: "t", features: {} };
    const plan = state.projects["xen"].releases["4.3"];
    const change = (request: ChangeRequest) => applyChange(state, prepare(state, request));
    const where = { entity: "feature", project: "xen", release: "4.3" } as const;
    const rename = (feature: string, fields: Partial<Feature>) => change({ ...where, feature, op: "update", fields });
    const found = (name: string) => {
      const result = resolveFeature(plan, name);
      return result.ok ? result.value.id : result.error.code;
    };
    change({ ...where, feature: "xl-json", op: "create", value: feature("xl-json", "xl JSON output") });
    change({ ...where, feature: "other", op: "create", value: feature("other", "Something else") });
    expect(found("xl JSON output")).toBe("xl-json");
    rename("xl-json", { title: "Machine-readable xl" });
    expect(found("machine-readable xl")).toBe("xl-json");
    expect(found("xl JSON output")).toBe("not-found");
    rename("xl-json", { qualifier: "tools" });
    expect(found("Machine-readable xl (tools)")).toBe("xl-json");
    rename("xl-json", { aliases: ["mrx"] });
    expect(found("mrx")).toBe("xl-json");
    rename("xl-json", { aliases: [] });
    expect(found("mrx")).toBe("not-found");
    // Another feature now called what this one's id is: the id no longer names one feature.
    rename("other", { title: "xl-json" });
    expect(found("xl-json")).toBe("ambiguous");
    change({ ...where, feature: "other", op: "delete" });
    expect(found("xl-json")).toBe("xl-json");
    change({ ...where, feature: "third", op: "create", value: feature("third", "Something else") });
    expect(found("something else")).toBe("third");
  });

  it.each([
    ["blktap3", "blktap3"],
    ["BLKTAP3", "blktap3"],
    ["pgnet", "pg-net"],
    ["persistent grants for net", "pg-net"],
    ["Persistent grants for blk (qemu)", "pg-blk-qemu"],
    ["scheduler", "numa-sched"],
    ["blktpa3", "blktap3"],
    ["numa schedular affinity", "numa-sched"],
  ])("%j → %s", (name, id) => {
    expect(resolved(name)).toBe(id);
  });

  it("lists the candidates when a name fits several", () => {
    expect(resolved("persistent grants for blk")).toBe("ambiguous: Persistent grants for blk (Linux) (pg-blk-linux) | Persistent grants for blk (qemu) (pg-blk-qemu)");
    expect(resolved("numa")).toMatch(/^ambiguous: .*numa-sched.*numa-mem|^ambiguous: .*numa-mem.*numa-sched/);
    expect(resolved("nu")).toMatch(/^ambiguous: .*numa-sched.*numa-mem|^ambiguous: .*numa-mem.*numa-sched/);
    expect(resolved("ta")).toBe("not-found: blktap3 (blktap3)");
  });

  it("suggests, without guessing, when nothing is close enough", () => {
    expect(resolved("grants")).toMatch(/^ambiguous/);
    expect(resolved("xyzzy")).toMatch(/^not-found/);
    expect(resolved("   ")).toMatch(/^usage/);
  });
});

describe("name helpers", () => {
  it("measures similarity and edit distance", () => {
    expect(similarity("blktap3", "blktap3")).toBe(1);
    expect(similarity("abc", "xyz")).toBe(0);
    expect(editDistance("blktpa3", "blktap3")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("scores names as the Sørensen–Dice coefficient of their letter-pair multisets", () => {
    // The definition, written the obvious way: the pairs of " name " counted in a map.
    const pairs = (text: string) => {
      const squashed = ` ${text.replace(/[^a-z0-9]+/g, " ").trim()} `;
      const counts = new Map<string, number>();
      for (let i = 0; i < squashed.length - 1; i++) counts.set(squashed.slice(i, i + 2), (counts.get(squashed.slice(i, i + 2)) ?? 0) + 1);
      return counts;
    };
    const dice = (a: string, b: string) => {
      const left = pairs(a);
      const right = pairs(b);
      let shared = 0;
      let total = 0;
      for (const [pair, count] of left) {
        shared += Math.min(count, right.get(pair) ?? 0);
        total += count;
      }
      for (const count of right.values()) total += count;
      return (2 * shared) / total;
    };
    const name = fc.stringMatching(/^[a-c0-1 :é-]{0,12}$/);
    fc.assert(fc.property(name, name, (a, b) => similarity(a, b) === dice(a, b)));
    expect(similarity("aaaa", "aa")).toBe(dice("aaaa", "aa"));
    expect(similarity("credit2 scheduler hard affinity", "credit 2 scheduler: hard affinity")).toBeCloseTo(dice("credit2 scheduler hard affinity", "credit 2 scheduler: hard affinity"), 12);
  });

  it("makes unique, readable ids", () => {
    const taken = new Set(["blktap3"]);
    expect(slugFor("Persistent grants for blk Linux", (id) => taken.has(id))).toBe("persistent-grants-for-blk-linux");
    expect(slugFor("blktap3", (id) => taken.has(id))).toBe("blktap3-2");
    expect(slugFor("Ünïcödé ✓", () => false)).toBe("unicode");
    expect(slugFor("✓✓✓", () => false)).toBe("feature");
    expect(slugFor("x".repeat(100), () => false)).toHaveLength(48);
  });
});

describe("a name that is one feature's id and another's title", () => {
  // blktap3 renamed to "V4V ✓", then a new feature titled "blktap3" added (its id is blktap3-2).
  const both = {
    id: "4.3",
    features: Object.fromEntries([feature("blktap3", "V4V: Inter-domain communication ✓"), feature("blktap3-2", "blktap3")].map((item) => [item.id, item])),
  };

  it("is ambiguous: the reply lists both, and neither is picked", () => {
    const result = resolveFeature(both, "blktap3");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("ambiguous");
    expect(result.error.details).toEqual(["V4V: Inter-domain communication ✓ (blktap3)", "blktap3 (blktap3-2)"]);
  });

  it("still finds each by a name only it has", () => {
    expect(resolveFeature(both, "blktap3-2").ok && resolveFeature(both, "blktap3-2")).toMatchObject({ value: { id: "blktap3-2" } });
    expect(resolveFeature(both, "V4V: Inter-domain communication ✓")).toMatchObject({ ok: true, value: { id: "blktap3" } });
  });
});
