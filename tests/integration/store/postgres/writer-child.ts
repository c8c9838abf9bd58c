/**
 * A second Stocktake process on the same database: adds COUNT features named PREFIX0, PREFIX1, …
 * through the real core, printing "ACK name" as each is acknowledged and "DONE" at the end.
 */
import { PostgresStore } from "../../../../adapters/store/postgres/postgres-store.js";
import { defaultCoreConfig } from "../../../../src/config/core-config.js";
import { Stocktake } from "../../../../src/stocktake.js";

const [url, schema, prefix, countText] = process.argv.slice(2);
if (!url || !schema || !prefix || !countText) throw new Error("usage: writer-child URL SCHEMA PREFIX COUNT");

const store = await PostgresStore.open({ url, schema });
const admin = { id: "test:admin", displayName: "admin" };
const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id], defaultProject: "xen" }) });
process.stdout.write("READY\n");
for (let n = 0; n < Number(countText); n++) {
  const reply = await bot.handle({ text: `!add ${prefix}${n}`, invoker: admin, conversation: "test:room" });
  if (reply?.tone !== "ok") throw new Error(`add ${prefix}${n} failed: ${JSON.stringify(reply)}`);
  process.stdout.write(`ACK ${prefix}${n}\n`);
}
await store.close();
process.stdout.write("DONE\n");
