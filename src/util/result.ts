/**
 * Expected failures (unknown feature, no permission, bad date) travel as values with a message for
 * the person; exceptions are for bugs and outages.
 */

export interface Failure {
  code: FailureCode;
  message: string;
  /** Extra lines for the person, such as "did you mean" candidates. */
  details?: string[];
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
  | "confirm";

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: FailureCode, message: string, details?: string[]): { ok: false; error: Failure } {
  return { ok: false, error: details && details.length > 0 ? { code, message, details } : { code, message } };
}
