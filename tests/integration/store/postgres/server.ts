import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { readEnvFile } from "../../../support/env-file.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

export const HOW_TO_ENABLE =
  "run `bash scripts/postgres.sh start` (writes .tmp/postgres.env), or set STOCKTAKE_TEST_DATABASE_URL to a database the tests may create schemas in";

/** The URL without its password, for messages. */
export function shown(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
}

/** The test database: STOCKTAKE_TEST_DATABASE_URL, else the one scripts/postgres.sh wrote to .tmp/postgres.env. */
export async function findDatabase(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  let url = env["STOCKTAKE_TEST_DATABASE_URL"];
  let source = "STOCKTAKE_TEST_DATABASE_URL";
  if (!url) {
    const file = env["STOCKTAKE_POSTGRES_ENV"] || `${REPO_ROOT}.tmp/postgres.env`;
    if (!existsSync(file)) return { ok: false, reason: `STOCKTAKE_TEST_DATABASE_URL is not set and ${file} does not exist` };
    url = readEnvFile(file)["STOCKTAKE_TEST_DATABASE_URL"];
    source = file;
    if (!url) return { ok: false, reason: `${file} lacks STOCKTAKE_TEST_DATABASE_URL` };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true, url };
  } catch (error) {
    return { ok: false, reason: `no PostgreSQL answers at ${shown(url)} (from ${source}): ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
