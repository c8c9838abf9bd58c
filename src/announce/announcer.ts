import { BucketSchema } from "../model/buckets.js";
import type { PlanEvent, PlanState } from "../model/schema.js";
import { describeEvent, milestoneLines } from "../plan/describe-event.js";
import { isNews } from "../plan/news.js";
import type { AnnouncementTarget, Logger } from "../ports.js";
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
  /**
   * A shared store's claim (several processes announcing to one target): records each key once
   * across every process and resolves with the ones this call recorded. Each change is posted to a
   * target only by the process that claimed it there, so it is posted once whoever hears of it.
   */
  claim?: (keys: readonly string[]) => Promise<ReadonlySet<string>>;
}

/** What the announcer posts: the plan's news (src/plan/news.ts). */
export const isAnnounced = isNews;

function projectOf(event: PlanEvent): string | undefined {
  return event.entity === "conversation" ? undefined : event.project;
}

function itemsFor(event: PlanEvent, state: Readonly<PlanState>): ListItem[] {
  const by = person(event.by);
  if (event.entity === "release" && event.before !== null && event.after !== null) {
    return milestoneLines(event.before["milestones"], event.after["milestones"]).map((text) => ({ text: t`${event.release}: ${text} — ${by}` }));
  }
  const bucket = BucketSchema.safeParse(event.after?.["bucket"]);
  return [{ text: t`${describeEvent(event, state)} — ${by}`, ...(bucket.success ? { badge: bucket.data } : {}) }];
}

/** One post for a batch of changes to one project. */
export function changesReply(projectId: string, events: readonly PlanEvent[], state: Readonly<PlanState>): Reply {
  const project = own(state.projects, projectId);
  const items = events.flatMap((event) => itemsFor(event, state));
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

  /** Posts what is waiting now: for one project, or for all (on shutdown). */
  async flush(project?: string): Promise<void> {
    const projects = project === undefined ? [...this.batches.keys()] : [project];
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
      .filter((target) => target.project === project)
      .map((target) => target.conversation);
  }

  private enqueue(project: string, events: readonly PlanEvent[]): Promise<void> {
    const previous = this.queues.get(project) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Each target on its own: one platform being down must not keep the news from the others.
      for (const conversation of this.targetsOf(project)) {
        try {
          const mine = await this.claimed(conversation, events);
          if (mine.length > 0) await this.options.post(conversation, changesReply(project, mine, this.options.read()));
        } catch (error) {
          this.options.logger.error({ err: error, project, conversation }, "announcement failed");
        }
      }
    });
    this.queues.set(project, next);
    return next;
  }
}
