import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { PostgresStore, type PostgresStoreOptions } from "../../../../adapters/store/postgres/postgres-store.js";

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
