import pino from "pino";
import type { Logger } from "./ports.js";

/** Structured logs to stderr, so stdout stays free for the console and for exports. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: "stocktake" },
      // Secrets never reach the log, wherever they hide in an object.
      redact: { paths: ["*.accessToken", "*.token", "*.password", "*.secret", "accessToken", "token", "password"], censor: "[redacted]" },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
