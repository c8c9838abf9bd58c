import type { TestProject } from "vitest/node";
import { findHomeserver, HOW_TO_ENABLE, type HomeserverInfo } from "./homeserver.js";

declare module "vitest" {
  export interface ProvidedContext {
    matrixHomeserver: HomeserverInfo | null;
  }
}

/**
 * Finds the homeserver for the Matrix integration tests once per run. Without one they are skipped
 * with one line saying how to enable them, unless STOCKTAKE_REQUIRE_SYNAPSE=1 (CI), which makes a
 * missing homeserver a failure.
 */
export default async function setup(project: TestProject): Promise<void> {
  const found = await findHomeserver();
  if (!found.ok) {
    if (process.env["STOCKTAKE_REQUIRE_SYNAPSE"] === "1") {
      throw new Error(`STOCKTAKE_REQUIRE_SYNAPSE=1, but ${found.reason}. To provide one: ${HOW_TO_ENABLE}.`);
    }
    process.stdout.write(`Matrix integration tests skipped (${found.reason}): to enable them, ${HOW_TO_ENABLE}.\n`);
  }
  project.provide("matrixHomeserver", found.ok ? found.value : null);
}
