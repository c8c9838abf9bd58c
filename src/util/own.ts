import { z } from "zod";

/**
 * Lookups in records keyed by names people type. `toString`, `constructor` and `__proto__` are
 * feature, release and project names like any other, so only a record's own properties count, and
 * a new entry is defined (never assigned: assigning `__proto__` would replace the prototype).
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function hasOwn(record: object, key: string): boolean {
  return Object.hasOwn(record, key);
}

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * `z.record` for names people type. zod's record assigns each key, so a `__proto__` entry read from
 * disk would vanish and replace the result's prototype; going through a Map keeps it an own entry.
 */
export function ownRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) {
  const schema = z
    .preprocess((raw) => (isPlainObject(raw) ? new Map(Object.entries(raw)) : raw), z.map(key, value, { error: "expected an object" }))
    .transform((entries) => {
      const record: Record<string, z.output<V>> = {};
      for (const [name, entry] of entries) setOwn(record, name, entry);
      return record;
    });
  // The input is checked as a record: say so, so configs written in code are type-checked.
  return schema as unknown as z.ZodType<Record<z.output<K>, z.output<V>>, Record<z.input<K>, z.input<V>>>;
}

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) && !(raw instanceof Map);
}
