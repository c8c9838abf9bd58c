import { z } from "zod";
import { LIMITS, type FreezeException } from "../model/schema.js";
import { describeException, exceptionsOf, featureFreeze, freezeHasPassed } from "../plan/exceptions.js";
import { featureLabel } from "../plan/summary.js";
import { cmd, failureReply, type ListItem, person, type Reply, t } from "../reply/reply.js";
import { addDays, dateInZone, daysBetween, formatLongDate, parseDate, relativeDays } from "../util/dates.js";
import { fail, ok, type Result } from "../util/result.js";
import { stamp, unchanged, updateFeature, withFeature } from "./helpers.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";
import type { Token } from "./tokenize.js";

const reasonArg = z.string().trim().max(LIMITS.note, `a reason is at most ${LIMITS.note} characters`);

/** "7d", "7", "10 days": the extra days asked for. */
const daysArg = z
  .string({ error: "how many extra days? Such as 7d" })
  .trim()
  .regex(/^\d{1,4}\s*(?:d|days?)?$/i, "how many extra days? Such as 7d")
  .transform((text) => Number(/^\d+/.exec(text)![0]))
  .refine((days) => days >= 1 && days <= 365, "ask for 1 to 365 extra days");

/** The words before the first colon (a word of its own or a word's end) and after it. */
function splitAtColon(words: readonly Token[]): { left: string[]; right: string[] } {
  const texts = words.map((word) => word.text);
  const cut = texts.findIndex((text, i) => !words[i]!.quoted && text.endsWith(":"));
  if (cut < 0) return { left: texts, right: [] };
  return { left: [...texts.slice(0, cut), texts[cut]!.slice(0, -1)].filter((text) => text !== ""), right: texts.slice(cut + 1) };
}

/**
 * "blktap3 7d: reason", "vTPM updates 10 days: reason": the feature, then the days at its end, then
 * the reason after the first colon. The generic binder has no word between two free texts.
 */
function bindRequest(words: readonly Token[]): Result<Record<string, string>> {
  const { left, right } = splitAtColon(words);
  const values: Record<string, string> = {};
  if (right.length > 0) values["reason"] = right.join(" ");
  const last = left.at(-1);
  const days = last !== undefined && /^(?:d|days?)$/i.test(last) && left.length >= 3 ? 2 : 1;
  if (left.length > days) {
    values["days"] = left.slice(-days).join(" ");
    values["feature"] = left.slice(0, -days).join(" ");
  } else if (left.length > 0) {
    values["feature"] = left.join(" ");
  }
  return ok(values);
}

export const exceptionRequestCommand = defineCommand({
  path: ["exception", "request"],
  summary: "Ask for a freeze exception: a late feature gets extra days after the feature freeze.",
  bind: bindRequest,
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    days: param.word("Extra days after the feature freeze: 7d", daysArg),
    reason: param.text("Why it should still go in (after a colon)", reasonArg).optional(),
  }),
  permission: "change",
  examples: ["!exception request blktap3 7d: the last patch is in review"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = featureLabel(feature);
      const freeze = featureFreeze(scope.release);
      const now = ctx.clock.now();
      if (!freeze) return fail("refused", t`${scope.project.name} ${scope.release.id} has no feature freeze yet, so nothing needs an exception. (${cmd("milestone set", "feature-freeze DATE")} sets it.)`);
      if (!freezeHasPassed(freeze, now)) {
        const days = daysBetween(dateInZone(now, freeze.timeZone), freeze.date);
        return unchanged(`${label} needs no exception yet: the feature freeze is ${formatLongDate(freeze.date)} (${relativeDays(days)}). Ask after it if ${label} is not in by then.`);
      }
      if (feature.bucket === "done") return unchanged(`${label} is done: it needs no exception.`);
      const current = feature.exception;
      if (current?.state === "requested") return fail("conflict", t`${label} has an exception request open already (${describeException(current)}); a release manager answers it with ${cmd("exception grant", feature.id)} or ${cmd("exception deny", `${feature.id}: reason`)}.`);
      if (current?.state === "granted") return fail("conflict", `${label} has an exception already: ${describeException(current)}.`);
      const exception: FreezeException = {
        state: "requested",
        days: args.days,
        reason: args.reason ?? "",
        requestedBy: ctx.invoker.id,
        requestedAt: now.toISOString(),
        until: null,
        decidedBy: null,
        decidedAt: null,
        answer: null,
      };
      const text = t`Exception requested for ${label}: ${args.days} extra day${args.days === 1 ? "" : "s"} after the feature freeze (until ${formatLongDate(addDays(freeze.date, args.days))}). A release manager answers with ${cmd("exception grant", feature.id)} or ${cmd("exception deny", `${feature.id}: reason`)}.`;
      return ok({ changes: [updateFeature(scope, feature, { exception, ...stamp(ctx) })], value: { tone: "ok", blocks: [{ type: "text", text }] } });
    }),
});

/** "vTPM updates", "vTPM updates until 5 April 2013": the date is optional, so every word may be the feature's. */
function bindGrant(words: readonly Token[]): Result<Record<string, string>> {
  const cut = words.findLastIndex((word, i) => i > 0 && !word.quoted && word.text.toLowerCase() === "until");
  const feature = (cut < 0 ? words : words.slice(0, cut)).map((word) => word.text).join(" ");
  const until = cut < 0 ? "" : words.slice(cut + 1).map((word) => word.text).join(" ");
  return ok({ ...(feature ? { feature } : {}), ...(cut < 0 ? {} : { until }) });
}

export const exceptionGrantCommand = defineCommand({
  path: ["exception", "grant"],
  summary: "Grant a feature's freeze exception, until the day asked for or a date you give.",
  bind: bindGrant,
  args: z.object({
    feature: param.feature("Feature name, alias or id"),
    until: param.date("The last day it may go in (default: the freeze plus the days asked for)", z.string().trim().max(64)).optional(),
  }),
  permission: "manage",
  examples: ["!exception grant blktap3", "!exception grant blktap3 until 2013-04-05"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = featureLabel(feature);
      const current = feature.exception;
      if (!current) return fail("not-found", t`Nobody has asked for an exception for ${label}: ${cmd("exception request", `${feature.id} 7d: reason`)} first.`);
      const freeze = featureFreeze(scope.release);
      // "+7d" counts on the freeze's calendar, the one its deadlines are kept on.
      const today = dateInZone(ctx.clock.now(), freeze?.timeZone ?? "UTC");
      let until: string | undefined;
      if (args.until === "") {
        return fail("usage", t`Until when? Give a date after “until”: ${cmd("exception grant", `${feature.id} until 2013-04-05`)}.`);
      } else if (args.until !== undefined) {
        until = parseDate(args.until, today);
        if (!until) return fail("usage", `“${args.until}” is not a date I can read; try 2013-04-05, 5 April 2013 or +7d.`);
      } else if (freeze) {
        until = addDays(freeze.date, current.days);
      } else {
        return fail("usage", t`Until when? ${cmd("exception grant", `${feature.id} until DATE`)}.`);
      }
      if (current.state === "granted" && current.until === until) return unchanged(`${label} has that exception already: ${describeException(current)}.`);
      const exception: FreezeException = { ...current, state: "granted", until, decidedBy: ctx.invoker.id, decidedAt: ctx.clock.now().toISOString(), answer: null };
      return ok({
        changes: [updateFeature(scope, feature, { exception, ...stamp(ctx) })],
        value: { tone: "ok", blocks: [{ type: "text", text: `Exception granted: ${label} may go in until ${formatLongDate(until)}.` }] },
      });
    }),
});

/** "vTPM updates: too late", "vTPM updates": the reason after the first colon, if any. */
function bindDeny(words: readonly Token[]): Result<Record<string, string>> {
  const { left, right } = splitAtColon(words);
  return ok({ ...(left.length > 0 ? { feature: left.join(" ") } : {}), ...(right.length > 0 ? { reason: right.join(" ") } : {}) });
}

export const exceptionDenyCommand = defineCommand({
  path: ["exception", "deny"],
  summary: "Deny a feature's freeze exception, saying why.",
  bind: bindDeny,
  args: z.object({
    feature: param.feature("Feature name, alias or id (end it with a colon)"),
    reason: param.text("Why not", reasonArg).optional(),
  }),
  permission: "manage",
  examples: ["!exception deny blktap3: too risky this late"],
  run: (ctx, args) =>
    withFeature(ctx, args.feature, (feature, scope) => {
      const label = featureLabel(feature);
      const current = feature.exception;
      if (!current) return fail("not-found", `Nobody has asked for an exception for ${label}.`);
      if (current.state === "denied") return unchanged(`The exception for ${label} was denied already.`);
      const answer = args.reason ? args.reason : null;
      const exception: FreezeException = { ...current, state: "denied", until: null, decidedBy: ctx.invoker.id, decidedAt: ctx.clock.now().toISOString(), answer };
      return ok({
        changes: [updateFeature(scope, feature, { exception, ...stamp(ctx) })],
        value: { tone: "ok", blocks: [{ type: "text", text: `Exception denied for ${label}${answer ? `: ${answer}` : "."}` }] },
      });
    }),
});

export const exceptionsCommand = defineCommand({
  path: ["exceptions"],
  summary: "Freeze exceptions of the release: open requests, then the decided ones.",
  args: z.object({}),
  permission: "read",
  run: (ctx): Reply => {
    if (!ctx.scope.ok) return failureReply(ctx.scope.error);
    const { project, release } = ctx.scope.value;
    const entries = exceptionsOf(release);
    const heading = { type: "heading" as const, text: `${project.name} ${release.id}: freeze exceptions` };
    if (entries.length === 0) return { tone: "info", blocks: [heading, { type: "text", text: t`None asked for. (${cmd("exception request", "FEATURE 7d: reason")} asks for one.)` }] };
    const items: ListItem[] = entries.map(({ feature, exception }) => ({
      text: `${featureLabel(feature)}: ${describeException(exception)}`,
      badge: feature.bucket,
      details: [t`asked by ${person(exception.requestedBy)} on ${formatLongDate(exception.requestedAt.slice(0, 10))}${exception.decidedBy ? t`; decided by ${person(exception.decidedBy)}` : ""}`],
    }));
    return { tone: "info", blocks: [heading, { type: "list", items }] };
  },
});
