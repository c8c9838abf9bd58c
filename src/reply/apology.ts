import { randomBytes } from "node:crypto";
import { cmd, t, type Reply } from "./reply.js";

/** A short reference that ties the apology a person saw to the log line with the detail. */
export function errorRef(): string {
  return randomBytes(3).toString("hex");
}

/**
 * The one answer to a bug or an outage, wherever it happened (the dispatcher, an adapter's
 * rendering or sending): short, no detail, a reference to find the detail in the log.
 */
export function apology(ref: string, command?: string): Reply {
  const during = command === undefined ? "" : t` while running ${cmd(command)}`;
  return {
    tone: "error",
    failure: "internal",
    private: true,
    blocks: [{ type: "text", text: t`Sorry, something went wrong on my side${during} (ref ${ref}). It is in the log; try again in a moment.` }],
  };
}
