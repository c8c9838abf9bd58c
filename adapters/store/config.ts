import { z } from "zod";
import { PostgresStoreConfigSchema } from "./postgres/config.js";

/** The embedded default: lowdb at the top-level `dataFile`, with its history beside it. */
export const LowdbStoreConfigSchema = z.strictObject({
  kind: z.literal("lowdb"),
});

/** Where the plan lives. Absent means lowdb, which needs no server. */
export const StoreConfigSchema = z.discriminatedUnion("kind", [LowdbStoreConfigSchema, PostgresStoreConfigSchema]);
export type StoreConfig = z.infer<typeof StoreConfigSchema>;
