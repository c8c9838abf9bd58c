import { PlanStateSchema, SCHEMA_VERSION, type PlanState } from "./schema.js";
import { formatIssues } from "../util/zod-errors.js";
import { fail, ok, type Result } from "../util/result.js";

/**
 * Stored data carries `schemaVersion`. Each migration turns version N into N+1 and is a plain
 * function with its own tests; `migrate` runs the ones a file needs, in order.
 */
export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Record<number, Migration> = {
  // Version 0: a file written before versions existed, or an empty `{}` someone created by hand.
  0: (data) => ({
    ...data,
    schemaVersion: 1,
    seq: typeof data["seq"] === "number" ? data["seq"] : 0,
    projects: data["projects"] ?? {},
    conversations: data["conversations"] ?? {},
  }),
};

export function migrate(
  raw: unknown,
  migrations: Record<number, Migration> = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): Result<Record<string, unknown>> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return fail("invalid", "expected a JSON object at the top level");
  }
  let data = raw as Record<string, unknown>;
  const found = data["schemaVersion"] ?? 0;
  if (typeof found !== "number" || !Number.isInteger(found) || found < 0) {
    return fail("invalid", `schemaVersion: expected a whole number, found ${JSON.stringify(found)}`);
  }
  if (found > target) {
    return fail("invalid", `schemaVersion ${found} was written by a newer Stocktake (this one reads up to ${target}); upgrade Stocktake`);
  }
  for (let version = found; version < target; version++) {
    const step = migrations[version];
    if (!step) return fail("invalid", `no migration from schemaVersion ${version}`);
    data = step(data);
  }
  return ok(data);
}

/** Migrates then validates: the only way stored state enters the program. */
export function loadState(raw: unknown): Result<PlanState> {
  const migrated = migrate(raw);
  if (!migrated.ok) return migrated;
  const parsed = PlanStateSchema.safeParse(migrated.value);
  if (!parsed.success) return fail("invalid", formatIssues(parsed.error));
  return ok(parsed.data);
}
