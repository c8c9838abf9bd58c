import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FeatureSchema, ReleaseMetaSchema, emptyState, type PlanState } from "../../../src/model/schema.js";
import { applyChange, describe as describeTarget, prepare, validateAfter } from "../../../src/plan/reducer.js";
import { makeFeature } from "../../support/plan.js";

const AT = "2013-01-23T12:00:00.000Z";

function plan(): PlanState {
  const feature = makeFeature("blktap3", { owners: ["ian"], createdBy: "t", updatedBy: "t" });
  const state = emptyState();
  state.projects["xen"] = {
    id: "xen",
    name: "Xen",
    currentRelease: "4.3",
    lastStockAt: null,
    createdAt: AT,
    createdBy: "t",
    releases: {
      "4.3": {
        id: "4.3",
        cycleMonths: 9,
        cycleStart: "2012-09-17",
        milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "UTC" }],
        createdAt: AT,
        createdBy: "t",
        features: { blktap3: feature },
      },
    },
  };
  return state;
}

/** What validateAfter answered before it checked fields one by one: the whole entity, parsed. */
function wholeEntityAnswer(state: PlanState, entity: "feature" | "release"): string | undefined {
  const release = state.projects["xen"]!.releases["4.3"]!;
  const target = entity === "feature" ? ({ entity, project: "xen", release: "4.3", feature: "blktap3" } as const) : ({ entity, project: "xen", release: "4.3" } as const);
  const { features: _features, ...meta } = release;
  const parsed = entity === "feature" ? FeatureSchema.safeParse(release.features["blktap3"]) : ReleaseMetaSchema.safeParse(meta);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${describeTarget(target)}: ${issue.path.join(".")}: ${issue.message}`;
}

const values = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, "", "x", "fair", "at-risk", "nonsense", "x".repeat(5_000), AT, "2013-02-30T00:00:00Z", -1, 0, 50, 100, 101, 1.5, true, false),
  fc.constantFrom<unknown>([], ["a"], [""], ["x".repeat(5_000)], Array.from({ length: 500 }, (_, i) => `o${i}`), [1, 2], {}),
  fc.constantFrom<unknown>(
    { kind: "slip", text: "a week", by: "ian", at: AT },
    { kind: "nope", text: "a week", by: "ian", at: AT },
    [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "AoE" }],
    [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "Mars/Olympus" }],
    [{ key: "rc1", label: "RC1", date: "2013-13-01", timeZone: "UTC" }],
  ),
  fc.string(),
  fc.integer(),
);

describe("validateAfter on an update checks the fields it sets", () => {
  it("answers as checking the whole entity would, for any fields set to any values (issue 13, item 5)", () => {
    const featureFields = [...Object.keys(FeatureSchema.shape), "unknownField"];
    const releaseFields = [...Object.keys(ReleaseMetaSchema.shape), "unknownField"];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uniqueArray(fc.tuple(fc.nat(30), values), { minLength: 1, maxLength: 4, selector: ([index]) => index }),
        (onFeature, sets) => {
          const state = plan();
          const names = onFeature ? featureFields : releaseFields;
          const fields = Object.fromEntries(sets.map(([index, value]) => [names[index % names.length]!, value]));
          const request = onFeature
            ? ({ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "update", fields } as const)
            : ({ entity: "release", project: "xen", release: "4.3", op: "update", fields } as const);
          const change = prepare(state, request);
          applyChange(state, change);
          expect(validateAfter(state, change)).toBe(wholeEntityAnswer(state, onFeature ? "feature" : "release"));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("refuses a bad value with the field named, as before", () => {
    const state = plan();
    const change = prepare(state, { entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "update", fields: { probability: 101, bucket: "fair" } });
    applyChange(state, change);
    expect(validateAfter(state, change)).toBe("feature blktap3 of xen 4.3: probability: Too big: expected number to be <=100");
  });
});
