import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { PostgresStore, type PostgresStoreOptions } from "../../../../adapters/store/postgres/postgres-store.js";
import type { PlanState } from "../../../../src/model/schema.js";
import type { ChangeRequest } from "../../../../src/plan/reducer.js";
import type { Draft } from "../../../../src/ports.js";
import { ok, type Result } from "../../../../src/util/result.js";
import { makeFeature } from "../../../support/plan.js";

/** The test database's URL, or null when none was found (the tests skip). */
export const databaseUrl: string | null = inject("postgresUrl");

/**
 * A schema of its own for each test, so tests share one database without seeing each other's
 * plans. `drop` removes it and everything in it.
 */
export async function freshSchema(url: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  return {
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function openStore(url: string, schema: string, options: Omit<PostgresStoreOptions, "url" | "schema"> = {}): Promise<PostgresStore> {
  return PostgresStore.open({ url, schema, ...options });
}

/** A plain client on the test schema, for looking at the tables directly. */
export async function connect(url: string, schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

const AT = "2013-01-23T12:00:00.000Z";
export const xen = { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: AT, createdBy: "t" };

/** Project xen, release 4.3 and its one feature blktap3 (order 1). */
export const setup: ChangeRequest[] = [
  { entity: "project", project: "xen", op: "create", value: xen },
  { entity: "release", project: "xen", release: "4.3", op: "create", value: { id: "4.3", cycleMonths: 9, cycleStart: null, milestones: [], createdAt: AT, createdBy: "t" } },
  { entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "create", value: makeFeature("blktap3", { order: 1 }) },
];

/** An update that makes these changes whatever the plan. */
export const draft = (...changes: ChangeRequest[]) => (): Result<Draft<undefined>> => ok({ changes, value: undefined });

export const features = (state: Readonly<PlanState>) => state.projects["xen"]?.releases["4.3"]?.features ?? {};

/** Reads blktap3's order and writes it back one higher: a lost update would show as a smaller total. */
export const increment = (state: Readonly<PlanState>): Result<Draft<undefined>> => {
  const order = features(state)["blktap3"]!.order;
  return ok({ changes: [{ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "update", fields: { order: order + 1 } }], value: undefined });
};
