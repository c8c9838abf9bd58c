import type { z } from "zod";
import { similarity } from "../plan/resolve.js";

/**
 * A config problem in words people can act on: the key path, what was found there, what is
 * expected, and a suggestion where one exists ("did you mean releaseManagers?"). zod's own wording
 * ("Invalid input: expected int, received number") never reaches the person.
 */

const SECRET_KEY = /token|secret|password|passwd|key$/i;
type Path = readonly PropertyKey[];

export function keyPath(path: Path): string {
  return path.map(String).join(".") || "(top level)";
}

function isSecret(path: Path): boolean {
  return path.some((part) => typeof part === "string" && SECRET_KEY.test(part));
}

/** The value the person wrote at `path`, if any (own properties only: `__proto__` is a name). */
export function valueAt(input: unknown, path: Path): { found: boolean; value?: unknown } {
  let here: unknown = input;
  for (const part of path) {
    if (here === null || typeof here !== "object" || !Object.hasOwn(here, part)) return { found: false };
    here = (here as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: here };
}

/** `"abc"`, `1.5`, `true`, `a list of 2`, `a section`: what was found, as the file spells it. */
export function describeFound(value: unknown, secret: boolean): string {
  if (secret) return "a value (not shown: it looks like a secret)";
  if (value === null) return "an empty value";
  if (typeof value === "string") return value === "" ? "empty text" : JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  if (typeof value === "object") return "a section";
  return typeof value;
}

const TYPES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a section of settings (key: value)",
  map: "a section of settings (key: value)",
  record: "a section of settings (key: value)",
  date: "a date",
  bigint: "a whole number",
};

/** zod's default messages start like this; our schemas' own messages say "expected …" themselves. */
const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/;

function sizeWords(issue: { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }, bound: "min" | "max"): string {
  const n = Number(bound === "min" ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const word = bound === "min" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  switch (issue.origin) {
    case "string":
      return bound === "min" && n === 1 && inclusive ? "text that is not empty" : `text of ${word} ${n} character${n === 1 ? "" : "s"}`;
    case "array":
    case "set":
    case "map":
      return bound === "min" && n === 1 && inclusive ? "a list that is not empty" : `a list of ${word} ${n} entr${n === 1 ? "y" : "ies"}`;
    default:
      return `a number ${word} ${n}`;
  }
}

/** What the schema expects where `issue` was raised, in words. */
export function expectedFor(issue: z.core.$ZodIssue): string {
  if (/^expected an? (object|record)$/i.test(issue.message)) return TYPES["object"]!;
  if (!ZOD_WORDING.test(issue.message)) return issue.message.replace(/^expected\s+/i, "");
  switch (issue.code) {
    case "invalid_type":
      return TYPES[issue.expected] ?? issue.expected;
    case "too_small":
      return sizeWords(issue, "min");
    case "too_big":
      return sizeWords(issue, "max");
    case "invalid_value":
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((value) => String(value)).join(", ")}`;
    case "invalid_format":
      return issue.format === "url" ? "a URL" : issue.format === "regex" ? "text in the documented form" : `a valid ${issue.format}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    case "invalid_union": {
      const choices = discriminatorChoices(issue);
      if (choices) return `one of ${choices.join(", ")}`;
      // A schema's own words ("a port number") say more than the kinds it accepts ("a number").
      const firsts = issue.errors.flatMap((errors) => (errors[0] ? [errors[0]] : []));
      const own = firsts.filter((first) => !ZOD_WORDING.test(first.message));
      const options = [...new Set((own.length > 0 ? own : firsts).map(expectedFor))];
      return options.length > 0 ? options.join(" or ") : "a value of another kind";
    }
    default:
      return "a different value (see the config reference in the README)";
  }
}

/** The values a discriminated union accepts at its key (`store.kind`: lowdb, postgres). */
function discriminatorChoices(issue: z.core.$ZodIssue): string[] | undefined {
  const options = (issue as { options?: unknown }).options;
  return issue.code === "invalid_union" && Array.isArray(options) && options.length > 0 ? options.map(String) : undefined;
}

/** The closest of `known` to `typed`, when it is close enough to be what was meant. */
export function closest(typed: string, known: Iterable<string>): string | undefined {
  const lower = typed.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const other = name.toLowerCase();
    const score = other === lower ? 1 : other.startsWith(lower) || lower.startsWith(other) ? 0.9 : similarity(lower, other);
    if (!best || score > best.score) best = { name, score };
  }
  if (best && best.score >= 0.6) return best.name;
  // Letter pairs miss a swapped pair ("dialy"); a short edit distance catches it.
  for (const name of known) if (editDistance(lower, name.toLowerCase()) <= Math.max(1, Math.floor(name.length / 4))) return name;
  return undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

interface ZodDef {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  in?: { _zod: { def: ZodDef } };
  out?: { _zod: { def: ZodDef } };
  valueType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  options?: { _zod: { def: ZodDef } }[];
}

/** The setting names the schema allows at `path` (record keys, such as project ids, are free). */
export function keysAt(schema: z.ZodType, path: Path): Set<string> {
  const out = new Set<string>();
  const walk = (def: ZodDef, rest: Path, depth: number): void => {
    if (depth > 40) return;
    const next = (child: { _zod: { def: ZodDef } } | undefined, remaining: Path) => child && walk(child._zod.def, remaining, depth + 1);
    switch (def.type) {
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
      case "catch":
      case "readonly":
        return void next(def.innerType, rest);
      case "pipe":
        next(def.in, rest);
        return void next(def.out, rest);
      case "union":
        for (const option of def.options ?? []) next(option, rest);
        return;
      case "object":
        if (rest.length === 0) for (const key of Object.keys(def.shape ?? {})) out.add(key);
        else next(def.shape && Object.hasOwn(def.shape, rest[0]!) ? def.shape[rest[0] as string] : undefined, rest.slice(1));
        return;
      case "map":
      case "record":
        if (rest.length > 0) next(def.valueType, rest.slice(1));
        return;
      case "array":
        if (rest.length > 0) next(def.element, rest.slice(1));
        return;
      default:
        return;
    }
  };
  walk((schema as unknown as { _zod: { def: ZodDef } })._zod.def, path, 0);
  return out;
}

/** Every problem a zod issue stands for, as lines for check-config (one per unknown key). */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): string[] {
  if (issue.code === "unrecognized_keys") {
    const known = [...keysAt(schema, issue.path)];
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      const expected = known.length > 0 ? `; expected one of ${known.join(", ")}` : "";
      return `${keyPath([...issue.path, key])}: unknown setting${expected}${guess ? `. Did you mean ${guess}?` : ""}`;
    });
  }
  const path = keyPath(issue.path);
  if (issue.code === "invalid_key") {
    // The name itself is wrong (a project id with capitals), not the value under it.
    const first = issue.issues[0];
    const name = String(issue.path.at(-1) ?? "");
    return [`${path}: found the name ${JSON.stringify(name)}; expected a name of ${first ? expectedFor(first) : "another form"}${/[A-Z]/.test(name) ? `. Did you mean ${name.toLowerCase()}?` : ""}`];
  }
  const at = valueAt(input, issue.path);
  const found = at.found ? describeFound(at.value, isSecret(issue.path)) : "nothing (the setting is missing)";
  // Our own refinements that say more than what is expected keep their words whole.
  // Our own rules that say more than what is expected ("required when irc.enabled is true", "… is a
  // nick anyone can take") already say what is wrong: they keep their words whole.
  if (issue.code === "custom" && !/^expected\b/i.test(issue.message)) return [`${path}: ${issue.message}`];
  let line = `${path}: found ${found}; expected ${expectedFor(issue)}`;
  const choices = issue.code === "invalid_value" ? issue.values.map(String) : discriminatorChoices(issue);
  if (choices && typeof at.value === "string") {
    const guess = closest(at.value, choices);
    if (guess) line += `. Did you mean ${guess}?`;
  }
  return [line];
}
