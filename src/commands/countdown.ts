import { z } from "zod";
import { isKnownTimeZone } from "../model/schema.js";
import { renderPlain } from "../reply/render-plain.js";
import { cmd, failureReply, type Reply, t, type Text } from "../reply/reply.js";
import type { Project, Release } from "../model/schema.js";
import type { UpcomingNag } from "../plan/nags.js";
import { grantedList } from "../plan/exceptions.js";
import { featureLabel } from "../plan/summary.js";
import { nagsOn, upcomingRoomNags } from "../schedule/nags.js";
import { nextSlots, postFor, type Slot } from "../schedule/posts.js";
import { describeQuietHours, roomQuiet, type RoomQuiet } from "../schedule/quiet-hours.js";
import {
  CADENCES,
  SETTING,
  SubscriptionSchema,
  WEEKDAYS,
  describeSubscription,
  mutedUntil,
  subscriptionOf,
  subscriptionSettings,
  type Subscription,
} from "../schedule/subscription.js";
import { own } from "../util/own.js";
import { formatShortDate, parseSince, dateInZone, displayZone, plural, zoneOffsetMinutes } from "../util/dates.js";
import { fail, ok, type Result } from "../util/result.js";
import { changeAndReply, noChange } from "./helpers.js";
import { projectFor } from "../access/scope.js";
import { param } from "./params.js";
import { defineCommand, type CommandContext } from "./spec.js";
import type { Token } from "./tokenize.js";

const info = (text: Text): Reply => ({ tone: "info", blocks: [{ type: "text", text }] });

/** "daily 09:00 Europe/London", "weekly fri 16:30", "AoE mon": the words may come in any order. */
function bindSubscription(words: readonly Token[]): Result<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const { text } of words) {
    const lower = text.toLowerCase();
    if ((CADENCES as readonly string[]).includes(lower)) values["cadence"] = lower;
    else if (WEEKDAYS.some((day) => lower.startsWith(day)) && /^[a-z]+$/.test(lower)) values["day"] = lower.slice(0, 3);
    else if (/^\d{1,2}:\d{2}$/.test(lower)) values["time"] = text.padStart(5, "0");
    else if (isKnownTimeZone(text)) values["zone"] = lower === "aoe" ? "AoE" : text;
    else return fail("usage", `“${text}” is not a cadence (auto, daily, weekly), a weekday, a time (09:00) or a time zone.`);
  }
  return ok(values);
}

function settingsOf(ctx: CommandContext) {
  return own(ctx.plan.conversations, ctx.conversation)?.settings;
}

function currentSubscription(ctx: CommandContext): Subscription | undefined {
  return subscriptionOf(settingsOf(ctx), ctx.config.schedule.subscriptions[ctx.conversation]);
}

function slotTime(at: Date, zone: string): string {
  const date = dateInZone(at, zone);
  const minutes = (at.getUTCHours() * 60 + at.getUTCMinutes() + zoneOffsetMinutes(at, zone) + 1440) % 1440;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return `${formatShortDate(date)} ${time} ${displayZone(zone)}`;
}

export const countdownStatusCommand = defineCommand({
  path: ["countdown", "status"],
  // Slash commands cannot be both a command and a group: `/countdown status`, but `!countdown` too.
  aliases: [["countdown"]],
  summary: "What this room gets posted: the weekly summary and countdowns to the next milestone.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const subscription = currentSubscription(ctx);
    if (!subscription) return info(t`This room gets no scheduled posts. ${cmd("countdown on")} subscribes it (see ${cmd("help", "countdown on")}).`);
    const muted = mutedUntil(settingsOf(ctx));
    const mute = muted && muted > ctx.clock.now() ? ` Muted until ${slotTime(muted, subscription.zone)}.` : "";
    return info(t`This room gets ${describeSubscription(subscription)}.${mute} ${cmd("countdown preview")} shows the next posts.`);
  },
});

export const countdownOnCommand = defineCommand({
  path: ["countdown", "on"],
  summary: "Subscribe this room to the weekly summary and milestone countdowns.",
  bind: bindSubscription,
  args: z.object({
    cadence: param.word("auto (weekly, daily in the last week), daily or weekly", z.enum(CADENCES)).optional(),
    day: param.word("Weekday of the summary (default mon)", z.enum(WEEKDAYS)).optional(),
    time: param.word("Time of day, 24h (default 09:00)", z.string()).optional(),
    zone: param.word("Time zone: AoE or an IANA name (default UTC)", z.string()).optional(),
  }),
  permission: "manage",
  examples: ["!countdown on", "!countdown on daily 09:00 Europe/London", "!countdown on weekly fri 16:00 AoE"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const project = projectFor(state, ctx.conversation, ctx.config);
      if (!project.ok) return project;
      const parsed = SubscriptionSchema.safeParse({ ...currentSubscription(ctx), ...args });
      if (!parsed.success) return fail("usage", parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}), ...subscriptionSettings(parsed.data) };
      // Nothing before now counts as missed.
      settings[SETTING.lastSlot] = ctx.clock.now().toISOString();
      return ok({
        changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
        value: { tone: "ok", blocks: [{ type: "text", text: t`This room now gets ${describeSubscription(parsed.data)} (${project.value.name}). ${cmd("countdown preview")} shows what is next.` }] },
      });
    }),
});

export const countdownOffCommand = defineCommand({
  path: ["countdown", "off"],
  summary: "Stop scheduled posts in this room.",
  args: z.object({}),
  permission: "manage",
  run: (ctx) =>
    changeAndReply(ctx, (state) => {
      if (!currentSubscription(ctx)) return noChange(info("This room gets no scheduled posts already."));
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}), [SETTING.state]: "off" };
      return ok({
        changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
        value: { tone: "ok", blocks: [{ type: "text", text: t`No more scheduled posts here. ${cmd("countdown on")} brings them back.` }] },
      });
    }),
});

export const countdownMuteCommand = defineCommand({
  path: ["countdown", "mute"],
  summary: "Pause scheduled posts here for a while (3d, 2w) — or `unmute`.",
  args: z.object({ for: param.word("How long: 12h, 3d, 2w", z.string({ error: "for how long? 12h, 3d or 2w" }).regex(/^\d{1,3}\s*[hdw]$/i, "a span such as 12h, 3d or 2w")) }),
  permission: "manage",
  examples: ["!countdown mute 3d"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const now = ctx.clock.now();
      const back = parseSince(args.for, now)!;
      const until = new Date(2 * now.getTime() - back.getTime());
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}), [SETTING.mutedUntil]: until.toISOString() };
      const zone = currentSubscription(ctx)?.zone ?? "UTC";
      return ok({
        changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
        value: { tone: "ok", blocks: [{ type: "text", text: t`Muted until ${slotTime(until, zone)}. ${cmd("countdown unmute")} ends it sooner.` }] },
      });
    }),
});

export const countdownUnmuteCommand = defineCommand({
  path: ["countdown", "unmute"],
  summary: "Resume scheduled posts here.",
  args: z.object({}),
  permission: "manage",
  run: (ctx) =>
    changeAndReply(ctx, (state) => {
      const settings = { ...(own(state.conversations, ctx.conversation)?.settings ?? {}) };
      if (settings[SETTING.mutedUntil] === undefined) return noChange(info("This room is not muted."));
      delete settings[SETTING.mutedUntil];
      return ok({
        changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { settings } }],
        value: { tone: "ok", blocks: [{ type: "text", text: "Scheduled posts resume." }] },
      });
    }),
});

/** "13:00 Europe/London": the local time of an instant, for a reminder due on the day it is sent. */
function localTime(at: Date, zone: string): string {
  return slotTime(at, zone).split(" ").slice(-2).join(" ");
}

/** "a reminder to George Dunlap, 2 stale items (blktap3, NUMA scheduling); due 03:12 Europe/London, held by the quiet hours (22:00-08:00)". */
function reminderLine(nag: UpcomingNag, zone: string, muted: Date | undefined, quiet: RoomQuiet | undefined): string {
  const items = nag.features.map((feature) => featureLabel(feature));
  let line = `${slotTime(nag.at, zone)}: a reminder to ${nag.owner.name}, ${plural(items.length, "stale item")} (${items.join(", ")})`;
  if (nag.at > nag.due) {
    const unmuted = muted && muted > nag.due ? muted : nag.due;
    const held = [...(unmuted > nag.due ? ["the mute"] : []), ...(quiet && nag.at > unmuted ? [`the quiet hours (${describeQuietHours(quiet.hours)})`] : [])];
    const due = dateInZone(nag.due, zone) === dateInZone(nag.at, zone) ? localTime(nag.due, zone) : slotTime(nag.due, zone);
    line += `; due ${due}, held by ${held.join(" and ")}`;
  }
  return line;
}

/** What a post says, in a line: the countdown as posted; the summary by name, with the exceptions it lists. */
function postLine(slot: Slot, project: Project, release: Release, staleDays: number): string {
  if (slot.kind === "summary") {
    const granted = grantedList(release, slot.at);
    return `the weekly summary (taking stock)${granted ? `, with the freeze exceptions granted: ${granted}` : ""}`;
  }
  const post = postFor(slot, project, release, staleDays);
  return post ? renderPlain(post) : "(nothing to say)";
}

export const countdownPreviewCommand = defineCommand({
  path: ["countdown", "preview"],
  summary: "The next scheduled posts and reminders here, with their times and text, without posting them.",
  args: z.object({
    count: param
      .word("How many of each (default 3, at most 10)", z.string().regex(/^\d{1,2}$/, "a number up to 10").transform(Number).pipe(z.number().min(1).max(10)))
      .optional(),
  }),
  permission: "read",
  examples: ["!countdown preview", "!countdown preview 7"],
  run: (ctx, args) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    const now = ctx.clock.now();
    const count = args.count ?? 3;
    const subscribed = currentSubscription(ctx);
    const subscription = subscribed ?? SubscriptionSchema.parse({});
    const settings = settingsOf(ctx);
    const muted = mutedUntil(settings);
    const mute = muted && muted > now ? muted : undefined;
    // A slot the mute covers is skipped for good, one at its end is posted (see Scheduler.handleDue).
    const slots = nextSlots(subscription, release, mute ? new Date(mute.getTime() - 1) : now, count, ctx.config.schedule.tightenDays);
    const muteNote = mute && subscribed ? `Muted until ${slotTime(mute, subscription.zone)}: the posts due before then are skipped. ` : "";
    const intro = subscribed ? `${muteNote}Next posts here:` : t`This room is not subscribed; with ${cmd("countdown on")} it would get:`;
    const blocks: Reply["blocks"] =
      slots.length === 0
        ? [{ type: "text", text: t`${intro} none (the release has no milestone ahead).` }]
        : [{ type: "text", text: intro }, { type: "list", items: slots.map((slot) => ({ text: `${slotTime(slot.at, subscription.zone)}: ${postLine(slot, project, release, ctx.config.staleDays)}` })) }];
    if (nagsOn(settings)) {
      const quiet = roomQuiet(ctx.config, ctx.conversation, settings);
      const zone = quiet?.zone ?? subscription.zone;
      const nags = upcomingRoomNags(ctx.plan, ctx.conversation, ctx.config, now);
      if (nags.length === 0) blocks.push({ type: "text", text: "Reminders: none ahead (no owner has an item in play)." });
      else {
        const more = nags.length > count ? ` (the next ${count} of ${nags.length})` : "";
        blocks.push({ type: "text", text: `Reminders here${more}:` }, { type: "list", items: nags.slice(0, count).map((nag) => ({ text: reminderLine(nag, zone, mute, quiet) })) });
      }
    }
    return { tone: "info", blocks };
  },
});
