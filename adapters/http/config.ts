import { z } from "zod";

/** A port as a number, or as the text an environment variable gives (`port: ${PORT}`). */
const Port = z
  .union([z.number(), z.string().regex(/^\d+$/, "expected a port number").transform(Number)])
  .pipe(z.number().int().min(0, "expected a port number from 0 to 65535").max(65535, "expected a port number from 0 to 65535"));

/**
 * The read-only web page (adapters/http). Writing an `http:` section turns it on; `enabled: false`
 * turns it off again without deleting the rest.
 */
export const HttpConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** 0 picks a free port (tests). */
  port: Port.default(8080),
  /** Loopback by default: put a reverse proxy in front to publish the page. */
  host: z.string().min(1).default("127.0.0.1"),
  /** Where people reach the page ("https://stocktake.example.org"); replies link to it when set. */
  publicUrl: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
});
export type HttpConfig = z.infer<typeof HttpConfigSchema>;
