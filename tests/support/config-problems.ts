import { ConfigError, parseConfig } from "../../src/config/config.js";

/** The problems parseConfig reports for a raw config, or none. */
export function configProblems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, "test", env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
