import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const PLATFORM = /from\s+["'](matrix-bot-sdk|@vector-im\/matrix-bot-sdk|discord\.js|@discordjs\/[^"']+|lowdb(\/[^"']*)?|croner|playwright-core)["']/;
/** The composition root and the command line wire adapters together; nothing else in src may. */
const WIRING = new Set(["src/app.ts", "src/cli.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the core", () => {
  const sources = files(join(ROOT, "src")).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

  it("imports no platform SDK, store library or scheduler", () => {
    expect(sources.filter((file) => PLATFORM.test(file.text)).map((file) => file.path)).toEqual([]);
  });

  it("reaches adapters only from the composition root", () => {
    const offenders = sources.filter((file) => !WIRING.has(file.path) && /from\s+["']\.\.\/(\.\.\/)*adapters\//.test(file.text));
    expect(offenders.map((file) => file.path)).toEqual([]);
  });

  it("logs through the Logger port, never console.log", () => {
    expect(sources.filter((file) => /console\.(log|error|warn)\(/.test(file.text)).map((file) => file.path)).toEqual([]);
  });
});
