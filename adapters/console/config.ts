import { z } from "zod";

/** The `console:` section: chat with Stocktake in the terminal that runs it. */
export const ConsoleConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The console's user id is "console:" + this; the console user is an admin. */
  user: z.string().min(1).max(64).default("local"),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
