import { LogLevel, LogService } from "@vector-im/matrix-bot-sdk";
import type { Logger } from "../../src/ports.js";

function text(parts: unknown[]): { msg: string; detail?: unknown } {
  const words = parts.filter((part) => typeof part === "string" || typeof part === "number");
  const objects = parts.filter((part) => !(typeof part === "string" || typeof part === "number"));
  return objects.length > 0 ? { msg: words.join(" "), detail: objects.length === 1 ? objects[0] : objects } : { msg: words.join(" ") };
}

/**
 * Sends matrix-bot-sdk's log lines through Stocktake's logger. The SDK logs every failed HTTP
 * request as an error, including answers the adapter expects and handles (no m.direct account
 * data, a rate limit it waits out): those go to debug; the adapter logs what matters with context.
 */
export function routeSdkLogs(logger: Logger, debug: boolean): void {
  const sdk = logger.child({ part: "matrix-sdk" });
  const line = (level: "debug" | "info" | "warn" | "error") => (module: string, ...parts: unknown[]) => {
    const { msg, detail } = text(parts);
    const demoted = module === "MatrixHttpClient" || module === "MatrixClientLite" ? "debug" : level;
    sdk[demoted]({ module, ...(detail === undefined ? {} : { detail }) }, msg);
  };
  LogService.setLogger({ trace: line("debug"), debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") });
  LogService.setLevel(debug ? LogLevel.DEBUG : LogLevel.WARN);
}
