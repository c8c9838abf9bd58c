import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import { emptyState, type Feature, type PlanState } from "../../../src/model/schema.js";
import { applyChange, prepare, type ChangeRequest } from "../../../src/plan/reducer.js";
import { childrenOf } from "../../../src/plan/summary.js";

const AT = "2013-01-23T12:00:00.000Z";
const IDS = ["a", "b", "c", "d", "e"];

const feature = (id: string, parent: string | null): Feature => makeFeature(id, { parent, order: IDS.indexOf(id) });

function seeded(): PlanState {
  const state = emptyState();
  const requests: ChangeRequest[] = [
    { entity: "project", project: "p", op: "create", value: { id: "p", name: "p", currentRelease: "r", lastStockAt: null, createdAt: AT, createdBy: "t" } },
    { entity: "release", project: "p", release: "r", op: "create", value: { id: "r", cycleMonths: null, cycleStart: null, milestones: [], createdAt: AT, createdBy: "t" } },
  ];
  for (const request of requests) applyChange(state, prepare(state, request));
  return state;
}

describe("the sub-item index", () => {
  it("agrees with a full scan after any sequence of creates, moves and deletes", () => {
    const op = fc.record({ kind: fc.constantFrom("create", "move", "delete"), id: fc.constantFrom(...IDS), parent: fc.constantFrom(null, ...IDS) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const state = seeded();
        const release = state.projects["p"]!.releases["r"]!;
        childrenOf(release, "a"); // Build the index first, so every later change must keep it right.
        for (const { kind, id, parent } of ops) {
          const exists = id in release.features;
          const target = { entity: "feature", project: "p", release: "r", feature: id } as const;
          if (kind === "create" && !exists) applyChange(state, prepare(state, { ...target, op: "create", value: feature(id, parent) }));
          if (kind === "move" && exists) applyChange(state, prepare(state, { ...target, op: "update", fields: { parent } }));
          if (kind === "delete" && exists) applyChange(state, prepare(state, { ...target, op: "delete" }));
        }
        for (const parent of IDS) {
          const scanned = Object.values(release.features).filter((item) => item.parent === parent).map((item) => item.id).sort();
          expect(childrenOf(release, parent).map((item) => item.id).sort()).toEqual(scanned);
        }
      }),
      { numRuns: 500 },
    );
  });
});
