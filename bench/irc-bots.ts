// The measured side of `npm run bench:irc`, in a process of its own (bench/irc.ts forks it): the
// irc-framework echo client and Stocktake (real core, lowdb store with durable writes, real IRC
// adapter), each in its own channel on the same server, with the same flood bucket.
//
// Why a process of its own: the person who measures must read the first line of an answer when the
// server delivers it. In one process the person's socket is read only once the bot's event loop is
// free, so whatever the bot still does after writing that line (the rest of a long answer, the
// command's bookkeeping) was counted as latency, and more of it for Stocktake than for the echo.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import irc from "irc-framework";
import { TokenBucket } from "../adapters/irc/flood.ts";
import { createLogger } from "../src/logging.ts";
import { NETWORK, startStocktakeOnIrc, XEN_ROOM, CHANNEL } from "../tests/support/irc-harness.ts";

export interface BotsOptions {
  server: { host: string; port: number };
  flood: { linesPerSecond: number; burst: number };
  /** Start the echo client too, in this channel. */
  echoChannel?: string;
  /** The services account that is maintainer of the project (the person's), so `!status` is a change. */
  maintainer?: string;
}

export const ECHO_NICK = "echobot";
/** `!echo N`: the echo answers with that line. */
export const ECHO_COMMAND = "!echo";
/**
 * `!echo5 N`: the echo answers with that line and four more, the byte lengths of the rest of
 * Stocktake's answer to `!show blktap3`. The server relays a longer answer line by line before the
 * first reaches the person (about a quarter more time to the first line, measured), so a five-line
 * answer is held against a five-line echo as well as the one-line one.
 */
export const SHAPED_ECHO_COMMAND = "!echo5";
const SHOW_SHAPE = [11, 15, 17, 66];

/**
 * The yardstick: the smallest useful bot on the same library, connected as the adapter connects
 * (same options), answering with a NOTICE as Stocktake does by default, and through the same token
 * bucket with the same settings, as any bot on a real network must.
 */
async function startEcho(server: BotsOptions["server"], channel: string, flood: BotsOptions["flood"]): Promise<() => Promise<void>> {
  const client = new irc.Client();
  const bucket = new TokenBucket(flood.linesPerSecond, flood.burst);
  const registered = new Promise<void>((resolve) => client.once("registered", () => resolve()));
  client.connect({ host: server.host, port: server.port, tls: false, nick: ECHO_NICK, username: ECHO_NICK, gecos: "echo", auto_reconnect: false, message_max_length: 500, version: "echo" });
  await registered;
  const joined = new Promise<void>((resolve) => client.once("join", () => resolve()));
  client.join(channel);
  await joined;
  const send = (target: string, line: string) => {
    // As the adapter does: a token at hand is taken at once, else the line waits its turn.
    if (bucket.tryTake()) client.notice(target, line);
    else void bucket.take().then(() => client.notice(target, line));
  };
  client.on("privmsg", (event: { target: string; message: string }) => {
    if (event.message.startsWith(`${SHAPED_ECHO_COMMAND} `)) {
      for (const line of [event.message, ...SHOW_SHAPE.map((bytes) => "x".repeat(bytes))]) send(event.target, line);
    } else if (event.message.startsWith(`${ECHO_COMMAND} `)) {
      send(event.target, event.message);
    }
  });
  return async () => {
    const closed = new Promise((resolve) => client.once("close", resolve));
    client.quit("done");
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env["BENCH_IRC_BOTS"] ?? "null") as BotsOptions | null;
  if (!options) throw new Error("bench/irc-bots.ts is started by bench/irc.ts (BENCH_IRC_BOTS is not set)");
  const stops: (() => Promise<void>)[] = [];
  if (options.echoChannel !== undefined) stops.push(await startEcho(options.server, options.echoChannel, options.flood));
  const maintainers = options.maintainer === undefined ? {} : { config: { projects: { xen: { rooms: [XEN_ROOM], maintainers: [`irc:${NETWORK}/${options.maintainer}`] } } } };
  // Stocktake logs as it does by default (pino at info, a line per command), to a file here.
  const logs = await mkdtemp(join(tmpdir(), "stocktake-bench-log-"));
  stops.push(() => rm(logs, { recursive: true, force: true }));
  const logger = createLogger("info", join(logs, "stocktake.log"));
  // No announcements: the batch of changes the `!status` rows make would be posted to the channel
  // every 10 s, and an announcement is not the answer to the command being timed.
  const harness = await startStocktakeOnIrc({ server: options.server, irc: { flood: options.flood, channels: [{ name: CHANNEL }], announcements: {} }, logger, ...maintainers });
  stops.push(() => harness.stop());
  const stop = async () => {
    for (const one of stops.reverse()) await one();
    process.exit(0);
  };
  process.on("message", () => void stop());
  process.on("disconnect", () => void stop());
  process.send!({ ready: true });
}

// Run, not imported (bench/irc.ts takes the names from here).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A failure here must be seen: the app's crash handler would exit quietly with the test logger.
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (error: unknown) => {
      process.stderr.write(`bench/irc-bots.ts: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
  }
  await main();
}
