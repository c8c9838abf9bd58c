import pino from "pino";
import type { Logger } from "./ports.js";

/** Structured logs to stderr (or `destination`, a file descriptor or path), so stdout stays free for the console and for exports. */
export function createLogger(level: string, destination: number | string = 2): Logger {
  return pino(
    {
      level,
      base: { app: "stocktake" },
      // Secrets never reach the log, wherever they hide in an object.
      redact: { paths: ["*.accessToken", "*.token", "*.password", "*.secret", "accessToken", "token", "password"], censor: "[redacted]" },
    },
    pino.destination({ dest: destination, sync: true }),
  );
}
