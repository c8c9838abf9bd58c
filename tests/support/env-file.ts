import { readFileSync } from "node:fs";

/** NAME=value lines, as scripts/synapse.sh, scripts/ircd.sh and scripts/postgres.sh write them; other lines are skipped. */
export function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
