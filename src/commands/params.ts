import { z } from "zod";
import { BUCKETS } from "../model/buckets.js";
import { bucketArg, featureArg } from "./args.js";
import type { ParamInfo } from "./catalogue.js";

/**
 * A command's positional parameters are the keys of its `args` object marked with `param.…`:
 * their order is the object's, "optional" is zod's own `.optional()` or `.default()`, and fixed
 * choices come from a `z.enum` where there is one. Keys left unmarked are flags.
 */

export interface ParamSpec extends ParamInfo {
  /** For optional trailing words: only taken when the word fits ("AoE", "full"). */
  accepts?: (word: string) => boolean;
  /** For a feature: words that mean something else here, not a feature's name ("top" for move's parent). */
  keyword?: (text: string) => boolean;
}

/** What a marked schema says about itself; the rest is read from the schema. */
type ParamMeta = Omit<ParamSpec, "name" | "required">;
type Extra = Pick<ParamMeta, "choices" | "accepts">;

const PARAMS = z.registry<ParamMeta>();

function positional<T extends z.ZodType>(schema: T, meta: ParamMeta): T {
  // A copy: shared schemas such as featureArg are described differently by each command.
  const copy = schema.clone();
  PARAMS.add(copy as z.ZodType, meta);
  return copy;
}

export const param = {
  /** A feature's name, alias or id, several words without quotes; Discord autocompletes it. */
  feature: (description: string, extra: Pick<ParamMeta, "keyword"> = {}) => positional(featureArg, { kind: "feature", description, ...extra }),
  /** A bucket, one or two words ("at risk"). */
  bucket: (description: string) => positional(bucketArg, { kind: "bucket", description, choices: BUCKETS }),
  /** Free text: what is left between the single words. */
  text: <T extends z.ZodType>(description: string, schema: T) => positional(schema, { kind: "text", description }),
  /** A date, which may be several words ("25 March 2013"). */
  date: <T extends z.ZodType>(description: string, schema: T) => positional(schema, { kind: "date", description }),
  /** One word. */
  word: <T extends z.ZodType>(description: string, schema: T, extra: Extra = {}) => positional(schema, { kind: "word", description, ...extra }),
};

/** The positional parameters of an args object, in its order. */
export function paramsOf(args: z.ZodObject): ParamSpec[] {
  const params: ParamSpec[] = [];
  for (const [name, schema] of Object.entries(args.shape)) {
    const meta = metaOf(schema);
    if (!meta) continue;
    const choices = meta.choices ?? enumOf(schema);
    params.push({
      name,
      ...meta,
      // zod's own test of optional (what `isOptional` does).
      required: !z.safeParse(schema, undefined).success,
      ...(choices ? { choices } : {}),
    });
  }
  return params;
}

/** The marked schema inside `.optional()`, `.default()` or a pipe's input side. */
function metaOf(schema: z.core.$ZodType): ParamMeta | undefined {
  const meta = PARAMS.get(schema);
  if (meta) return meta;
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return metaOf(schema.unwrap());
  if (schema instanceof z.ZodPipe) return metaOf(schema.in);
  return undefined;
}

function enumOf(schema: z.core.$ZodType): readonly string[] | undefined {
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return enumOf(schema.unwrap());
  if (schema instanceof z.ZodPipe) return enumOf(schema.out) ?? enumOf(schema.in);
  return undefined;
}
