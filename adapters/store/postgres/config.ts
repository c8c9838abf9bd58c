import { z } from "zod";

/** A PostgreSQL schema name as Stocktake accepts it: plain lower-case, so it never needs quoting. */
export const SchemaName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "expected a lower-case schema name (letters, digits, _)");

/**
 * `store: { kind: postgres, url: ${DATABASE_URL} }`: the plan and its history in PostgreSQL, shared
 * by every Stocktake process pointed at it.
 */
export const PostgresStoreConfigSchema = z.strictObject({
  kind: z.literal("postgres"),
  /** postgres://user:password@host:port/database; keep the password in the environment. */
  url: z.string().regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL"),
  /** Where Stocktake's tables live in that database; created when missing. */
  schema: SchemaName.default("public"),
  /** Connections each process keeps open at most. */
  poolSize: z.number().int().min(2).max(100).default(10),
});
export type PostgresStoreConfig = z.infer<typeof PostgresStoreConfigSchema>;
