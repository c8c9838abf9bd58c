import { describe } from "vitest";
import type { PostgresStore } from "../../../../adapters/store/postgres/postgres-store.js";
import { contract } from "../../../support/store-contract.js";
import { databaseUrl, freshSchema, openStore } from "./support.js";

let opened: PostgresStore | undefined;
let drop: (() => Promise<void>) | undefined;

describe.skipIf(!databaseUrl)("PostgreSQL", () => {
  const url = databaseUrl!;
  contract(
    "PostgreSQL",
    async (clock) => {
      const fresh = await freshSchema(url);
      drop = fresh.drop;
      opened = await openStore(url, fresh.schema, { clock });
      return {
        store: opened,
        reopen: async () => {
          await opened!.close();
          opened = await openStore(url, fresh.schema, { clock });
          return opened;
        },
      };
    },
    async () => {
      await opened?.close();
      opened = undefined;
      await drop?.();
      drop = undefined;
    },
  );
});
