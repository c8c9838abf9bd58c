import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { PlanEvent, PlanState, Release } from "../model/schema.js";
import { own } from "../util/own.js";
import { describeEvent, type OwnersLine } from "../plan/describe-event.js";
import { ownersLine } from "../plan/people.js";
import { lookup, targetOf, type ChangeRequest } from "../plan/reducer.js";
import { resolveFeature } from "../plan/resolve.js";
import { cmd, failureReply, type Inline, person, type Reply, t } from "../reply/reply.js";
import { ago } from "../util/dates.js";
import { fail, ok, type Result } from "../util/result.js";
import { countFlag } from "./args.js";
import { changeAndReply, stamp } from "./helpers.js";
import { projectFor } from "../access/scope.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

/** How far back `!undo` looks for the person's last change: the recent ones first, as nearly always enough. */
const UNDO_RECENT = 200;
const UNDO_WINDOW = 5_000;

/** "2 hours ago, <person>: blktap3: status fair → at risk", the person named as each platform names people. */
export function historyLines(events: readonly PlanEvent[], state: Readonly<PlanState>, now: Date, owners?: OwnersLine): Inline[][] {
  return events.map((event) => t`${ago(new Date(event.at), now)}, ${person(event.by)}: ${describeEvent(event, state, owners)}`);
}

export const historyCommand = defineCommand({
  path: ["history"],
  aliases: [["log"]],
  summary: "Recent changes, to the release or to one feature: who, when, before → after.",
  flags: [{ name: "limit", value: "N", description: "How many changes (default 10, at most 50)" }],
  args: z.object({
    feature: param.feature("Only this feature").optional(),
    limit: countFlag("limit", 50),
  }),
  permission: "read",
  examples: ["!history", "!history blktap3", "!history --limit 30"],
  run: async (ctx, args) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    let feature: string | undefined;
    let title = `Recent changes to ${project.name} ${release.id}`;
    if (args.feature !== undefined) {
      const found = resolveFeature(release, args.feature);
      if (!found.ok) return failureReply(found.error);
      feature = found.value.id;
      title = `History of ${found.value.title}`;
    }
    const limit = args.limit ?? 10;
    let events: PlanEvent[];
    if (feature === undefined) {
      events = await ctx.history({ project: project.id, limit });
    } else {
      // A carried feature's history goes on in the releases it came from, newest first.
      events = [];
      const seen = new Set<string>();
      for (let from: Release | undefined = release; from && !seen.has(from.id); ) {
        seen.add(from.id);
        events.push(...(await ctx.history({ project: project.id, release: from.id, feature, limit })));
        const carried: string | null | undefined = own(from.features, feature)?.carriedFrom;
        from = typeof carried === "string" ? own(project.releases, carried) : undefined;
      }
      events = events.sort((a, b) => b.seq - a.seq).slice(0, limit);
    }
    if (events.length === 0) return { tone: "info", blocks: [{ type: "text", text: `${title}: none yet.` }] };
    return {
      tone: "info",
      blocks: [
        { type: "heading", text: title },
        { type: "list", items: historyLines(events, ctx.plan, ctx.clock.now(), ownersLine(ctx.config.people)).map((text) => ({ text })) },
      ],
    };
  },
});

/** Who touched a feature last and when: restamped by the undo, not restored, and not a conflict. */
const STAMPS = new Set(["updatedAt", "updatedBy"]);

/** Has anything touched what the event changed since? Then undoing it would overwrite that. */
function stillAsLeft(state: Readonly<PlanState>, event: PlanEvent): boolean {
  const now = lookup(state, targetOf(event));
  if (event.after === null) return now === undefined;
  if (!now) return false;
  return Object.entries(event.after).every(([field, value]) => STAMPS.has(field) || isDeepStrictEqual(now[field] ?? null, value ?? null));
}

function inverse(event: PlanEvent, stamp: { updatedAt: string; updatedBy: string }): ChangeRequest {
  const target = targetOf(event);
  if (event.before === null) return { ...target, op: "delete" };
  if (event.after === null) return { ...target, op: "create", value: event.before };
  const fields = Object.fromEntries(Object.entries(event.before).filter(([field]) => !STAMPS.has(field)));
  return { ...target, op: "update", fields: event.entity === "feature" ? { ...fields, ...stamp } : fields };
}

/** The person's latest change in the project that is not an undo and not undone yet. */
function lastUndoable(events: readonly PlanEvent[]): PlanEvent[] | undefined {
  const undone = new Set<number>();
  let txn: number | undefined;
  const picked: PlanEvent[] = [];
  for (const event of events) {
    if (txn !== undefined) {
      if (event.txn !== txn) break;
      picked.push(event);
      continue;
    }
    if (event.undoes !== undefined) {
      undone.add(event.undoes);
      continue;
    }
    if (undone.has(event.txn)) continue;
    txn = event.txn;
    picked.push(event);
  }
  return txn === undefined ? undefined : picked;
}

export const undoCommand = defineCommand({
  path: ["undo"],
  summary: "Take back your last change (if nobody changed the same thing since).",
  args: z.object({}),
  permission: "change",
  examples: ["!undo"],
  run: async (ctx) => {
    const project = projectFor(ctx.plan, ctx.conversation, ctx.config);
    if (!project.ok) return failureReply(project.error);
    const query = { project: project.value.id, by: ctx.invoker.id };
    const recent = await ctx.history({ ...query, limit: UNDO_RECENT });
    let picked = lastUndoable(recent);
    // Fewer than asked for is all there is; otherwise the one to undo (or the rest of its
    // command's changes) may lie further back.
    const cut = recent.length === UNDO_RECENT && (!picked || recent.at(-1)!.txn === picked[0]!.txn);
    if (cut) picked = lastUndoable(await ctx.history({ ...query, limit: UNDO_WINDOW }));
    if (!picked) return { tone: "info", blocks: [{ type: "text", text: "You have no change here to undo." }], private: true };
    const txn = picked[0]!.txn;
    const owners = ownersLine(ctx.config.people);
    return changeAndReply(ctx, (state): Result<{ changes: ChangeRequest[]; value: Reply; undoes: number }> => {
      const moved = picked.filter((event) => !stillAsLeft(state, event));
      if (moved.length > 0) {
        return fail(
          "conflict",
          t`Cannot undo “${picked[picked.length - 1]!.command}”: it was changed again since. See ${cmd("history")}; set it by hand instead.`,
          moved.map((event) => describeEvent(event, state, owners)),
        );
      }
      // Oldest last: undo in the reverse order the command made its changes.
      const changes = [...picked].sort((a, b) => b.seq - a.seq).map((event) => inverse(event, stamp(ctx)));
      // Say what is true now: each change the other way round.
      const what = picked
        .slice()
        .reverse()
        .map((event) => describeEvent({ ...event, before: event.after, after: event.before }, state, owners))
        .join("; ");
      return ok({ changes, undoes: txn, value: { tone: "ok", blocks: [{ type: "text", text: `Undone: ${what}` }] } });
    });
  },
});
