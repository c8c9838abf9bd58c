import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import type { Feature, Release } from "../../../src/model/schema.js";
import { suggestFeatures } from "../../../src/plan/resolve.js";

function release(...titles: string[]): Pick<Release, "features"> {
  const features: Record<string, Feature> = {};
  titles.forEach((title, index) => {
    const id = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    features[id] = makeFeature(id, { title, aliases: id === "blktap3" ? ["tap3"] : [], order: index + 1 });
  });
  return { features };
}

const xen = release("blktap3", "PVH mode", "Persistent grants for blk", "Persistent grants for net", "Default to QEMU upstream", "vTPM", "xl vm-{export,import}");
const ids = (features: readonly Feature[]) => features.map((feature) => feature.id);

describe("suggestFeatures", () => {
  it("lists the plan from the top when nothing is typed yet, up to the limit", () => {
    expect(ids(suggestFeatures(xen, "", 3))).toEqual(["blktap3", "pvh-mode", "persistent-grants-for-blk"]);
    expect(ids(suggestFeatures(xen, "   ", 25))).toHaveLength(7);
  });

  it("puts names that start with the text before names that only contain it", () => {
    expect(ids(suggestFeatures(xen, "p", 10)).slice(0, 3)).toEqual(["pvh-mode", "persistent-grants-for-blk", "persistent-grants-for-net"]);
    expect(ids(suggestFeatures(xen, "grants", 10))).toEqual(["persistent-grants-for-blk", "persistent-grants-for-net"]);
    expect(ids(suggestFeatures(xen, "qemu", 10))).toEqual(["default-to-qemu-upstream"]);
  });

  it("matches ids and aliases, ignoring case and quotes", () => {
    expect(ids(suggestFeatures(xen, "TAP3", 10))).toEqual(["blktap3"]);
    expect(ids(suggestFeatures(xen, "“vtpm”", 10))).toEqual(["vtpm"]);
  });

  it("forgives a typo by similarity, and offers nothing for unrelated text", () => {
    expect(ids(suggestFeatures(xen, "persistant grants", 10))).toEqual(["persistent-grants-for-blk", "persistent-grants-for-net"]);
    expect(suggestFeatures(xen, "zzzz", 10)).toEqual([]);
  });

  it("stays within the limit on a large release", () => {
    const big = release(...Array.from({ length: 2000 }, (_, i) => `Feature number ${i}`));
    expect(suggestFeatures(big, "feature", 25)).toHaveLength(25);
    expect(ids(suggestFeatures(big, "feature number 1999", 25))[0]).toBe("feature-number-1999");
  });
});
