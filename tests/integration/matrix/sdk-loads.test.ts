import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Runs a snippet in a fresh Node process from the repository root, as `npm ci` left node_modules. */
function node(code: string, type: "commonjs" | "module" = "commonjs"): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, "-e", code], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("matrix-bot-sdk after a plain install", () => {
  it("loads without the native crypto binary (the stub stands in for it)", () => {
    const out = node(`const sdk = require("@vector-im/matrix-bot-sdk"); console.log(typeof sdk.MatrixClient, typeof sdk.SimpleFsStorageProvider);`);
    expect(out.trim()).toBe("function function");
    const esm = node(`import { MatrixClient } from "@vector-im/matrix-bot-sdk"; console.log(typeof MatrixClient);`, "module");
    expect(esm.trim()).toBe("function");
  });

  it("is the stub that npm's overrides put in place, with no install script", () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}node_modules/@matrix-org/matrix-sdk-crypto-nodejs/package.json`, "utf8")) as { version: string; scripts?: object };
    expect(pkg.version).toBe("0.0.0-stocktake-stub");
    expect(pkg.scripts).toBeUndefined();
    const root = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { overrides: Record<string, string> };
    expect(root.overrides["@matrix-org/matrix-sdk-crypto-nodejs"]).toBe("$@matrix-org/matrix-sdk-crypto-nodejs");
  });

  it("makes encryption fail with a clear message", () => {
    const out = node(`
      const crypto = require("@matrix-org/matrix-sdk-crypto-nodejs");
      for (const attempt of [() => new crypto.UserId("@a:b"), () => crypto.OlmMachine.initialize()]) {
        try { attempt(); console.log("no error"); } catch (error) { console.log(error.code, error.message); }
      }`);
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^STOCKTAKE_NO_E2EE .*Matrix end-to-end encryption is not available in Stocktake/);
  });
});
