import { describe, expect, it } from "vitest";
import { describeUrl } from "../../../adapters/store/postgres/postgres-store.js";
import { storeName } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import { configProblems } from "../../support/config-problems.js";

describe("the store setting", () => {
  it("is lowdb at dataFile unless told otherwise", () => {
    expect(parseConfig({}, "test").store).toEqual({ kind: "lowdb" });
  });

  it("takes PostgreSQL with its URL from the environment", () => {
    const config = parseConfig({ store: { kind: "postgres", url: "${DATABASE_URL}" } }, "test", { DATABASE_URL: "postgres://bot:pw@db.example.org:5432/plan" });
    expect(config.store).toEqual({ kind: "postgres", url: "postgres://bot:pw@db.example.org:5432/plan", schema: "public", poolSize: 10 });
  });

  it("says what is wrong with it, by key path", () => {
    expect(configProblems({ store: { kind: "postgres", url: "mysql://x" } })).toEqual(['store.url: found "mysql://x"; expected a postgres:// URL']);
    expect(configProblems({ store: { kind: "postgres", url: "postgres://x/y", schema: "Drop Table" } })).toEqual([expect.stringMatching(/^store\.schema: found "Drop Table"; expected a lower-case schema name/)]);
    expect(configProblems({ store: { kind: "sqlite" } })).toEqual([expect.stringMatching(/^store\.kind: /)]);
    expect(configProblems({ store: { kind: "postgres" } })).toEqual([expect.stringMatching(/^store\.url: /)]);
  });

  it("names a database in messages without its password", () => {
    expect(describeUrl("postgres://bot:s3cret@db.example.org:5432/plan")).toBe("postgres://db.example.org:5432/plan");
  });

  it("is named for people by its file, or its database without the password", () => {
    expect(storeName(parseConfig({}, "test"))).toBe("data/stocktake.json");
    expect(storeName(parseConfig({ store: { kind: "postgres", url: "postgres://bot:s3cret@db.example.org:5432/plan", schema: "xen" } }, "test"))).toBe(
      "postgres://db.example.org:5432/plan (schema xen)",
    );
  });
});
