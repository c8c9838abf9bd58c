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
  .superRefine(refuseNickIds);

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

const SECRET_KEY = /token|secret|password|passwd|key$/i;

function issueLine(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "(top level)";
  // Never echo what was found under a secret-looking key.
  const secret = issue.path.some((part) => typeof part === "string" && SECRET_KEY.test(part));
  const message = secret ? issue.message.replace(/,? ?received .*/, "") : issue.message;
  if (issue.code === "unrecognized_keys") return `${path}: unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
  return `${path}: ${message}`;
}

/** Validates a parsed config object; every problem is reported, not just the first. */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const interpolated = interpolate(raw ?? {}, env, [], problems);
  const parsed = ConfigSchema.safeParse(interpolated);
  // A value whose variable is missing is already reported; its emptiness is not news.
  const unset = new Set(problems.map((problem) => problem.slice(0, problem.indexOf(": "))));
  if (!parsed.success) problems.push(...parsed.error.issues.filter((issue) => !unset.has(issue.path.map(String).join("."))).map(issueLine));
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
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(chosen, [`not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`]);
  }
  return { config: parseConfig(raw, chosen, env), source: chosen };
}
