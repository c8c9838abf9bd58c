import type { TestProject } from "vitest/node";
import { findDatabase, HOW_TO_ENABLE } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

/**
 * Finds the database for the PostgreSQL store's tests once per run. Without one they are skipped
 * with one line saying how to enable them, unless STOCKTAKE_REQUIRE_POSTGRES=1 (CI).
 */
export default async function setup(project: TestProject): Promise<void> {
  const found = await findDatabase();
  if (!found.ok) {
    if (process.env["STOCKTAKE_REQUIRE_POSTGRES"] === "1") {
      throw new Error(`STOCKTAKE_REQUIRE_POSTGRES=1, but ${found.reason}. To provide one: ${HOW_TO_ENABLE}.`);
    }
    process.stdout.write(`PostgreSQL store tests skipped (${found.reason}): to enable them, ${HOW_TO_ENABLE}.\n`);
  }
  project.provide("postgresUrl", found.ok ? found.url : null);
}
