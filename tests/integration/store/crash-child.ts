/**
 * Applies commands through the real core and lowdb store as fast as it can, printing "ACK name"
 * once each change is acknowledged. The crash test kills it with SIGKILL at random moments.
 */
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { Stocktake } from "../../../src/stocktake.js";

const [file, startText] = process.argv.slice(2);
if (!file || !startText) throw new Error("usage: crash-child FILE START");

const store = await LowdbStore.open(file, { snapshotEvery: 25, snapshotIdleMs: 50 });
const admin = { id: "test:admin", displayName: "admin" };
const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id] }) });
const say = (text: string) => bot.handle({ text, invoker: admin, conversation: "test:room" });

if (!store.read().projects["xen"]) await say("!project new xen");
if (!store.read().projects["xen"]?.currentRelease) await say("!release new 4.3");
process.stdout.write("READY\n");

for (let n = Number(startText); ; n++) {
  const name = `f${n}`;
  const added = await say(`!add ${name} --bucket fair`);
  if (added?.tone !== "ok") throw new Error(`add ${name} failed`);
  process.stdout.write(`ACK ${name} fair\n`);
  const moved = await say(`!status ${name} at-risk`);
  if (moved?.tone !== "ok") throw new Error(`status ${name} failed`);
  process.stdout.write(`ACK ${name} at-risk\n`);
}
