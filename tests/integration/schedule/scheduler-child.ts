/**
 * One run of the scheduler at a given moment, over a real data file: prints "POST <slot> <text>"
 * for each post and "LOG <message>" for each skip, then "DONE", then waits to be killed.
 */
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import type { Logger } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { Scheduler } from "../../../src/schedule/scheduler.js";

const [file, now] = process.argv.slice(2);
if (!file || !now) throw new Error("usage: scheduler-child FILE NOW");
const clock = { now: () => new Date(now) };
const log = (_obj: object, msg?: string) => void (msg?.includes("skipped") && process.stdout.write(`LOG ${msg}\n`));
const logger: Logger = { debug: () => undefined, info: log, warn: log, error: log, child: () => logger };

const store = await LowdbStore.open(file, { clock });
const scheduler = new Scheduler({
  store,
  config: defaultCoreConfig({ admins: ["test:admin"] }),
  clock,
  timer: { at: () => ({ cancel: () => undefined }) },
  logger,
  send: async (_conversation, reply) => {
    process.stdout.write(`POST ${now} ${renderPlain(reply).split("\n")[0]}\n`);
  },
});
await scheduler.start();
process.stdout.write("DONE\n");
setInterval(() => undefined, 60_000);
