import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const PLATFORM = /from\s+["'](matrix-bot-sdk|irc-framework|@vector-im\/matrix-bot-sdk|discord\.js|@discordjs\/[^"']+|lowdb(\/[^"']*)?|croner|playwright-core|pg)["']/;
/**
 * The composition root (with the config it composes from each adapter's section) wires adapters
 * together; nothing else in src may, the command line included: it asks app.ts.
 */
const WIRING = new Set(["src/app.ts", "src/config/config.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports of a file, resolved to repository paths ("src/ports.ts"), type-only ones included. */
function importsOf(path: string, text: string): string[] {
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/gs)].map((match) =>
    relative(ROOT, resolve(dirname(join(ROOT, path)), match[1]!.replace(/\.js$/, ".ts"))),
  );
}

/** Every import circle among `files`, each as the list of files on it (Tarjan's strongly connected components). */
export function importCircles(files: readonly { path: string; text: string }[]): string[][] {
  const graph = new Map(files.map((file) => [file.path, importsOf(file.path, file.text).filter((target) => target !== file.path)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const circle: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      circle.push(member);
    } while (member !== node);
    if (circle.length > 1) circles.push(circle.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return circles;
}

describe("the import graph", () => {
  it("finds a circle when there is one (the check itself works)", () => {
    const files = [
      { path: "src/a.ts", text: 'import { b } from "./b.js";' },
      { path: "src/b.ts", text: 'import type { c } from "./sub/c.js";' },
      { path: "src/sub/c.ts", text: 'export { a } from "../a.js";' },
      { path: "src/d.ts", text: 'import { a } from "./a.js";' },
    ];
    expect(importCircles(files)).toEqual([["src/a.ts", "src/b.ts", "src/sub/c.ts"]]);
  });
});

describe("the core", () => {
  const sources = files(join(ROOT, "src")).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

  it("imports no platform SDK, store library or scheduler", () => {
    expect(sources.filter((file) => PLATFORM.test(file.text)).map((file) => file.path)).toEqual([]);
  });

  it("reaches adapters only from the composition root", () => {
    const offenders = sources.filter((file) => !WIRING.has(file.path) && /from\s+["']\.\.\/(\.\.\/)*adapters\//.test(file.text));
    expect(offenders.map((file) => file.path)).toEqual([]);
  });

  it("has no import circle, type-only imports included: each floor imports only the floors below it", () => {
    expect(importCircles(sources)).toEqual([]);
  });

  it("keeps its bottom floor at the bottom: the ports import no commands, schedule or plan code", () => {
    const ports = sources.find((file) => file.path === "src/ports.ts")!;
    expect(importsOf(ports.path, ports.text).filter((target) => /^src\/(commands|schedule|plan|access|announce)\//.test(target))).toEqual([]);
  });

  it("logs through the Logger port, never console.log", () => {
    expect(sources.filter((file) => /console\.(log|error|warn)\(/.test(file.text)).map((file) => file.path)).toEqual([]);
  });
});

describe("the adapters", () => {
  const sources = files(join(ROOT, "adapters")).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

  it("reach the core through its ports, replies and models, never through commands or plan internals", () => {
    const offenders = sources.flatMap((file) => importsOf(file.path, file.text).filter((target) => /^src\/(commands|plan|access|schedule)\//.test(target)).map((target) => `${file.path} → ${target}`));
    expect(offenders).toEqual([]);
  });
});
