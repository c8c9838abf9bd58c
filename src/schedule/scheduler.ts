import type { CoreConfig } from "../config/core-config.js";
import { projectIdFor } from "../access/scope.js";
import type { PlanState } from "../model/schema.js";
import type { Clock, Logger, PlanStore, Timer } from "../ports.js";
import type { Reply } from "../reply/reply.js";
import { ok } from "../util/result.js";
import { postFor, slotKey, slotsBetween, nextSlots, type Slot } from "./posts.js";
import { SETTING, countdownSettingsOf, lastSlot, mutedUntil, subscriptionOf, type Subscription } from "./subscription.js";
import { own } from "../util/own.js";
import { nagRooms, sendDueNags, upcomingRoomNags } from "./nags.js";

/** How often rooms with `!nag on` are looked at for reminders due. */
const NAG_CHECK_MS = 3_600_000;

export type { Timer };

/** A room or channel that gets posts without asking, such as a Discord announcements channel. */
export interface StandingTarget {
  conversation: string;
  project: string;
  subscription: Subscription;
}

export interface SchedulerOptions {
  store: PlanStore;
  config: CoreConfig;
  clock: Clock;
  timer: Timer;
  logger: Logger;
  /** Delivers a post; throws when the platform cannot take it now. */
  send: (conversation: string, reply: Reply) => Promise<void>;
  /** Extra targets from adapters, asked afresh on every run. */
  standingTargets?: () => readonly StandingTarget[];
  /** Called after each post, for metrics. */
  onPost?: (conversation: string, slot: Slot) => void;
}

interface Target {
  conversation: string;
  project: string;
  subscription: Subscription;
}

const SEND_RETRIES = 4;

/**
 * Posts countdowns and summaries when they are due, in the process's one event loop.
 *
 * Restart safety: each room remembers the last slot it handled (`countdown.lastSlot`), written
 * durably *before* the post goes out, so a post is never made twice, even across a crash. On
 * start, a slot missed while the bot was down is posted once if it is within the grace window;
 * older ones are skipped and logged. A summary and a countdown never fall on the same slot, and a
 * room subscribed twice (config and command) is one target, so schedules that coincide post once.
 */
export class Scheduler {
  private timer: { cancel(): void } | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): Promise<void> {
    this.stopped = false;
    return this.runDue();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    return this.running;
  }

  /** Resolves when the current run, if any, is over. */
  settled(): Promise<void> {
    return this.running;
  }

  /** Re-plans after a change to subscriptions or milestones. */
  reschedule(): void {
    if (this.stopped) return;
    this.timer?.cancel();
    const now = this.options.clock.now();
    const state = this.options.store.read();
    let earliest: Date | undefined;
    for (const target of this.targets(state)) {
      const release = currentRelease(state, target.project);
      const [next] = nextSlots(target.subscription, release, now, 1, this.options.config.schedule.tightenDays);
      if (next && (!earliest || next.at < earliest)) earliest = next.at;
    }
    const rooms = nagRooms(state);
    if (rooms.length > 0) {
      // The hourly look catches what no plan foresaw (a feature added since); the plan wakes the
      // scheduler when a reminder falls due, a mute lifts or a room's quiet hours end.
      const check = new Date(now.getTime() + NAG_CHECK_MS);
      if (!earliest || check < earliest) earliest = check;
      for (const room of rooms) {
        const next = upcomingRoomNags(state, room, this.options.config, now).find((nag) => nag.at > now);
        if (next && next.at < earliest) earliest = next.at;
      }
    }
    if (earliest) this.timer = this.options.timer.at(earliest, () => void this.runDue());
  }

  /** Handles every slot that is due now, then arms the timer for the next one. */
  runDue(): Promise<void> {
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      // A post tells people what the plan says: not a change whose write is still reaching the disk.
      await this.options.store.settled?.();
      try {
        await this.handleDue();
      } catch (error) {
        this.options.logger.error({ err: error }, "scheduler run failed");
      }
      try {
        await sendDueNags(this.options);
      } catch (error) {
        this.options.logger.error({ err: error }, "nag run failed");
      }
      this.reschedule();
    });
    return this.running;
  }

  private targets(state: Readonly<PlanState>): Target[] {
    const { config } = this.options;
    const found = new Map<string, Target>();
    const consider = (conversation: string, fallback: Subscription | undefined, project?: string) => {
      if (found.has(conversation)) return;
      const subscription = subscriptionOf(own(state.conversations, conversation)?.settings, fallback);
      const projectId = project ?? projectIdFor(state, conversation, config);
      if (subscription && projectId && own(state.projects, projectId)) found.set(conversation, { conversation, project: projectId, subscription });
    };
    for (const [conversation, record] of Object.entries(state.conversations)) {
      if (countdownSettingsOf(record.settings).state === "on") consider(conversation, undefined);
    }
    for (const [conversation, subscription] of Object.entries(config.schedule.subscriptions)) consider(conversation, subscription);
    for (const target of this.options.standingTargets?.() ?? []) consider(target.conversation, target.subscription, target.project);
    return [...found.values()];
  }

  private async handleDue(): Promise<void> {
    const { clock, logger, config, store } = this.options;
    const now = clock.now();
    const graceMs = config.schedule.graceHours * 3_600_000;
    for (const target of this.targets(store.read())) {
      const state = store.read();
      const settings = own(state.conversations, target.conversation)?.settings;
      const release = currentRelease(state, target.project);
      const handled = lastSlot(settings);
      if (!handled) {
        // A new subscription: nothing was missed before it existed.
        await this.claim(target.conversation, now, "subscribed");
        continue;
      }
      const due = slotsBetween(target.subscription, release, handled, now, config.schedule.tightenDays);
      if (due.length === 0) continue;
      const latest = due[due.length - 1]!;
      for (const missed of due.slice(0, -1)) {
        logger.info({ conversation: target.conversation, post: slotKey(target.conversation, missed) }, "post skipped: a later one is due");
      }
      const key = slotKey(target.conversation, latest);
      // Claimed before it is sent: after a crash in between, the post is lost, never doubled.
      const claimed = await this.claim(target.conversation, latest.at, key);
      if (!claimed) continue;
      if (now.getTime() - latest.at.getTime() > graceMs) {
        logger.warn({ conversation: target.conversation, post: key, due: latest.at.toISOString() }, "post skipped: missed by more than the grace window");
        continue;
      }
      const muted = mutedUntil(settings);
      if (muted && muted > latest.at) {
        logger.info({ conversation: target.conversation, post: key, mutedUntil: muted.toISOString() }, "post skipped: room muted");
        continue;
      }
      const project = own(state.projects, target.project);
      const reply = project && release ? postFor(latest, project, release, config.staleDays, config.people) : undefined;
      if (!reply) continue;
      await this.deliver(target.conversation, reply, key);
      this.options.onPost?.(target.conversation, latest);
    }
  }

  /** Records the slot as handled. False when another run got there first. */
  private async claim(conversation: string, at: Date, key: string): Promise<boolean> {
    const result = await this.options.store.update({ by: "stocktake:scheduler", command: `post ${key}` }, (state) => {
      const settings = own(state.conversations, conversation)?.settings ?? {};
      const previous = lastSlot(settings);
      if (previous && previous >= at) return ok({ changes: [], value: false });
      return ok({
        changes: [{ entity: "conversation", conversation, op: "update", fields: { settings: { ...settings, [SETTING.lastSlot]: at.toISOString() } } }],
        value: true,
        quiet: true,
      });
    });
    return result.ok && result.value.value;
  }

  private async deliver(conversation: string, reply: Reply, key: string): Promise<void> {
    const { logger, send } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        await send(conversation, reply);
        logger.info({ conversation, post: key }, "posted");
        return;
      } catch (error) {
        if (attempt >= SEND_RETRIES || this.stopped) {
          logger.error({ err: error, conversation, post: key }, "post failed; not retried again");
          return;
        }
        const wait = 1_000 * 2 ** attempt;
        logger.warn({ err: error, conversation, post: key, retryInMs: wait }, "post failed; retrying");
        await new Promise<void>((resolve) => this.options.timer.at(new Date(this.options.clock.now().getTime() + wait), resolve));
      }
    }
  }
}

function currentRelease(state: Readonly<PlanState>, projectId: string) {
  const project = own(state.projects, projectId);
  return project?.currentRelease ? own(project.releases, project.currentRelease) : undefined;
}
