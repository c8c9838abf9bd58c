import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readEnvFile } from "../../support/env-file.js";

/** A homeserver the integration tests can use: they register their own users through its shared secret. */
export interface HomeserverInfo {
  url: string;
  registrationSecret: string;
  serverName: string;
  /** Where the URL and secret came from, for messages. */
  source: string;
  /** scripts/synapse.sh can start a second, private Synapse here (root, chroot installed): the restart test needs it. */
  canStartSynapse: boolean;
}

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const SYNAPSE_SCRIPT = `${REPO_ROOT}scripts/synapse.sh`;

export const HOW_TO_ENABLE =
  "run `bash scripts/synapse.sh start` (writes .tmp/synapse.env; honours STOCKTAKE_SYNAPSE_PORT), " +
  "or point MATRIX_HOMESERVER_URL and MATRIX_REGISTRATION_SECRET at a Synapse of your own";

export async function findHomeserver(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; value: HomeserverInfo } | { ok: false; reason: string }> {
  let values: Record<string, string | undefined> = env;
  let source = "the environment";
  if (!env["MATRIX_HOMESERVER_URL"]) {
    const file = env["STOCKTAKE_SYNAPSE_ENV"] || `${REPO_ROOT}.tmp/synapse.env`;
    if (!existsSync(file)) return { ok: false, reason: `MATRIX_HOMESERVER_URL is not set and ${file} does not exist` };
    values = readEnvFile(file);
    source = file;
  }
  const url = values["MATRIX_HOMESERVER_URL"]?.replace(/\/+$/, "");
  const registrationSecret = values["MATRIX_REGISTRATION_SECRET"];
  if (!url || !registrationSecret) return { ok: false, reason: `${source} lacks MATRIX_HOMESERVER_URL or MATRIX_REGISTRATION_SECRET` };
  try {
    const response = await fetch(`${url}/_matrix/client/versions`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return { ok: false, reason: `${url} answered ${response.status}` };
  } catch (error) {
    return { ok: false, reason: `no homeserver answers at ${url} (from ${source}): ${(error as Error).message}` };
  }
  const root = env["STOCKTAKE_SYNAPSE_ROOT"] || "/var/cache/stocktake/synapse-sid";
  const canStartSynapse = process.getuid?.() === 0 && existsSync(`${root}/.stocktake-synapse-version`);
  return { ok: true, value: { url, registrationSecret, serverName: values["MATRIX_SERVER_NAME"] ?? new URL(url).hostname, source, canStartSynapse } };
}
