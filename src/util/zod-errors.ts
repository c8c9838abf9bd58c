import type { z } from "zod";

/** Key names whose values never appear in a message. */
const SECRET_KEY = /token|secret|password|passwd|key$/i;

/**
 * One line per problem, led by the key path ("matrix.homeserverUrl: expected a URL"). Values under
 * secret-looking keys are never echoed.
 */
export function formatIssues(error: z.ZodError, limit = 20): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path.map(String).join(".") || "(top level)";
    const secret = issue.path.some((part) => typeof part === "string" && SECRET_KEY.test(part));
    const message = secret ? issue.message.replace(/received .*/, "received (redacted)") : issue.message;
    return `${path}: ${message}`;
  });
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more`);
  return lines.join("\n");
}
