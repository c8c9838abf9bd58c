import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { readEnvFile } from "../../support/env-file.js";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const IRCD_SCRIPT = `${REPO_ROOT}scripts/ircd.sh`;
export const HOW_TO_ENABLE = "run `bash scripts/ircd.sh install && bash scripts/ircd.sh start` (writes .tmp/ircd.env), or set STOCKTAKE_IRCD_HOST and STOCKTAKE_IRCD_PORT";

export interface IrcServer {
  host: string;
  port: number;
  source: string;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** The IRC server the tests use: from the environment, else from the env file scripts/ircd.sh writes. */
export async function findIrcServer(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; value: IrcServer } | { ok: false; reason: string }> {
  let values: Record<string, string | undefined> = env;
  let source = "the environment";
  if (!env["STOCKTAKE_IRCD_PORT"]) {
    const file = env["STOCKTAKE_IRCD_ENV"] || `${REPO_ROOT}.tmp/ircd.env`;
    if (!existsSync(file)) return { ok: false, reason: `STOCKTAKE_IRCD_PORT is not set and ${file} does not exist` };
    values = readEnvFile(file);
    source = file;
  }
  const host = values["STOCKTAKE_IRCD_HOST"] || "127.0.0.1";
  const port = Number(values["STOCKTAKE_IRCD_PORT"]);
  if (!Number.isInteger(port) || port <= 0) return { ok: false, reason: `${source} has no valid STOCKTAKE_IRCD_PORT` };
  if (!(await answers(host, port))) return { ok: false, reason: `no IRC server answers at ${host}:${port} (from ${source})` };
  return { ok: true, value: { host, port, source } };
}

/**
 * The server, or null after saying once why the tests skip. With STOCKTAKE_REQUIRE_IRCD=1 (CI) a
 * missing server is a failure instead.
 */
export async function ircServerOrSkip(): Promise<IrcServer | null> {
  const found = await findIrcServer();
  if (found.ok) return found.value;
  if (process.env["STOCKTAKE_REQUIRE_IRCD"] === "1") throw new Error(`STOCKTAKE_REQUIRE_IRCD=1, but ${found.reason}. To provide one: ${HOW_TO_ENABLE}.`);
  process.stdout.write(`IRC integration tests skipped (${found.reason}): to enable them, ${HOW_TO_ENABLE}.\n`);
  return null;
}

const run = promisify(execFile);

/** A private ngIRCd for a test that restarts its server (the shared one must stay up for the others). */
export async function privateIrcd(name: string): Promise<{ server: IrcServer; restart(): Promise<void>; stop(): Promise<void> }> {
  const envFile = `${REPO_ROOT}.tmp/ircd-${name}-${process.pid}.env`;
  const env = { ...process.env, STOCKTAKE_IRCD_ENV: envFile, STOCKTAKE_IRCD_PORT: undefined };
  await run("bash", [IRCD_SCRIPT, "start"], { env });
  const values = readEnvFile(envFile);
  const server = { host: values["STOCKTAKE_IRCD_HOST"]!, port: Number(values["STOCKTAKE_IRCD_PORT"]), source: envFile };
  return {
    server,
    restart: async () => void (await run("bash", [IRCD_SCRIPT, "restart"], { env })),
    stop: async () => void (await run("bash", [IRCD_SCRIPT, "stop"], { env })),
  };
}
