import { z } from "zod";
import { BUCKET_INFO } from "../model/buckets.js";
import { LIMITS, type Feature } from "../model/schema.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { matchFeature, normalizeName, resolveFeature, slugFor } from "../plan/resolve.js";
import { inPlanOrder, nameIndex } from "../plan/name-index.js";
import { bucketsShown, childrenOf, describeShown, featureLabel, ownerLine } from "../plan/summary.js";
import { ownerNames, ownersText, personFor } from "../plan/people.js";
import { parseItemLabel } from "../plan/labels.js";
import { cmd, code, failureReply, joinText, type Reply, t, type Text } from "../reply/reply.js";
import { ago } from "../util/dates.js";
import { fail, ok } from "../util/result.js";
import { bucketArg, featureArg, nameArg, noteArg, switchArg, titleArg, valueFlag } from "./args.js";
import { param } from "./params.js";
import { changeAndReply, featureTarget, noChange, stamp, unchanged, updateFeature, withFeature } from "./helpers.js";
import { scopeFor } from "../access/scope.js";
import { defineCommand } from "./spec.js";
import { hasOwn, own } from "../util/own.js";

const badge = (feature: Feature, text: Text): Reply => ({
  tone: "ok",
  blocks: [{ type: "list", items: [{ text, badge: feature.bucket }] }],
});

export const statusCommand = defineCommand({
  path: ["status"],
  aliases: [["set"]],
  summary: "Move a feature to another bucket (how likely it is to make the release).",
  flags: [{ name: "probability", value: "PERCENT", description: "How likely it is, 0–100" }],
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    bucket: param.bucket("done, on-track, fair, at-risk, deferred or dropped"),
    probability: valueFlag("probability").pipe(
      z
        .string()
        .regex(/^\d{1,3}%?$/, "--probability is a percentage such as 60")
        .transform((text) => Number(text.replace("%", "")))
        .refine((n) => n <= 100, "--probability is at most 100")
        .optional(),
    ),
  }),
  permission: "change",
  examples: ["!status blktap3 at-risk", "!status persistent grants for net fair", "!status vtpm done --probability 100"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const children = childrenOf(scope.release, feature.id);
      if (children.length > 0) {
        return fail(
          "invalid",
          `${featureLabel(feature)} has sub-items; set their status instead:`,
          children.map((child) => `${featureLabel(child)} (${child.id}): ${BUCKET_INFO[child.bucket].label}`),
        );
      }
      const probability = args.probability ?? feature.probability;
      if (feature.bucket === args.bucket && probability === feature.probability) {
        return unchanged(`${featureLabel(feature)} is already ${BUCKET_INFO[args.bucket].label}.`);
      }
      const from = BUCKET_INFO[feature.bucket].label;
      const to = BUCKET_INFO[args.bucket].label;
      const odds = args.probability === undefined ? "" : ` (${args.probability}%)`;
      return ok({
        changes: [updateFeature(scope, feature, { bucket: args.bucket, ...(probability === feature.probability ? {} : { probability }), ...stamp(ctx) })],
        value: badge({ ...feature, bucket: args.bucket }, `${featureLabel(feature)}: ${from} → ${to}${odds}`),
      });
    }),
});

export const addCommand = defineCommand({
  path: ["add"],
  summary: "Add a feature to the current release.",
  flags: [
    // A bucket may be two words ("at risk"); names, parents and notes are free text.
    { name: "bucket", value: "BUCKET", text: true, description: "Where it starts (default fair)" },
    { name: "owner", value: "NAME", text: true, description: "Who works on it" },
    { name: "under", value: "PARENT", text: true, feature: true, description: "Make it a sub-item of another feature" },
    { name: "note", value: "TEXT", text: true, description: "A status note" },
    { name: "external", description: "Work that happens outside the project (Linux, qemu…)" },
  ],
  args: z.object({
    title: param.text("Title, with an optional qualifier: Persistent grants for blk (Linux)", titleArg),
    bucket: valueFlag("bucket").pipe(bucketArg.optional()),
    owner: valueFlag("owner").pipe(nameArg.optional()),
    under: valueFlag("under").pipe(featureArg.optional()),
    note: valueFlag("note").pipe(noteArg.optional()),
    external: switchArg,
  }),
  permission: "change",
  examples: ["!add blktap3 --bucket at-risk --owner Thanos", "!add Persistent grants for net (Linux) --bucket fair", "!add pci pass-thru --under qemu-upstream --external"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const scope = scopeFor(state, ctx.conversation, ctx.config);
      if (!scope.ok) return scope;
      const { release } = scope.value;
      const label = parseItemLabel(args.title);
      if (!label.title) return fail("usage", "Give the feature a title.");
      let parent: Feature | undefined;
      if (args.under !== undefined) {
        const found = resolveFeature(release, args.under);
        if (!found.ok) return found;
        parent = found.value;
        if (parent.parent !== null) return fail("invalid", `${featureLabel(parent)} is itself a sub-item; sub-items cannot have their own.`);
      }
      const features = Object.values(release.features);
      const duplicate = duplicateOf(release.features, label);
      if (duplicate) return duplicate;
      const now = ctx.clock.now().toISOString();
      const id = slugFor(label.qualifier ? `${label.title} ${label.qualifier}` : label.title, (candidate) => hasOwn(release.features, candidate));
      const feature: Feature = {
        id,
        title: label.title,
        qualifier: label.qualifier,
        external: label.external || args.external,
        bucket: args.bucket ?? "fair",
        owners: args.owner ? [args.owner] : [],
        note: args.note || null,
        probability: null,
        links: [],
        aliases: [],
        parent: parent?.id ?? null,
        order: features.reduce((max, item) => Math.max(max, item.order), 0) + 1,
        createdAt: now,
        createdBy: ctx.invoker.id,
        updatedAt: now,
        updatedBy: ctx.invoker.id,
      };
      const under = parent ? `, under ${featureLabel(parent)}` : "";
      return ok({
        changes: [{ ...featureTarget(scope.value, feature), op: "create", value: feature }],
        value: badge(feature, `Added ${featureLabel(feature)} as ${BUCKET_INFO[feature.bucket].label}${under} (id ${id}).`),
      });
    }),
});

/**
 * The one rule for add and rename: no two features with the same title and qualifier, compared as
 * names are resolved, or a name would match both. `self` is the feature being renamed.
 */
function duplicateOf(features: Readonly<Record<string, Feature>>, label: Pick<Feature, "title" | "qualifier">, self?: Feature) {
  const qualifier = normalizeName(label.qualifier ?? "");
  const sameTitle = inPlanOrder(features, nameIndex(features).withTitle(normalizeName(label.title)));
  const duplicate = sameTitle.find((feature) => feature.id !== self?.id && normalizeName(feature.qualifier ?? "") === qualifier);
  return duplicate ? fail("conflict", `${featureLabel(duplicate)} is already on the list (id ${duplicate.id}).`) : undefined;
}

export const removeCommand = defineCommand({
  path: ["remove"],
  aliases: [["rm"], ["delete"]],
  summary: "Take a feature (and its sub-items) off the list. Asks to confirm first.",
  flags: [{ name: "yes", description: "Confirm the removal" }],
  args: z.object({ feature: param.feature("Feature name, alias or id"), yes: switchArg }),
  permission: "change",
  examples: ["!remove blktap3", "!remove blktap3 --yes"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const children = childrenOf(scope.release, feature.id);
      const also = children.length > 0 ? ` and its ${children.length} sub-item${children.length === 1 ? "" : "s"}` : "";
      if (!args.yes) {
        // `!yes` runs this again with --yes; changing nothing writes nothing. A shared store may run
        // the draft again on a newer plan: the question asked last is the one `!yes` answers.
        ctx.ask({ feature: feature.id, yes: true });
        return noChange({
          tone: "info",
          blocks: [
            {
              type: "text",
              text: t`This removes ${featureLabel(feature)}${also} from ${scope.release.id}. To confirm, say ${cmd("yes")} or ${cmd("remove", `${feature.id} --yes`)} (${cmd("undo")} brings it back).`,
            },
          ],
        });
      }
      const changes: ChangeRequest[] = [...children, feature].map((item) => ({ ...featureTarget(scope, item), op: "delete" }));
      return ok({ changes, value: { tone: "ok", blocks: [{ type: "text", text: t`Removed ${featureLabel(feature)}${also}. ${cmd("undo")} brings it back.` }] } });
    }),
});

export const renameCommand = defineCommand({
  path: ["rename"],
  summary: "Give a feature a new title (its id and aliases stay).",
  separator: "to",
  args: z.object({ feature: param.feature("Feature name, alias or id"), title: param.text("The new title", titleArg) }),
  permission: "change",
  examples: ["!rename blktap3 to blktap3 (disk backend)", '!rename "xl vm-{export,import}" to "xl vm export/import"'],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = parseItemLabel(args.title);
      if (!label.title) return fail("usage", "Give the new title.");
      const before = featureLabel(feature);
      const fields = { title: label.title, qualifier: label.qualifier, external: feature.external || label.external };
      if (fields.title === feature.title && fields.qualifier === feature.qualifier && fields.external === feature.external) {
        return unchanged(`${before} already has that title.`);
      }
      const duplicate = duplicateOf(scope.release.features, label, feature);
      if (duplicate) return duplicate;
      const after = featureLabel({ ...feature, ...fields });
      return ok({ changes: [updateFeature(scope, feature, { ...fields, ...stamp(ctx) })], value: badge(feature, `Renamed ${before} → ${after}.`) });
    }),
});

/** "alice, bob and carol" → ["alice", "bob", "carol"]. */
function splitOwners(text: string): string[] {
  return text
    .split(/\s*,\s*|\s+and\s+|\s*&\s*/)
    .map((name) => name.trim())
    .filter(Boolean);
}

export const ownerCommand = defineCommand({
  path: ["owner"],
  summary: "Say who works on a feature (several: separate with commas; `none` clears).",
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    owners: param
      .text("Names, comma-separated, or none", z.string({ error: "who owns it? Give one or more names, or none" }).trim().min(1, "who owns it? Give one or more names, or none"))
      .transform((text) => (/^(none|nobody|-)$/i.test(text) ? [] : splitOwners(text)))
      .pipe(z.array(z.string().max(LIMITS.name, `names are at most ${LIMITS.name} characters`)).max(LIMITS.listEntries, `at most ${LIMITS.listEntries} owners`)),
  }),
  permission: "change",
  examples: ["!owner blktap3 Thanos Makatos", "!owner pvh Mukesh, George", "!owner blktap3 none"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      if (args.owners.join("\n") === feature.owners.join("\n")) {
        return unchanged(args.owners.length === 0 ? `${featureLabel(feature)} has no owner.` : `${featureLabel(feature)} already has those owners.`);
      }
      const text = args.owners.length === 0 ? `${featureLabel(feature)} has no owner now.` : t`${featureLabel(feature)}: owner ${ownersText(args.owners, ownerNames(ctx.config.people))}.`;
      return ok({ changes: [updateFeature(scope, feature, { owners: args.owners, ...stamp(ctx) })], value: badge(feature, text) });
    }),
});

export const noteCommand = defineCommand({
  path: ["note"],
  summary: "Set a feature's status note (what is happening with it).",
  separator: ":",
  flags: [{ name: "clear", description: "Remove the note" }],
  args: z.object({ feature: param.feature("Feature name, alias or id (end it with a colon)"), text: param.text("The note", noteArg).optional(), clear: switchArg }),
  permission: "change",
  examples: ["!note blktap3: v2 of the series posted, waiting for review", "!note blktap3 --clear"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const note = args.clear ? null : args.text || null;
      if (note === null && !args.clear) return fail("usage", t`What should the note say? (${code("--clear")} removes it.)`);
      if (note === feature.note) return unchanged(note === null ? `${featureLabel(feature)} has no note to clear.` : `${featureLabel(feature)} already has that note.`);
      const text = note === null ? `${featureLabel(feature)}: note cleared.` : `${featureLabel(feature)}: ${note}`;
      return ok({ changes: [updateFeature(scope, feature, { note, ...stamp(ctx) })], value: badge(feature, text) });
    }),
});

export const aliasCommand = defineCommand({
  path: ["alias"],
  summary: "Give a feature a short name people can use in commands.",
  flags: [{ name: "remove", description: "Remove this alias instead" }],
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    // Free text, so "my alias" is kept whole; the feature is the longest start that names one.
    alias: param.text("The short name (may be several words)", z.string({ error: "which alias?" }).trim().min(1, "which alias?").max(LIMITS.name, `aliases are at most ${LIMITS.name} characters`)),
    remove: switchArg,
  }),
  permission: "change",
  examples: ["!alias persistent grants for net pgnet", "!alias pgnet --remove"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const lower = args.alias.toLowerCase();
      if (args.remove) {
        if (!feature.aliases.some((alias) => alias.toLowerCase() === lower)) return unchanged(`${featureLabel(feature)} has no alias “${args.alias}”.`);
        const aliases = feature.aliases.filter((alias) => alias.toLowerCase() !== lower);
        return ok({ changes: [updateFeature(scope, feature, { aliases, ...stamp(ctx) })], value: badge(feature, `${featureLabel(feature)}: alias “${args.alias}” removed.`) });
      }
      const clash = Object.values(scope.release.features).find(
        (other) => other.id !== feature.id && (other.id === lower || other.aliases.some((alias) => alias.toLowerCase() === lower)),
      );
      if (clash) return fail("conflict", `“${args.alias}” already names ${featureLabel(clash)} (${clash.id}).`);
      if (feature.aliases.some((alias) => alias.toLowerCase() === lower)) return unchanged(`${featureLabel(feature)} already has the alias “${args.alias}”.`);
      if (feature.aliases.length >= LIMITS.listEntries) return fail("invalid", `${featureLabel(feature)} has ${LIMITS.listEntries} aliases already.`);
      return ok({
        changes: [updateFeature(scope, feature, { aliases: [...feature.aliases, args.alias], ...stamp(ctx) })],
        value: badge(feature, `${featureLabel(feature)} can now be called “${args.alias}”.`),
      });
    }),
});

export const linkCommand = defineCommand({
  path: ["link"],
  summary: "Attach a link (patch series, design doc, tracker) to a feature.",
  flags: [{ name: "remove", description: "Remove this link instead" }],
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    url: param.word("An http(s) link", z.url({ protocol: /^https?$/, error: "give an http:// or https:// link" }).max(LIMITS.link, `links are at most ${LIMITS.link} characters`)),
    remove: switchArg,
  }),
  permission: "change",
  examples: ["!link blktap3 https://lists.xen.org/archives/html/xen-devel/2013-01/msg01234.html"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const has = feature.links.includes(args.url);
      if (args.remove ? !has : has) return unchanged(`${featureLabel(feature)} ${has ? "already has" : "has no"} that link.`);
      if (!args.remove && feature.links.length >= LIMITS.listEntries) return fail("invalid", `${featureLabel(feature)} has ${LIMITS.listEntries} links already.`);
      const links = args.remove ? feature.links.filter((link) => link !== args.url) : [...feature.links, args.url];
      return ok({
        changes: [updateFeature(scope, feature, { links, ...stamp(ctx) })],
        value: badge(feature, `${featureLabel(feature)}: link ${args.remove ? "removed" : "added"}.`),
      });
    }),
});

const TOP = /^(top|none|nothing|-)$/i;

export const moveCommand = defineCommand({
  path: ["move"],
  summary: "Make a feature a sub-item of another (`top` makes it a feature of its own again).",
  separator: "under",
  args: z.object({ feature: param.feature("The feature to move"), parent: param.feature("The feature it belongs under, or top", { keyword: (text) => TOP.test(text) }) }),
  permission: "change",
  examples: ["!move linux-based qemu stubdom under Default to QEMU upstream", "!move pci pass-thru under top"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const children = childrenOf(scope.release, feature.id);
      if (TOP.test(args.parent)) {
        if (feature.parent === null) return unchanged(`${featureLabel(feature)} is already a feature of its own.`);
        return ok({ changes: [updateFeature(scope, feature, { parent: null, ...stamp(ctx) })], value: badge(feature, `${featureLabel(feature)} is a feature of its own now.`) });
      }
      const found = resolveFeature(scope.release, args.parent);
      if (!found.ok) return found;
      const parent = found.value;
      if (parent.id === feature.id) return fail("invalid", "A feature cannot be its own sub-item.");
      if (parent.parent !== null) return fail("invalid", `${featureLabel(parent)} is itself a sub-item; sub-items cannot have their own.`);
      if (children.length > 0) return fail("invalid", `${featureLabel(feature)} has sub-items of its own, so it cannot become one.`);
      if (feature.parent === parent.id) return unchanged(`${featureLabel(feature)} is already under ${featureLabel(parent)}.`);
      return ok({
        changes: [updateFeature(scope, feature, { parent: parent.id, ...stamp(ctx) })],
        value: badge(feature, `${featureLabel(feature)} is now under ${featureLabel(parent)}.`),
      });
    }),
});

export const showCommand = defineCommand({
  path: ["show"],
  aliases: [["info"]],
  summary: "Everything about one feature.",
  args: z.object({ feature: param.feature("Feature name, alias or id") }),
  permission: "read",
  examples: ["!show blktap3"],
  run: (ctx, args) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const found = matchFeature(scope.value.release, args.feature);
    if (!found.ok) return failureReply(found.error);
    const { feature, guessed } = found.value;
    const release = scope.value.release;
    const children = childrenOf(release, feature.id);
    const parent = feature.parent === null ? undefined : own(release.features, feature.parent);
    const now = ctx.clock.now();
    // A feature with sub-items is shown where they are (`shownBuckets`), as in the summary.
    const shown = bucketsShown(feature.bucket, children);
    const status =
      children.length > 0
        ? `shown under ${describeShown(release, feature)}, where its sub-items are`
        : `${BUCKET_INFO[feature.bucket].label}${feature.probability === null ? "" : ` (${feature.probability}%)`}`;
    const lines: Text[] = [`id: ${feature.id}`, `status: ${status}`, feature.owners.length > 0 ? ownerLine(feature.owners, ownerNames(ctx.config.people)) : "owner: nobody yet"];
    if (feature.note) lines.push(`note: ${feature.note}`);
    if (parent) lines.push(`part of: ${featureLabel(parent)}`);
    if (children.length > 0) lines.push(`sub-items: ${children.map((child) => `${featureLabel(child)} (${BUCKET_INFO[child.bucket].label})`).join("; ")}`);
    if (feature.aliases.length > 0) lines.push(`aliases: ${feature.aliases.join(", ")}`);
    for (const link of feature.links) lines.push(`link: ${link}`);
    const updatedBy = personFor(ctx.config.people, feature.updatedBy);
    const createdBy = feature.createdBy === feature.updatedBy ? updatedBy : personFor(ctx.config.people, feature.createdBy);
    const stamps = t`updated ${ago(new Date(feature.updatedAt), now)} by ${updatedBy}; added ${ago(new Date(feature.createdAt), now)} by ${createdBy}`;
    return {
      tone: "info",
      blocks: [
        { type: "list", items: [{ text: `${featureLabel(feature)} — ${scope.value.project.name} ${release.id}`, ...(shown.length === 1 ? { badge: shown[0]! } : {}) }] },
        { type: "text", text: joinText([...lines, stamps], "\n") },
        ...(guessed ? [{ type: "text" as const, text: `(There is no feature called “${args.feature}”; this is the closest, ${featureLabel(feature)}.)` }] : []),
      ],
    };
  },
});
