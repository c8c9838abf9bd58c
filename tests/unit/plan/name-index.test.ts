import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import { emptyState, type Feature, type PlanState, type Release } from "../../../src/model/schema.js";
import { applyChange, prepare, type ChangeRequest } from "../../../src/plan/reducer.js";
import { findExact, matchFeature, resolveFeature } from "../../../src/plan/resolve.js";
import { setOwn } from "../../../src/util/own.js";

const AT = "2013-01-23T12:00:00.000Z";

function seeded(): { state: PlanState; release: Release } {
  const state = emptyState();
  const requests: ChangeRequest[] = [
    { entity: "project", project: "p", op: "create", value: { id: "p", name: "p", currentRelease: "r", lastStockAt: null, createdAt: AT, createdBy: "t" } },
    { entity: "release", project: "p", release: "r", op: "create", value: { id: "r", cycleMonths: null, cycleStart: null, milestones: [], createdAt: AT, createdBy: "t" } },
  ];
  for (const request of requests) applyChange(state, prepare(state, request));
  return { state, release: state.projects["p"]!.releases["r"]! };
}

const target = (feature: string) => ({ entity: "feature", project: "p", release: "r", feature }) as const;

/** What a name resolves to, as a string to compare: the id, or the failure's code and candidates. */
function resolved(release: Pick<Release, "id" | "features">, name: string): string {
  const result = resolveFeature(release, name);
  return result.ok ? result.value.id : `${result.error.code}: ${result.error.details?.join(" | ") ?? ""}`;
}

describe("the name index", () => {
  it("follows renames, aliases, additions and removals made after it was built", () => {
    const { state, release } = seeded();
    const change = (request: ChangeRequest) => applyChange(state, prepare(state, request));
    change({ ...target("f1"), op: "create", value: makeFeature("f1", { title: "Nested virt" }) });
    change({ ...target("blktap3"), op: "create", value: makeFeature("blktap3", { title: "blktap3" }) });
    expect(resolved(release, "nested virt")).toBe("f1"); // builds the index

    change({ ...target("f1"), op: "update", fields: { title: "PVH dom0" } });
    expect(resolved(release, "PVH dom0")).toBe("f1");
    expect(resolved(release, "Nested virt")).toMatch(/^not-found/);
    expect(findExact(release, "Nested virt")).toBeUndefined();

    change({ ...target("f2"), op: "create", value: makeFeature("f2", { title: "Nested virt" }) });
    expect(resolved(release, "Nested virt")).toBe("f2");

    change({ ...target("f2"), op: "update", fields: { aliases: ["nv", "hvm in hvm"] } });
    expect(resolved(release, "NV")).toBe("f2");
    expect(findExact(release, "hvm in hvm")?.id).toBe("f2");
    change({ ...target("f2"), op: "update", fields: { aliases: [] } });
    expect(resolved(release, "hvm in hvm")).toMatch(/^not-found/);

    change({ ...target("f2"), op: "update", fields: { qualifier: "Linux" } });
    expect(resolved(release, "nested virt (linux)")).toBe("f2");

    change({ ...target("f2"), op: "delete" });
    expect(resolved(release, "Nested virt")).toMatch(/^not-found/);
    expect(findExact(release, "nested virt (linux)")).toBeUndefined();

    // The id of one feature becoming the title of another makes that name ambiguous.
    change({ ...target("blktap3"), op: "update", fields: { title: "V4V" } });
    expect(resolved(release, "blktap3")).toBe("blktap3");
    change({ ...target("blktap3-2"), op: "create", value: makeFeature("blktap3-2", { title: "blktap3" }) });
    expect(resolved(release, "blktap3")).toBe("ambiguous: V4V (blktap3) | blktap3 (blktap3-2)");
    expect(findExact(release, "blktap3")).toBeUndefined();
  });

  it("answers the same name asked again as the plan is now: a change to a name is seen, one to anything else keeps the answer", () => {
    const { state, release } = seeded();
    const change = (request: ChangeRequest) => applyChange(state, prepare(state, request));
    change({ ...target("a"), op: "create", value: makeFeature("a", { title: "Alpha" }) });
    const first = matchFeature(release, "alpha");
    expect(first.ok && first.value.feature.id).toBe("a");
    change({ ...target("a"), op: "update", fields: { bucket: "at-risk" } });
    const again = matchFeature(release, "alpha");
    expect(again.ok && again.value.feature.bucket).toBe("at-risk");
    change({ ...target("b"), op: "create", value: makeFeature("b", { title: "Alpha" }) });
    expect(resolved(release, "alpha")).toBe("ambiguous: Alpha (a) | Alpha (b)");
    change({ ...target("b"), op: "update", fields: { title: "Beta" } });
    expect(resolved(release, "alpha")).toBe("a");
    change({ ...target("a"), op: "delete" });
    expect(resolved(release, "alpha")).toMatch(/^not-found/);
  });

  it("is rolled back with a change that is", () => {
    const { state, release } = seeded();
    const create = prepare(state, { ...target("a"), op: "create", value: makeFeature("a", { title: "Alpha" }) });
    applyChange(state, create);
    expect(resolved(release, "alpha")).toBe("a");
    const rename = prepare(state, { ...target("a"), op: "update", fields: { title: "Beta" } });
    applyChange(state, rename);
    expect(resolved(release, "beta")).toBe("a");
    applyChange(state, { ...rename, before: rename.after, after: rename.before } as typeof rename);
    expect(resolved(release, "alpha")).toBe("a");
    expect(resolved(release, "beta")).toMatch(/^not-found/);
  });

  it("takes names people type as names: __proto__, toString", () => {
    const { state, release } = seeded();
    for (const [id, title] of [["__proto__", "toString"], ["constructor", "__proto__"]] as const) {
      applyChange(state, prepare(state, { ...target(id), op: "create", value: makeFeature(id, { title, aliases: ["hasOwnProperty"] }) }));
    }
    expect(resolved(release, "toString")).toBe("__proto__");
    expect(resolved(release, "constructor")).toBe("constructor");
    expect(resolved(release, "__proto__")).toBe("ambiguous: toString (__proto__) | __proto__ (constructor)");
    expect(resolved(release, "hasOwnProperty")).toBe("ambiguous: toString (__proto__) | __proto__ (constructor)");
    expect(resolved(release, "valueOf")).toMatch(/^not-found/);
  });

  it("answers as a freshly built one after any sequence of changes", () => {
    const IDS = ["a", "b", "c", "10", "2", "__proto__"];
    const NAMES = ["Alpha", "alpha", "“Beta”", "beta  gamma", "a", "b", "10", "toString", "__proto__"];
    const op = fc.record({
      kind: fc.constantFrom("create", "rename", "qualify", "alias", "delete"),
      id: fc.constantFrom(...IDS),
      name: fc.constantFrom(...NAMES),
      qualifier: fc.constantFrom(null, "Linux"),
      aliases: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
    });
    const queries = [...NAMES, ...IDS, "alpha (linux)", "beta gamma (Linux)", "xyzzy"];
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const { state, release } = seeded();
        findExact(release, "Alpha"); // Build the index first, so every later change must keep it right.
        for (const { kind, id, name, qualifier, aliases } of ops) {
          const exists = Object.hasOwn(release.features, id);
          const request: ChangeRequest | undefined =
            kind === "create" && !exists
              ? { ...target(id), op: "create", value: makeFeature(id, { title: name, qualifier, aliases }) }
              : !exists
                ? undefined
                : kind === "rename"
                  ? { ...target(id), op: "update", fields: { title: name } }
                  : kind === "qualify"
                    ? { ...target(id), op: "update", fields: { qualifier } }
                    : kind === "alias"
                      ? { ...target(id), op: "update", fields: { aliases } }
                      : kind === "delete"
                        ? { ...target(id), op: "delete" }
                        : undefined;
          if (request) applyChange(state, prepare(state, request));
        }
        // The same features in a new object: no index yet, so one is built from them as they are now.
        const copy: Record<string, Feature> = {};
        for (const key of Object.keys(release.features)) setOwn(copy, key, release.features[key]!);
        const fresh = { id: release.id, features: copy };
        for (const name of queries) {
          expect(matchFeature(release, name)).toEqual(matchFeature(fresh, name));
          expect(findExact(release, name)).toBe(findExact(fresh, name));
        }
      }),
      { numRuns: 300 },
    );
  });
});
