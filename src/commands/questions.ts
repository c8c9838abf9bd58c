import { z } from "zod";
import { INTERVENTIONS, type Intervention } from "../plan/questions.js";
import { featureLabel } from "../plan/summary.js";
import type { Reply } from "../reply/reply.js";
import { ok } from "../util/result.js";
import { noteArg, switchArg } from "./args.js";
import { param } from "./params.js";
import { stamp, unchanged, updateFeature, withFeature } from "./helpers.js";
import { defineCommand } from "./spec.js";
import type { Token } from "./tokenize.js";
import { fail, type Result } from "../util/result.js";

const said = (text: string): Reply => ({ tone: "ok", blocks: [{ type: "text", text }] });

export const needCommand = defineCommand({
  path: ["need"],
  summary: "Mark a feature as absolutely needed for the release (or --remove the mark): the summary then asks whether to intervene in it.",
  flags: [{ name: "remove", description: "It is not needed after all" }],
  args: z.object({ feature: param.feature("Feature name, alias or id"), remove: switchArg }),
  permission: "manage",
  examples: ['!need "Default to QEMU upstream"', "!need blktap3 --remove"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = featureLabel(feature);
      const needed = !args.remove;
      if ((feature.needed === true) === needed) return unchanged(needed ? `${label} is marked as needed already.` : `${label} is not marked as needed.`);
      return ok({
        changes: [updateFeature(scope, feature, { needed, ...stamp(ctx) })],
        value: said(needed ? `${label} is marked as needed: the summary asks whether to intervene while it is fair or at risk.` : `${label} is no longer marked as needed.`),
      });
    }),
});

const KINDS = Object.keys(INTERVENTIONS) as Intervention[];

/** "blktap3 slip: two more weeks": the option is the last word before the first colon. */
function bindIntervene(words: readonly Token[]): Result<Record<string, string>> {
  const joined = (tokens: readonly Token[]) => tokens.map((token) => token.text).join(" ");
  for (let i = 0; i < words.length; i++) {
    const token = words[i]!;
    if (token.quoted || !token.text.endsWith(":")) continue;
    const kind = token.text.slice(0, -1).toLowerCase();
    if (!(KINDS as string[]).includes(kind)) continue;
    return ok({ feature: joined(words.slice(0, i)), kind, text: joined(words.slice(i + 1)) });
  }
  return fail("usage", `Say which feature, which option (${KINDS.join(", ")}) and what was decided: !intervene blktap3 slip: two more weeks for the series`);
}

export const interveneCommand = defineCommand({
  path: ["intervene"],
  summary: "Record the answer to question 2 for a feature: effort (more from the community), resources (from outside) or slip (the schedule).",
  bind: bindIntervene,
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    kind: param.word("effort, resources or slip", z.enum(["effort", "resources", "slip"], { error: `one of ${KINDS.join(", ")}` })),
    text: param.text("What was decided (after a colon)", z.string({ error: "what was decided? Say it after the colon" }).pipe(noteArg).pipe(z.string().min(1, "what was decided? Say it after the colon"))),
  }),
  permission: "manage",
  examples: ["!intervene blktap3 resources: Citrix lends a reviewer for two weeks"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = featureLabel(feature);
      const current = feature.intervention ?? null;
      if (current && current.kind === args.kind && current.text === args.text) return unchanged(`${label} has that answer already.`);
      const intervention = { kind: args.kind, text: args.text, by: ctx.invoker.id, at: ctx.clock.now().toISOString() };
      return ok({
        changes: [updateFeature(scope, feature, { intervention, ...stamp(ctx) })],
        value: said(`${label}: ${INTERVENTIONS[args.kind]}: ${args.text}`),
      });
    }),
});
