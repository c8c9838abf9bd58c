import { z } from "zod";
import { BUCKET_INFO, isUnfinished } from "../model/buckets.js";
import { carriedCopy, isClosed } from "../plan/release.js";
import { childrenOf, featureLabel } from "../plan/summary.js";
import { cmd, t } from "../reply/reply.js";
import { fail, ok } from "../util/result.js";
import { own } from "../util/own.js";
import type { ChangeRequest } from "../model/change.js";
import { stamp, updateFeature, withFeature } from "./helpers.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

const targetRelease = z
  .string({ error: "to which release? Give its version, such as 4.4" })
  .trim()
  .min(1, "to which release? Give its version, such as 4.4")
  .max(32, "release names are at most 32 characters");

export const deferCommand = defineCommand({
  path: ["defer"],
  summary: "Move one feature (with its unfinished sub-items) to a later release, keeping its id, owners, notes, links and history.",
  separator: "to",
  args: z.object({ feature: param.feature("Feature name, alias or id"), release: param.text("The release it moves to: 4.4", targetRelease) }),
  permission: "change",
  examples: ["!defer blktap3 to 4.4"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const { project, release } = scope;
      const label = featureLabel(feature);
      const target = own(project.releases, args.release);
      if (!target) return fail("not-found", t`${project.name} has no release ${args.release}. Start it first with ${cmd("release new", args.release)}.`);
      if (target.id === release.id) return fail("usage", `${label} is in ${release.id} already.`);
      if (isClosed(target)) return fail("refused", `${project.name} ${target.id} has shipped; defer to a release that is still open.`);
      if (!isUnfinished(feature.bucket)) {
        return fail("usage", t`${label} is ${BUCKET_INFO[feature.bucket].label}: there is nothing to defer. (${cmd("status", `${feature.id} fair`)} first if it is not.)`);
      }
      const moving = [feature, ...childrenOf(release, feature.id).filter((child) => isUnfinished(child.bucket))];
      const taken = moving.find((item) => own(target.features, item.id));
      if (taken) return fail("conflict", `${project.name} ${target.id} already has a feature with the id ${taken.id}; rename one of them first.`);
      const ids = new Set(moving.map((item) => item.id));
      const stamped = stamp(ctx);
      const changes: ChangeRequest[] = [];
      for (const item of moving) {
        changes.push({ entity: "feature", project: project.id, release: target.id, feature: item.id, op: "create", value: carriedCopy(item, release.id, ids, stamped) });
        // In the release it leaves it reads as deferred, as the status mail lists it.
        if (item.bucket !== "deferred") changes.push(updateFeature(scope, item, { bucket: "deferred", ...stamped }));
      }
      const also = moving.length > 1 ? ` with ${moving.length - 1} sub-item${moving.length === 2 ? "" : "s"}` : "";
      return ok({
        changes,
        value: { tone: "ok", blocks: [{ type: "list", items: [{ text: `Deferred ${label}${also} to ${target.id}; it shows as deferred in ${release.id}.`, badge: "deferred" }] }] },
      });
    }),
});
