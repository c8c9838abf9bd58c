/**
 * One writing process of `npm run bench:store`: opens the PostgreSQL store, prints READY, waits for
 * a line on stdin, sends COUNT `!status` commands through the core (each with its own message id)
 * to its own share of the features (so every command is a change), prints "DONE <ms>" and exits.
 */
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { PostgresStore } from "../adapters/store/postgres/postgres-store.js";
import { defaultCoreConfig } from "../src/config/core-config.js";
import { Stocktake } from "../src/stocktake.js";
import { nextBucket } from "./status-timing.js";

const [url, schema, workerText, workersText, countText, featuresText] = process.argv.slice(2);
if (!url || !schema || !workerText || !workersText || !countText || !featuresText) throw new Error("usage: store-worker URL SCHEMA WORKER WORKERS COUNT FEATURES");
const admin = { id: "bench:admin", displayName: "admin" };
const store = await PostgresStore.open({ url, schema });
const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }) });
const lines = createInterface({ input: process.stdin });
process.stdout.write("READY\n");
await new Promise<void>((resolve) => lines.once("line", () => resolve()));

const worker = Number(workerText);
const workers = Number(workersText);
const share = Math.floor(Number(featuresText) / workers);
const started = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < Number(countText); i++) {
  const id = `f${((i * 7919) % share) * workers + worker}`;
  const text = `!status ${id} ${nextBucket(store, id)}`;
  const reply = await bot.handle({ text, invoker: admin, conversation: "bench", id: `bench:w${worker}:${i}` });
  if (reply?.tone !== "ok") throw new Error(`worker ${worker}: ${text} was not applied`);
}
const used = process.cpuUsage(cpu);
process.stdout.write(`DONE ${performance.now() - started}\nCPU ${(used.user + used.system) / 1000}\n`);
lines.close();
await store.close();
