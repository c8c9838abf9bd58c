/**
 * Applies commands through the real core and lowdb store as fast as it can, printing
 * "ACK name add fair" and "ACK name status BUCKET" once each change is acknowledged. The crash
 * test kills it with SIGKILL at random moments. SEED picks each feature's new bucket, so a run
 * with the same seed sends the same commands.
 */
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { Stocktake } from "../../../src/stocktake.js";
import { seededRandom } from "../../support/seeded-random.js";

const [file, startText, seedText] = process.argv.slice(2);
if (!file || !startText || !seedText) throw new Error("usage: crash-child FILE START SEED");

const MOVES = ["at-risk", "done", "on-track", "deferred"] as const;
const random = seededRandom(Number(seedText));
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
  process.stdout.write(`ACK ${name} add fair\n`);
  const bucket = MOVES[Math.floor(random() * MOVES.length)]!;
  const moved = await say(`!status ${name} ${bucket}`);
  if (moved?.tone !== "ok") throw new Error(`status ${name} failed`);
  process.stdout.write(`ACK ${name} status ${bucket}\n`);
}
