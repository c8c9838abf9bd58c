import type { Feature, PlanState } from "../model/schema.js";
import type { Draft } from "../ports.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { parentMoves } from "../plan/parent-moves.js";
import { resolveFeature } from "../plan/resolve.js";
import { failureReply, type Reply } from "../reply/reply.js";
import { ok, type Result } from "../util/result.js";
import { scopeFor, type Scope } from "../access/scope.js";
import type { CommandContext } from "./spec.js";

/** The fields every feature change stamps. */
export function stamp(ctx: CommandContext): { updatedAt: string; updatedBy: string } {
  return { updatedAt: ctx.clock.now().toISOString(), updatedBy: ctx.invoker.id };
}

export function featureTarget(scope: Scope, feature: Pick<Feature, "id">) {
  return { entity: "feature", project: scope.project.id, release: scope.release.id, feature: feature.id } as const;
}

export function updateFeature(scope: Scope, feature: Pick<Feature, "id">, fields: Partial<Feature>): ChangeRequest {
  return { ...featureTarget(scope, feature), op: "update", fields };
}

/** Runs a change and turns its outcome into a reply. */
export async function changeAndReply(
  ctx: CommandContext,
  fn: (state: Readonly<PlanState>) => Result<Draft<Reply>>,
): Promise<Reply> {
  // A change can move a parent nobody named (its sub-items decide where it is shown): say so.
  let moves: string[] = [];
  const result = await ctx.change((state) => {
    const draft = fn(state);
    moves = draft.ok ? parentMoves(state, draft.value.changes) : [];
    return draft;
  });
  if (!result.ok) return failureReply(result.error);
  if (moves.length === 0) return result.value;
  return { ...result.value, blocks: [...result.value.blocks, ...moves.map((text) => ({ type: "text" as const, text }))] };
}

/**
 * The common shape of a feature command: find the room's release and the named feature in the
 * latest state, then let `plan` say what to change and what to answer.
 */
export function withFeature(
  ctx: CommandContext,
  name: string,
  plan: (feature: Feature, scope: Scope, state: Readonly<PlanState>) => Result<Draft<Reply>>,
): Promise<Reply> {
  return changeAndReply(ctx, (state) => {
    const scope = scopeFor(state, ctx.conversation, ctx.config);
    if (!scope.ok) return scope;
    const feature = resolveFeature(scope.value.release, name);
    if (!feature.ok) return feature;
    return plan(feature.value, scope.value, state);
  });
}

/** A reply and no change. */
export function noChange(reply: Reply): Result<Draft<Reply>> {
  return ok({ changes: [], value: reply });
}

export function unchanged(text: string): Result<Draft<Reply>> {
  return noChange({ tone: "info", blocks: [{ type: "text", text }] });
}
