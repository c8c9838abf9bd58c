import { z } from "zod";
import { BUCKETS, parseBucket, type Bucket } from "../model/buckets.js";
import { LIMITS } from "../model/schema.js";

/** Argument schemas shared by the commands. Messages are written for the person typing. */

export const featureArg = z
  .string({ error: "which feature? Give its name or id" })
  .trim()
  .min(1, "which feature? Give its name or id")
  .max(LIMITS.title + 60, `feature names are at most ${LIMITS.title} characters`);

export const titleArg = z
  .string({ error: "give the feature's title" })
  .trim()
  .min(1, "give the feature's title")
  .max(LIMITS.title, `titles are at most ${LIMITS.title} characters`);

export const bucketArg = z
  .string({ error: `which bucket? One of: ${BUCKETS.join(", ")}` })
  .transform((text, ctx): Bucket => {
    const bucket = parseBucket(text);
    if (!bucket) {
      ctx.addIssue({ code: "custom", message: `“${text}” is not a bucket; use one of: ${BUCKETS.join(", ")}` });
      return z.NEVER;
    }
    return bucket;
  });

export const noteArg = z.string().trim().max(LIMITS.note, `notes are at most ${LIMITS.note} characters`);

export const nameArg = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.name, `names are at most ${LIMITS.name} characters`);

/** An on/off flag: `--yes`, or `--yes=false` from a slash command's boolean. */
export const switchArg = z
  .union([z.literal(true), z.boolean(), z.string()])
  .optional()
  .transform((value) => value === true || (typeof value === "string" && /^(true|yes|1|on)$/i.test(value)));

/** A flag that takes a value: `--since 7d`. A bare `--since` with no value is a usage error. */
export const valueFlag = (what: string) =>
  z
    .union([z.string(), z.literal(true)])
    .optional()
    .refine((value) => value !== true, `--${what} needs a value`)
    .transform((value) => (typeof value === "string" ? value : undefined));

/** A whole-number flag value: `--limit 20`. */
export const countFlag = (what: string, max: number) =>
  valueFlag(what).pipe(
    z
      .string()
      .regex(/^\d{1,6}$/, `--${what} is a whole number`)
      .transform(Number)
      .pipe(z.number().min(1, `--${what} is at least 1`).max(max, `--${what} is at most ${max}`))
      .optional(),
  );
