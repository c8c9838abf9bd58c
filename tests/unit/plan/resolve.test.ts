import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import type { Feature } from "../../../src/model/schema.js";
import { editDistance, resolveFeature, similarity, slugFor } from "../../../src/plan/resolve.js";

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

  it("follows a feature changed in place (the reducer's way): new names are found, old ones are not", () => {
    const changing = { id: "4.3", features: { tap: feature("tap", "blktap2", { aliases: ["tapdisk"] }) } };
    const found = (name: string) => {
      const result = resolveFeature(changing, name);
      return result.ok ? result.value.id : result.error.code;
    };
    expect([found("blktap2"), found("tapdisk")]).toEqual(["tap", "tap"]);
    Object.assign(changing.features.tap, { title: "Disk backend", qualifier: "Linux", aliases: ["vbd3"] });
    expect([found("disk backend (linux)"), found("vbd3"), found("blktap2"), found("tapdisk")]).toEqual(["tap", "tap", "not-found", "not-found"]);
    // An alias list changed in place, not replaced, is seen too.
    changing.features.tap.aliases.push("td");
    expect(found("td")).toBe("tap");
    Object.assign(changing.features.tap, { external: true });
    expect(found("disk backend (linux) (external)")).toBe("tap");
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
