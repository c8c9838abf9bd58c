import { describe, expect, it } from "vitest";
import { MIGRATIONS, loadState, migrate } from "../../../src/model/migrations.js";

describe("migrations", () => {
  it("brings a version-0 file (no schemaVersion) to version 1", () => {
    expect(MIGRATIONS[0]!({ projects: { a: 1 } })).toEqual({ projects: { a: 1 }, schemaVersion: 1, seq: 0, conversations: {} });
    const loaded = loadState({});
    expect(loaded.ok && loaded.value).toEqual({ schemaVersion: 1, seq: 0, projects: {}, conversations: {} });
  });

  it("runs the steps a file needs, in order", () => {
    const steps = {
      0: (data: Record<string, unknown>) => ({ ...data, schemaVersion: 1, trail: ["0→1"] }),
      1: (data: Record<string, unknown>) => ({ ...data, schemaVersion: 2, trail: [...(data["trail"] as string[]), "1→2"] }),
    };
    expect(migrate({}, steps, 2)).toEqual({ ok: true, value: { schemaVersion: 2, trail: ["0→1", "1→2"] } });
    expect(migrate({ schemaVersion: 1, trail: [] }, steps, 2)).toEqual({ ok: true, value: { schemaVersion: 2, trail: ["1→2"] } });
  });

  it("refuses what it cannot migrate, with a reason", () => {
    expect(migrate({ schemaVersion: 5 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/newer Stocktake/) } });
    expect(migrate([])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/JSON object/) } });
    expect(migrate({ schemaVersion: "1" })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/whole number/) } });
    expect(migrate({ schemaVersion: 1 }, {}, 3)).toMatchObject({ ok: false, error: { message: "no migration from schemaVersion 1" } });
  });

  it("validates after migrating and names the key path", () => {
    const result = loadState({ schemaVersion: 1, seq: -1, projects: {}, conversations: {} });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^seq: /) } });
  });
});
