#!/usr/bin/env node
// No build step between a clone and `npm start`: the TypeScript sources are compiled here, on the
// first start after they change, into node_modules/.cache/stocktake/KEY (esbuild, which tsx brings,
// ~0.1 s for the whole tree), and run from there as plain JavaScript. Running them through tsx's
// loader instead costs a second V8 isolate for the loader thread: ~20 MiB of RSS and ~0.2 s at every
// start (issue 13). KEY hashes every source file's path, size and mtime, so an edited file is never
// run stale. Anything that stops the cache (a read-only install, no esbuild) falls back to tsx.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOURCES = ["src", "adapters"];
const CACHE = join(ROOT, "node_modules", ".cache", "stocktake");
/** Compiled trees kept, the most recently used: other checkouts sharing node_modules, older versions still starting. */
const KEEP = 3;

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of SOURCES) walk(join(ROOT, dir));
  return files.sort();
}

function compiled() {
  const require = createRequire(join(ROOT, "package.json"));
  // Its version from package.json: the compiler itself is loaded only when there is something to compile.
  const { version } = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8"));
  const files = sourceFiles();
  const hash = createHash("sha256").update(`esbuild ${version}\n`);
  for (const path of [join(ROOT, "tsconfig.json"), join(ROOT, "package.json"), ...files]) {
    const stat = statSync(path);
    hash.update(`${relative(ROOT, path)} ${stat.size} ${stat.mtimeMs}\n`);
  }
  const key = hash.digest("hex").slice(0, 20);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, "src", "cli.js"))) {
    // Marked as used: pruning (below, after a build) keeps the most recently used trees.
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // Read-only: it is still there to run.
    }
    return dir;
  }
  mkdirSync(CACHE, { recursive: true });
  // Built aside and renamed into place: a start running at the same moment sees all of it or none.
  const building = mkdtempSync(join(CACHE, `.build-${key}-`));
  try {
    require("esbuild").buildSync({
      entryPoints: files,
      outdir: building,
      outbase: ROOT,
      format: "esm",
      platform: "node",
      target: "node20",
      tsconfig: join(ROOT, "tsconfig.json"),
      sourcemap: true,
      logLevel: "silent",
    });
    // Sources that read files beside themselves (src/demo.ts: ../demo/…) find them through this link.
    symlinkSync(join(ROOT, "demo"), join(building, "demo"));
    try {
      renameSync(building, dir);
    } catch (error) {
      if (!existsSync(join(dir, "src", "cli.js"))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  const others = readdirSync(CACHE)
    .filter((name) => name !== key && !name.startsWith("."))
    .map((name) => ({ name, at: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of others.slice(KEEP - 1)) rmSync(join(CACHE, old.name), { recursive: true, force: true });
  return dir;
}

let dir;
try {
  if (process.env.STOCKTAKE_TSX !== "1") dir = compiled();
} catch {
  dir = undefined;
}
if (dir) {
  // Stack traces name the TypeScript source's lines.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(dir, "src", "cli.js")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
