/**
 * A store that lives behind a network (PostgreSQL) could not be reached while recording a change.
 * `saved` says what is known: "no" when the change certainly was not recorded (the connection was
 * refused, or lost before the commit was sent); "unknown" when the connection was lost while the
 * commit was on its way, so it may have been recorded. Never reported as done: the person is told
 * which, and a redelivered message is still applied once (its id is recorded with the change).
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly saved: "no" | "unknown",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
