import type { Text } from "../reply/text.js";

/**
 * Expected failures (unknown feature, no permission, bad date) travel as values with a message for
 * the person; exceptions are for bugs and outages.
 */

export interface Failure {
  code: FailureCode;
  message: Text;
  /** Extra lines for the person, such as "did you mean" candidates. */
  details?: Text[];
}

export type FailureCode =
  | "usage"
  | "not-found"
  | "ambiguous"
  | "forbidden"
  | "conflict"
  | "invalid"
  | "too-long"
  | "no-project"
  | "no-release"
  | "confirm"
  /** Refused by the plan's own rules (a change someone else made since, a release already closed). */
  | "refused"
  /** Something broke on our side; the person got an apology. */
  | "internal";

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: FailureCode, message: Text, details?: Text[]): { ok: false; error: Failure } {
  return { ok: false, error: details && details.length > 0 ? { code, message, details } : { code, message } };
}
