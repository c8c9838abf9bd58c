import { BucketSchema } from "../model/buckets.js";
import type { PlanEvent, PlanState } from "../model/schema.js";
import type { Person } from "../config/core-config.js";
import { describeEvent, milestoneLines, type OwnersLine } from "../plan/describe-event.js";
import { ownersLine } from "../plan/people.js";
import { isNews } from "../plan/news.js";
import type { AnnouncementTarget, Clock, Logger, PlanStore } from "../ports.js";
import { ok } from "../util/result.js";
import { person, t, type ListItem, type Reply } from "../reply/reply.js";
import { own } from "../util/own.js";

/**
 * Posts a project's release news to its announcement targets (a Discord announcements channel, a
 * Matrix room, …): status changes, batched so that ten quick changes make one post. Scheduled
 * summaries and countdowns reach the same targets through the scheduler. `post` does the sending.
 */

export interface AnnouncerOptions {
  /** The conversations that announce each project, asked at every post (adapters start late). */
  targets: () => readonly AnnouncementTarget[];
  /** Changes within this window of the first one make one post. */
  batchMs: number;
  read: () => Readonly<PlanState>;
  post: (conversation: string, reply: Reply) => Promise<void>;
  logger: Logger;
  /** The people of the config: an owner who is one of them is named by their name. */
  people?: People;
  /**
   * The outbox: each target records in the store the last change it was told about, claimed
   * before the post goes out, so news still waiting in a batch when the process dies is posted
   * once after the restart (`catchUp`), within `graceMs`. Without it, a batch lives in memory only.
   */
  outbox?: { store: PlanStore; clock: Clock; graceMs: number };
  /**
   * A shared store's claim (several processes announcing to one target): records each key once
   * across every process and resolves with the ones this call recorded. Each change is posted to a
   * target only by the process that claimed it there, so it is posted once whoever hears of it.
   */
  claim?: (keys: readonly string[]) => Promise<ReadonlySet<string>>;
}

type People = Readonly<Record<string, Person>>;

/** Per target: the sequence number of the last change it was told about (posted or skipped). */
export const ANNOUNCED_SETTING = "announce.lastSeq";

function announcedUpTo(state: Readonly<PlanState>, conversation: string): number | undefined {
  const value = own(state.conversations, conversation)?.settings[ANNOUNCED_SETTING];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** What the announcer posts: the plan's news (src/plan/news.ts). */
export const isAnnounced = isNews;

function projectOf(event: PlanEvent): string | undefined {
  return event.entity === "conversation" ? undefined : event.project;
}

function itemsFor(event: PlanEvent, state: Readonly<PlanState>, owners: OwnersLine): ListItem[] {
  const by = person(event.by);
  if (event.entity === "release" && event.before !== null && event.after !== null) {
    return milestoneLines(event.before["milestones"], event.after["milestones"]).map((text) => ({ text: t`${event.release}: ${text} — ${by}` }));
  }
  const bucket = BucketSchema.safeParse(event.after?.["bucket"]);
  return [{ text: t`${describeEvent(event, state, owners)} — ${by}`, ...(bucket.success ? { badge: bucket.data } : {}) }];
}

/** One post for a batch of changes to one project; owners who are `people` of the config by their names. */
export function changesReply(projectId: string, events: readonly PlanEvent[], state: Readonly<PlanState>, people: People = {}): Reply {
  const project = own(state.projects, projectId);
  const owners = ownersLine(people);
  const items = events.flatMap((event) => itemsFor(event, state, owners));
  const releases = [...new Set(events.flatMap((event) => (event.entity === "feature" || event.entity === "release" ? [event.release] : [])))];
  const name = `${project?.name ?? projectId}${releases.length === 1 ? ` ${releases[0]}` : ""}`;
  return {
    tone: "info",
    blocks: [
      { type: "heading", text: `${name}: ${items.length} ${items.length === 1 ? "change" : "changes"}` },
      { type: "list", items },
    ],
  };
}

interface Batch {
  events: PlanEvent[];
  timer: NodeJS.Timeout;
}

export class Announcer {
  private readonly batches = new Map<string, Batch>();
  /** Posts go out one at a time per project, so they arrive in the order the changes happened. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Targets whose missed news this process has already looked for. */
  private readonly caughtUp = new Set<string>();

  constructor(private readonly options: AnnouncerOptions) {}

  /** The `onChange` listener: never throws, never waits. */
  receive(events: readonly PlanEvent[]): void {
    for (const event of events) {
      const project = projectOf(event);
      if (project === undefined || this.targetsOf(project).length === 0 || !isAnnounced(event)) continue;
      const batch = this.batches.get(project);
      if (batch) {
        batch.events.push(event);
        continue;
      }
      // A fixed window from the first change, not a debounce: a steady stream still gets posted.
      const timer = setTimeout(() => void this.flush(project), this.options.batchMs);
      timer.unref?.();
      this.batches.set(project, { events: [event], timer });
    }
  }

  /**
   * Posts what is waiting now: for one project, or for all (on shutdown). Either way it resolves
   * only once the posts already on their way are done too, so a shutdown does not cut one off.
   */
  async flush(project?: string): Promise<void> {
    const projects = project === undefined ? [...new Set([...this.batches.keys(), ...this.queues.keys()])] : [project];
    await Promise.all(
      projects.map((id) => {
        const batch = this.batches.get(id);
        if (!batch) return this.queues.get(id);
        clearTimeout(batch.timer);
        this.batches.delete(id);
        return this.enqueue(id, batch.events);
      }),
    );
  }

  /**
   * Posts, once, the news each target missed while the process was down: the changes after the
   * last one it was told about, within the grace window. Call it on start and whenever an adapter
   * (and so its targets) comes up; a target is looked at once per process.
   */
  async catchUp(): Promise<void> {
    if (!this.options.outbox) return;
    // A target already looked at may still be posting what it missed: wait for that too.
    await Promise.all(
      this.options.targets().map((target) => (this.caughtUp.has(target.conversation) ? this.queues.get(target.project) : this.enqueue(target.project, [], target.conversation))),
    );
  }

  /** The news a target was not told of yet, from the history: once per target and process. */
  private async missed(project: string, conversation: string): Promise<PlanEvent[]> {
    const outbox = this.options.outbox;
    if (!outbox || this.caughtUp.has(conversation)) return [];
    this.caughtUp.add(conversation);
    const from = announcedUpTo(outbox.store.read(), conversation);
    if (from === undefined) {
      // A new target: nothing was missed before it existed (but what waits in a batch is news).
      const waiting = this.batches.get(project)?.events.map((event) => event.seq) ?? [];
      await this.claim(conversation, waiting.length > 0 ? Math.min(...waiting) - 1 : outbox.store.read().seq);
      return [];
    }
    const since = new Date(outbox.clock.now().getTime() - outbox.graceMs);
    const found = await outbox.store.history({ project, since, limit: 1_000 });
    const missed = found.filter((event) => event.seq > from && isAnnounced(event)).reverse();
    if (missed.length > 0) {
      this.options.logger.info({ project, conversation, changes: missed.length, after: from }, "posting news not yet announced (Stocktake stopped before it could)");
    }
    return missed;
  }

  async stop(): Promise<void> {
    await this.flush();
  }

  /** The events this process is to post to the target: all of them, unless a shared store's claim gave some to another. */
  private async claimed(conversation: string, events: readonly PlanEvent[]): Promise<readonly PlanEvent[]> {
    if (!this.options.claim) return events;
    const keyOf = (event: PlanEvent) => JSON.stringify(["announce", conversation, event.seq]);
    const won = await this.options.claim(events.map(keyOf));
    return events.filter((event) => won.has(keyOf(event)));
  }

  private targetsOf(project: string): string[] {
    return this.options
      .targets()
      .filter((target) => target.project === project && target.news !== false)
      .map((target) => target.conversation);
  }

  /**
   * Records that `conversation` has been told of every change up to `seq`, before it is told.
   * Resolves with the number it had been told up to (so only what is newer is posted), or
   * undefined when there is nothing newer or the claim could not be written.
   */
  private async claim(conversation: string, seq: number): Promise<number | undefined> {
    const outbox = this.options.outbox;
    if (!outbox) return 0;
    try {
      const result = await outbox.store.update({ by: "stocktake:announcer", command: `announce ${conversation} ${seq}` }, (state) => {
        const previous = announcedUpTo(state, conversation) ?? -1;
        if (previous >= seq) return ok({ changes: [], value: undefined });
        const settings = own(state.conversations, conversation)?.settings ?? {};
        return ok({
          changes: [{ entity: "conversation" as const, conversation, op: "update" as const, fields: { settings: { ...settings, [ANNOUNCED_SETTING]: seq } } }],
          value: previous,
          quiet: true,
        });
      });
      return result.ok ? result.value.value : undefined;
    } catch (error) {
      // Not claimed, not posted: the next start finds it still waiting.
      this.options.logger.error({ err: error, conversation }, "could not record an announcement before posting it; it waits for the next start");
      return undefined;
    }
  }

  private enqueue(project: string, events: readonly PlanEvent[], only?: string): Promise<void> {
    const previous = this.queues.get(project) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Each target on its own: one platform being down must not keep the news from the others.
      for (const conversation of only === undefined ? this.targetsOf(project) : [only]) {
        const missed = await this.missed(project, conversation);
        const all = missed.length === 0 ? events : [...missed, ...events.filter((event) => event.seq > missed.at(-1)!.seq)];
        if (all.length === 0) continue;
        const told = await this.claim(conversation, Math.max(...all.map((event) => event.seq)));
        if (told === undefined) continue;
        const news = all.filter((event) => event.seq > told);
        if (news.length === 0) continue;
        try {
          const mine = await this.claimed(conversation, news);
          if (mine.length > 0) await this.options.post(conversation, changesReply(project, mine, this.options.read(), this.options.people));
        } catch (error) {
          this.options.logger.error({ err: error, project, conversation }, "announcement failed");
        }
      }
    });
    this.queues.set(project, next);
    return next;
  }
}
