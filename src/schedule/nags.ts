import type { CoreConfig, Person } from "../config/core-config.js";
import { platformOf } from "../ids.js";
import { ownIdsOf, peopleFor } from "../plan/people.js";
import { projectIdFor } from "../access/scope.js";
import type { Conversation, PlanState } from "../model/schema.js";
import { dueAgain, planNags, upcomingNags, type Nag, type UpcomingNag } from "../plan/nags.js";
import { daysSinceUpdate } from "../plan/stale.js";
import { featureLabel } from "../plan/summary.js";
import type { Clock, Logger, PlanStore } from "../ports.js";
import { cmd, namedPerson, type Reply, t } from "../reply/reply.js";
import { ok } from "../util/result.js";
import { own } from "../util/own.js";
import { afterQuietHours, quietWindowAt, roomQuiet } from "./quiet-hours.js";
import { mutedUntil } from "./subscription.js";

/** Room settings for nags: on or off, and when each owner was last reminded here. */
export const NAG_SETTING = {
  on: "nag.on",
  lastPrefix: "nag.last.",
  /** `!nag me off`: this owner gets no reminders here. */
  stopPrefix: "nag.stop.",
} as const;

/** The nag keys (see planNags) that mean this chat id: people it belongs to, and owners naming the id. */
export function nagKeysFor(people: Readonly<Record<string, Person>>, invokerId: string): string[] {
  const keys = peopleFor(people, invokerId).map(([key]) => `person:${key}`);
  for (const id of ownIdsOf(invokerId)) keys.push(`name:${id}`);
  return keys;
}

type Settings = Conversation["settings"];

export function nagsOn(settings: Settings | undefined): boolean {
  return settings?.[NAG_SETTING.on] === true;
}

function lastReminded(settings: Settings | undefined, ownerKey: string): Date | undefined {
  const value = settings === undefined ? undefined : own(settings, NAG_SETTING.lastPrefix + ownerKey);
  return typeof value === "string" ? new Date(value) : undefined;
}

/** "George Dunlap, 2 of your items have had no update for 14 days or more: …" */
export function nagReply(nag: Nag, now: Date, staleDays: number): Reply {
  const who = nag.owner.chatId ? namedPerson(nag.owner.name, [nag.owner.chatId]) : nag.owner.name;
  const count = nag.features.length === 1 ? "1 of your items has" : `${nag.features.length} of your items have`;
  return {
    tone: "info",
    blocks: [
      { type: "text", text: t`${who}, a polite reminder: ${count} had no update for ${staleDays} days or more. A word on where it stands (${cmd("status", "FEATURE BUCKET")} or ${cmd("note", "FEATURE: TEXT")}) keeps the plan true.` },
      { type: "list", items: nag.features.map((feature) => ({ text: `${featureLabel(feature)}: ${daysSinceUpdate(feature, now)} days`, badge: feature.bucket })) },
    ],
  };
}

export interface NagOptions {
  store: PlanStore;
  config: CoreConfig;
  clock: Clock;
  logger: Logger;
  send: (conversation: string, reply: Reply) => Promise<void>;
}

/** Rooms that opted in with `!nag on`. */
export function nagRooms(state: Readonly<PlanState>): string[] {
  return Object.values(state.conversations)
    .filter((record) => nagsOn(record.settings))
    .map((record) => record.id);
}

/** What a room's reminders depend on: its settings, its current release, who has stopped theirs. */
function roomNags(state: Readonly<PlanState>, conversation: string, config: CoreConfig) {
  const settings = own(state.conversations, conversation)?.settings;
  if (!nagsOn(settings)) return undefined;
  const projectId = projectIdFor(state, conversation, config);
  const project = projectId === undefined ? undefined : own(state.projects, projectId);
  const release = project?.currentRelease ? own(project.releases, project.currentRelease) : undefined;
  if (!release) return undefined;
  return {
    settings,
    release,
    platform: platformOf(conversation) ?? "",
    muted: mutedUntil(settings),
    quiet: roomQuiet(config, conversation, settings),
    stopped: (nag: Nag) => own(settings ?? {}, NAG_SETTING.stopPrefix + nag.owner.key) === true,
  };
}

/**
 * The room's reminders ahead, soonest first, if nothing changes: each owner's next one, held to the
 * end of a mute and out of quiet hours, as sendDueNags will send them. Empty when the room has
 * reminders off.
 */
export function upcomingRoomNags(state: Readonly<PlanState>, conversation: string, config: CoreConfig, now: Date): UpcomingNag[] {
  const room = roomNags(state, conversation, config);
  if (!room) return [];
  const { settings, release, platform, muted, quiet, stopped } = room;
  const defer = (due: Date): Date => {
    const unmuted = muted && muted > due ? muted : due;
    return quiet ? afterQuietHours(quiet.hours, quiet.zone, unmuted) : unmuted;
  };
  return upcomingNags(release, config.people, now, config.staleDays, (key) => lastReminded(settings, key), platform, defer).filter((nag) => !stopped(nag));
}

/**
 * Sends the reminders due now. Each is claimed (the owner's "last reminded" written durably) before
 * it is sent, in one store step that checks the claim again on the latest state: a restart or a
 * second run never sends one twice; a crash in between loses one, never doubles it. A room in its
 * quiet hours or muted gets nothing now: its reminders stay due, and go out when the window ends.
 */
export async function sendDueNags(options: NagOptions): Promise<number> {
  const { store, config, clock, logger, send } = options;
  const now = clock.now();
  let sent = 0;
  for (const conversation of nagRooms(store.read())) {
    const room = roomNags(store.read(), conversation, config);
    if (!room) continue;
    const { settings, release, platform, muted, quiet, stopped } = room;
    if (muted && muted > now) continue;
    if (quiet && quietWindowAt(quiet.hours, quiet.zone, now)) continue;
    const nags = planNags(release, config.people, now, config.staleDays, (key) => lastReminded(settings, key), platform).filter((nag) => !stopped(nag));
    for (const nag of nags) {
      const key = NAG_SETTING.lastPrefix + nag.owner.key;
      const claimed = await store.update({ by: "stocktake:scheduler", command: `nag ${nag.owner.key}` }, (latest) => {
        const current = own(latest.conversations, conversation)?.settings ?? {};
        if (!nagsOn(current)) return ok({ changes: [], value: false });
        if (!dueAgain(lastReminded(current, nag.owner.key), now, config.staleDays)) return ok({ changes: [], value: false });
        return ok({
          changes: [{ entity: "conversation", conversation, op: "update", fields: { settings: { ...current, [key]: now.toISOString() } } }],
          value: true,
          quiet: true,
        });
      });
      if (!claimed.ok || !claimed.value.value) continue;
      try {
        await send(conversation, nagReply(nag, now, config.staleDays));
        sent++;
        logger.info({ conversation, owner: nag.owner.key }, "nag sent");
      } catch (error) {
        logger.warn({ err: error, conversation, owner: nag.owner.key }, "nag failed; it waits for the next period");
      }
    }
  }
  return sent;
}
