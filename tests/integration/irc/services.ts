import { existsSync } from "node:fs";
import { readEnvFile } from "../../support/env-file.js";
import { IrcPerson } from "../../support/irc-person.js";
import { REPO_ROOT } from "./ircd.js";

export const HOW_TO_ENABLE_SERVICES = "run `bash scripts/services.sh install && bash scripts/services.sh start` (InspIRCd with Atheme; writes .tmp/services.env)";

export interface ServicesNetwork {
  host: string;
  /** Plain-text client port. */
  port: number;
  /** TLS client port, with a self-signed certificate. */
  tlsPort: number;
}

/**
 * The network with services (scripts/services.sh), or null after saying once why the tests skip.
 * With STOCKTAKE_REQUIRE_SERVICES=1 (CI) a missing network is a failure instead.
 */
export function servicesOrSkip(env: NodeJS.ProcessEnv = process.env): ServicesNetwork | null {
  const file = env["STOCKTAKE_SERVICES_ENV"] || `${REPO_ROOT}.tmp/services.env`;
  const values = existsSync(file) ? readEnvFile(file) : {};
  const port = Number(values["STOCKTAKE_SERVICES_PORT"]);
  const tlsPort = Number(values["STOCKTAKE_SERVICES_TLS_PORT"]);
  if (Number.isInteger(port) && port > 0 && Number.isInteger(tlsPort) && tlsPort > 0) return { host: values["STOCKTAKE_SERVICES_HOST"] || "127.0.0.1", port, tlsPort };
  const reason = existsSync(file) ? `${file} has no valid ports` : `${file} does not exist`;
  if (env["STOCKTAKE_REQUIRE_SERVICES"] === "1") throw new Error(`STOCKTAKE_REQUIRE_SERVICES=1, but ${reason}. To provide it: ${HOW_TO_ENABLE_SERVICES}.`);
  process.stdout.write(`IRC services tests skipped (${reason}): to enable them, ${HOW_TO_ENABLE_SERVICES}.\n`);
  return null;
}

/** Sends NickServ a command and waits for its answer matching `answer`. */
export async function nickServ(person: IrcPerson, command: string, answer: RegExp): Promise<string> {
  const mark = person.mark();
  person.say("NickServ", command);
  const line = await person.waitFor((candidate) => candidate.from === "NickServ" && candidate.command === "NOTICE" && answer.test(candidate.text), 10_000, mark);
  return line.text;
}

/** A person who registers `nick` as a services account (and is then logged in to it). */
export async function registered(network: ServicesNetwork, nick: string, password: string): Promise<IrcPerson> {
  const person = await IrcPerson.connect(network, nick);
  await nickServ(person, `REGISTER ${password} ${nick}@stocktake.test`, /is now registered/);
  return person;
}
