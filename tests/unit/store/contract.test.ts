import { join } from "node:path";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import type { PlanStore } from "../../../src/ports.js";
import { contract } from "../../support/store-contract.js";
import { tempDir } from "../../support/temp.js";

contract(
  "memory",
  async (clock) => ({ store: new MemoryStore(clock) }),
  async () => undefined,
);

let temp: ReturnType<typeof tempDir> | undefined;
let opened: PlanStore | undefined;
contract(
  "lowdb on a real disk",
  async (clock) => {
    temp = tempDir();
    const file = join(temp.dir, "stocktake.json");
    opened = await LowdbStore.open(file, { clock });
    return {
      store: opened,
      reopen: async () => {
        await opened!.close();
        opened = await LowdbStore.open(file, { clock });
        return opened;
      },
    };
  },
  async () => {
    await opened?.close();
    opened = undefined;
    temp?.cleanup();
  },
);
