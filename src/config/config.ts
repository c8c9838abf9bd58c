import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConsoleConfigSchema } from "../../adapters/console/config.js";
import { DiscordConfigSchema } from "../../adapters/discord/config.js";
import { HttpConfigSchema } from "../../adapters/http/config.js";
import { IrcConfigSchema, refuseNickIds } from "../../adapters/irc/config.js";
import { MailConfigSchema } from "../../adapters/mail/config.js";
import { MatrixConfigSchema } from "../../adapters/matrix/config.js";
import { StoreConfigSchema } from "../../adapters/store/config.js";
import { CoreConfigSchema } from "./core-config.js";
import { describeIssue } from "./problems.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The app's whole config: the core's part plus each adapter's section, which lives beside its
 * adapter. This is the one place they are put together, so it belongs to the composition root
 * (with app.ts); the core itself reads only `CoreConfig`.
 */
export const ConfigSchema = CoreConfigSchema.extend({
  /** The lowdb state file; the history sits beside it as NAME.history.jsonl. */
  dataFile: z.string().min(1).default("data/stocktake.json"),
  /** Where the plan lives: lowdb at `dataFile` (the default), or PostgreSQL for several processes. */
  store: StoreConfigSchema.default({ kind: "lowdb" }),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default("info"),
    })
    .default({ level: "info" }),
  console: ConsoleConfigSchema.default({ enabled: false, user: "local" }),
  discord: DiscordConfigSchema.prefault({}),
  /** The read-only web page; absent means no web server. */
  http: HttpConfigSchema.optional(),
  irc: IrcConfigSchema.prefault({}),
  matrix: MatrixConfigSchema.prefault({}),
  /** Posting the taking-stock summary to mailing lists over SMTP. */
  mail: MailConfigSchema.prefault({}),
})
  .strict()
  .superRefine(refuseNickIds)
  .superRefine(refuseBareIds);

export type Config = z.infer<typeof ConfigSchema>;

export const CONFIG_CANDIDATES = ["stocktake.yaml", "stocktake.yml", "stocktake.json"] as const;

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * `${NAME}` in any string value is replaced by that environment variable, so secrets stay out of
 * the file. A missing variable is a problem reported with its key path, like any other.
 */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string[], problems: string[]): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problems.push(`${path.join(".") || "(top level)"}: environment variable ${name} is not set`);
        return "";
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, env, [...path, String(index)], problems));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env, [...path, key], problems)]));
  }
  return value;
}

/**
 * People in the config are platform-qualified ids. A bare "ian" would match nobody, silently: say
 * so, with the forms to write and, where the id's shape tells the platform, the one meant. Any
 * lower-case `word:` counts as a platform, so an adapter added later (or a test's) needs no list here.
 */
function refuseBareIds(config: z.infer<typeof CoreConfigSchema>, ctx: { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void }): void {
  const check = (ids: readonly string[], path: (string | number)[]) =>
    ids.forEach((id, index) => {
      if (/^[a-z][a-z0-9-]*:\S/.test(id)) return;
      const guess = /^@[^:\s]+:[^\s]+$/.test(id) ? `matrix:${id}` : /^\d{17,20}$/.test(id) ? `discord:${id}` : undefined;
      const name = !guess && /^[\w.-]+$/.test(id) ? id : "NAME";
      ctx.addIssue({
        code: "custom",
        path: [...path, index],
        message: `expected an id with its platform: matrix:@${name}:SERVER, discord:USER_ID, irc:NETWORK/ACCOUNT or console:${name}${guess ? `. Did you mean ${guess}?` : ""}`,
      });
    });
  check(config.admins, ["admins"]);
  for (const [project, roles] of Object.entries(config.projects)) {
    check(roles.releaseManagers, ["projects", project, "releaseManagers"]);
    check(roles.maintainers, ["projects", project, "maintainers"]);
  }
}

/** Validates a parsed config object; every problem is reported, not just the first. */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const interpolated = interpolate(raw ?? {}, env, [], problems);
  const parsed = ConfigSchema.safeParse(interpolated);
  // A value whose variable is missing is already reported; its emptiness is not news.
  const unset = new Set(problems.map((problem) => problem.slice(0, problem.indexOf(": "))));
  if (!parsed.success) problems.push(...parsed.error.issues.filter((issue) => !unset.has(issue.path.map(String).join("."))).flatMap((issue) => describeIssue(issue, interpolated, ConfigSchema)));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(source, problems);
  return parsed.data;
}

/** Reads a YAML or JSON config file; with no path, the first of stocktake.yaml/.yml/.json that exists, else defaults. */
export function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): { config: Config; source: string } {
  const chosen = path ?? (env["STOCKTAKE_CONFIG"] || undefined) ?? CONFIG_CANDIDATES.find((candidate) => existsSync(candidate));
  if (chosen === undefined) return { config: parseConfig({}, "defaults", env), source: "defaults (no config file)" };
  let text: string;
  try {
    text = readFileSync(chosen, "utf8");
  } catch (error) {
    throw new ConfigError(chosen, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  return { config: parseConfig(parseConfigText(text, chosen), chosen, env), source: chosen };
}

/**
 * A .json file is read as JSON, strictly (a trailing comma is an error, as every other JSON reader
 * says), anything else as YAML. A syntax error names the line it is on, within the file.
 */
export function parseConfigText(text: string, source: string): unknown {
  const lines = text.split(/\r?\n/);
  if (/\.json$/i.test(source)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      // "Unexpected end of JSON input" has no position: the end is the last line with something on it.
      const where = position ? lineOf(text, Number(position[1])) : { line: lastLine(lines), column: (lines[lastLine(lines) - 1] ?? "").length + 1 };
      const what = message.replace(/\s*(in JSON )?at position \d+.*$/, "").replace(/^Unexpected token/, "unexpected character");
      const comma = trailingComma(text);
      if (comma !== undefined) {
        const at = lineOf(text, comma);
        throw new ConfigError(source, [`not valid JSON at line ${at.line}, column ${at.column}: a comma after the last item (JSON allows no trailing comma)`]);
      }
      const said = /^Unexpected end of JSON input/.test(what) ? "the file ends before the JSON is complete (a missing } or ])" : what;
      throw new ConfigError(source, [`not valid JSON at line ${where.line}, column ${where.column}: ${said}`]);
    }
  }
  try {
    return parseYaml(text);
  } catch (error) {
    const first = (error as Error).message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    let line = pos?.line;
    // An unclosed quote or bracket is found at the end of the file: point at where it was opened.
    const code = (error as { code?: string }).code;
    if (line !== undefined && (line > lastLine(lines) || code === "MISSING_CHAR" || /end with an? [\]}]/.test(first))) line = openedAt(lines) ?? Math.min(line, lastLine(lines));
    throw new ConfigError(source, [`not valid YAML${line !== undefined ? ` at line ${line}` : ""}: ${first}`]);
  }
}

/** Where a comma stands right before a closing `}` or `]`, outside strings (JSON.parse does not always say). */
function trailingComma(text: string): number | undefined {
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "," && /^\s*[}\]]/.test(text.slice(index + 1, index + 200))) return index;
  }
  return undefined;
}

function lineOf(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The last line with something on it (a file's final newline starts no line of its own). */
function lastLine(lines: readonly string[]): number {
  let last = lines.length;
  while (last > 1 && lines[last - 1]!.trim() === "") last--;
  return last;
}

/** The line where a quote or bracket that is never closed was opened, if one can be told. */
function openedAt(lines: readonly string[]): number | undefined {
  let open: { char: string; line: number } | undefined;
  const stack: { char: string; line: number }[] = [];
  lines.forEach((text, index) => {
    for (const char of text) {
      if (open) {
        if (char === open.char) open = undefined;
        continue;
      }
      if (char === "#") break;
      if (char === '"' || char === "'") open = { char, line: index + 1 };
      else if (char === "[" || char === "{") stack.push({ char, line: index + 1 });
      else if (char === "]" || char === "}") stack.pop();
    }
    // A single-quoted scalar may span lines in YAML, but a stray apostrophe in a plain word should not count.
    if (open?.char === "'" && open.line === index + 1 && !/(^|[\s:[{,-])'/.test(text)) open = undefined;
  });
  return open?.line ?? stack.at(-1)?.line;
}
