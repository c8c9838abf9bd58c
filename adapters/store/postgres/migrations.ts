import type { ClientBase } from "pg";
import { StoreLoadError } from "../lowdb-store.js";

/**
 * The database schema, in versions. Each step runs once, in its own transaction, and is recorded in
 * `schema_migrations`; a database is brought up from whatever version it has. Steps are never edited
 * once released: a change is a new step.
 */
export interface SchemaStep {
  version: number;
  name: string;
  sql: string;
}

export const SCHEMA_STEPS: readonly SchemaStep[] = [
  {
    version: 1,
    name: "events and the plan head",
    sql: `
      -- Append-only: one row per change, the whole event as JSONB; the columns beside it are for lookups.
      CREATE TABLE events (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        txn bigint NOT NULL CHECK (txn >= 1 AND txn <= seq),
        at timestamptz NOT NULL,
        origin text,
        event jsonb NOT NULL
      );
      CREATE INDEX events_at ON events (at);
      -- One row: the last committed seq (every update locks it, so writers take turns) and a
      -- snapshot of the state, so opening replays only the events after it.
      CREATE TABLE plan (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        seq bigint NOT NULL DEFAULT 0,
        snapshot jsonb,
        snapshot_seq bigint NOT NULL DEFAULT 0
      );
      INSERT INTO plan DEFAULT VALUES;
    `,
  },
  {
    version: 2,
    name: "a chat message is applied once",
    // The first event of a txn carries the origin for the whole command; the others repeat it.
    sql: `CREATE UNIQUE INDEX events_origin_once ON events (origin) WHERE origin IS NOT NULL AND seq = txn;`,
  },
  {
    version: 3,
    name: "what happens once across processes",
    // One row per thing done once (an announcement of one change to one target), whichever process does it.
    sql: `CREATE TABLE claims (key text PRIMARY KEY, claimed_at timestamptz NOT NULL DEFAULT now());`,
  },
  {
    version: 4,
    name: "notifications carry events, signed",
    // A random key only those who can read the plan row know: a commit's notification carries its
    // events signed with it, since any role that can connect may send a notification on the channel.
    sql: `ALTER TABLE plan ADD COLUMN notify_key text NOT NULL DEFAULT encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');`,
  },
];

export const LATEST_SCHEMA = SCHEMA_STEPS[SCHEMA_STEPS.length - 1]!.version;

/** Any number, as long as every Stocktake uses the same one: two processes starting at once take turns. */
const MIGRATION_LOCK = 0x5170_c74e;

export class SchemaVersionError extends StoreLoadError {
  constructor(message: string) {
    super(message);
    this.name = "SchemaVersionError";
  }
}

/**
 * Brings the schema (the client's search_path) up to `target`, step by step. Returns the versions
 * it applied. Refuses a database a newer Stocktake has migrated past what this one knows.
 */
export async function migrateSchema(client: ClientBase, target = LATEST_SCHEMA, steps: readonly SchemaStep[] = SCHEMA_STEPS): Promise<number[]> {
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const found = await client.query<{ version: number }>("SELECT coalesce(max(version), 0) AS version FROM schema_migrations");
    const current = found.rows[0]?.version ?? 0;
    const known = steps[steps.length - 1]?.version ?? 0;
    if (current > known) {
      throw new SchemaVersionError(`the database's schema is at version ${current}, newer than this Stocktake knows (${known}); upgrade Stocktake`);
    }
    const applied: number[] = [];
    for (const step of steps) {
      if (step.version <= current || step.version > target) continue;
      await client.query("BEGIN");
      try {
        await client.query(step.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [step.version, step.name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      applied.push(step.version);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}
