import type { PlanEvent, PlanState } from "../model/schema.js";
import type { Clock, Draft, HistoryQuery, PlanStore, StoreHealth, UpdateMeta } from "../ports.js";
import { fail, ok, type Result } from "../util/result.js";
import { ChangeError, applyChange, invertChange, prepare, validateAfter } from "../plan/reducer.js";
import type { Change } from "../model/schema.js";
import { HistoryIndex } from "./history-index.js";

/** Store implementations replay their history (and repair takes a command back) with the core's own reducer. */
export { applyChange, invertChange };

/** Where a store keeps its events: an array in memory, an append-only file on disk. */
export interface Journal {
  /**
   * Resolves once the events are written, and durable unless `durable` is false: bookkeeping nobody
   * is told about skips the sync, and the next durable append's sync covers it.
   */
  append(events: readonly PlanEvent[], durable?: boolean): Promise<readonly number[] | void>;
  /**
   * The events at these positions (as `append` returned them), in the same order. A journal with
   * it, whose appends return positions, gets an index: `!history FEATURE` and `!undo` read only
   * the lines they need. One without (PostgreSQL, shared with other writers) is scanned.
   */
  readAt?(positions: readonly number[]): Promise<PlanEvent[]>;
  /**
   * Group commit, for a journal that can: writes the events now, in order after every earlier
   * write, and returns their positions with a promise that settles once they are durable (or, when
   * `durable` is false, once every earlier write has settled). The store moves on to the next
   * update meanwhile, so one sync can cover several. Writes settle in the order they were made; a
   * failed sync rejects every write not yet settled (the journal takes them all back), and a
   * failed write throws here with nothing written.
   *
   * `alone`: no other update is waiting behind this one, so nothing could share its sync now; the
   * journal may then sync before returning, as a plain append does, rather than hand the sync to
   * the thread pool and wait for it to come back (two thread wake-ups, slow on a busy machine).
   * Updates that arrive meanwhile queue up and share the next sync.
   */
  write?(events: readonly PlanEvent[], durable: boolean, alone?: boolean): JournalWrite;
  /** Every event, newest first. */
  newestFirst(): AsyncIterable<PlanEvent>;
  /** Every event appended before the iteration starts, oldest first. */
  oldestFirst(): AsyncIterable<PlanEvent>;
}

export interface JournalWrite {
  positions: readonly number[];
  settled: Promise<void>;
  /**
   * Settled before `write` returned (synced there, with nothing written before it still waiting):
   * the store may acknowledge the update at once instead of a turn later.
   */
  settledAlready?: boolean;
}

/** An update written to a group-committing journal and not yet settled. */
interface Pending {
  applied: Change[];
  previousSeq: number;
  /** Taken back: a write before it, or its own, failed. */
  undone: boolean;
}

type Outcome<T> = Result<{ value: T; events: PlanEvent[] }>;

/**
 * The part every store shares: updates run one at a time on the live state, changes are applied
 * and checked first (and rolled back if anything is wrong), then written to the journal, and only
 * then is the caller told it worked.
 */
/** How many recent chat messages a store remembers having applied. */
export const REMEMBERED_ORIGINS = 10_000;

/** How many indexed events `history` reads at a time. */
const READ_BATCH = 16;

export class EventSourcedStore implements PlanStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Updates waiting for their turn in the queue. */
  private queued = 0;
  /** Updates written to the journal whose writes have not settled, oldest first. */
  private readonly pending: Pending[] = [];
  /** Resolved once `pending` is empty, for whoever asked `settled()` meanwhile. */
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly origins = new Set<string>();
  protected readonly index: HistoryIndex | undefined;

  constructor(
    protected readonly state: PlanState,
    private readonly journal: Journal,
    private readonly clock: Clock,
    /** Where the events already in the journal are; a new, empty one for an empty journal. */
    index?: HistoryIndex,
  ) {
    this.index = journal.readAt ? (index ?? new HistoryIndex()) : undefined;
  }

  read(): Readonly<PlanState> {
    return this.state;
  }

  update<T>(
    meta: UpdateMeta,
    fn: (state: Readonly<PlanState>) => Result<Draft<T>>,
  ): Promise<Result<{ value: T; events: PlanEvent[] }>> {
    this.queued++;
    return new Promise((resolve, reject) => {
      // The queue holds an update only until its events are written: with a group-committing
      // journal the next one is prepared while this one's sync runs, and one sync can cover both.
      // Its turn is a microtask away even when nothing is ahead: updates asked for in the same
      // turn of the event loop (a burst) are all queued by then, so the first knows it is not alone.
      this.queue = this.queue
        .then(() => {
          this.queued--;
          return this.commit(meta, fn, resolve, reject);
        })
        .catch(reject);
    });
  }

  /** Runs one update's turn; `done` is called once it is refused, or its events are settled. */
  private commit<T>(meta: UpdateMeta, fn: (state: Readonly<PlanState>) => Result<Draft<T>>, done: (outcome: Outcome<T>) => void, failed: (error: unknown) => void): Promise<void> | undefined {
    const drafted = fn(this.state);
    if (!drafted.ok) return void done(drafted);
    const draft = drafted.value;
    if (draft.changes.length === 0) return void done(ok({ value: draft.value, events: [] }));

    const applied: Change[] = [];
    try {
      for (const request of draft.changes) {
        const change = prepare(this.state, request);
        applyChange(this.state, change);
        applied.push(change);
        const problem = validateAfter(this.state, change);
        if (problem) throw new ChangeError(problem);
      }
    } catch (error) {
      this.rollback(applied);
      if (error instanceof ChangeError) return void done(fail("invalid", `That change was refused: ${error.message}.`));
      throw error;
    }

    const at = this.clock.now().toISOString();
    const txn = this.state.seq + 1;
    const events: PlanEvent[] = applied.map((change, index) => ({
      ...change,
      seq: txn + index,
      txn,
      ...(applied.length > 1 ? { txnEvents: applied.length } : {}),
      at,
      by: meta.by,
      command: meta.command.slice(0, 200),
      ...(meta.origin === undefined ? {} : { origin: meta.origin }),
      ...(draft.undoes === undefined ? {} : { undoes: draft.undoes }),
      ...(draft.quiet ? { quiet: true } : {}),
    }));
    const previousSeq = this.state.seq;
    this.state.seq = txn + events.length - 1;
    const durable = draft.durable ?? true;
    if (!this.journal.write) return this.appendInTurn(meta, draft.value, events, applied, previousSeq, durable, done);
    let written: JournalWrite;
    try {
      written = this.journal.write(events, durable, this.queued === 0);
    } catch (error) {
      this.rollback(applied);
      this.state.seq = previousSeq;
      throw error;
    }
    if (written.settledAlready && this.pending.length === 0) {
      // Durable already, and nothing written before it is still waiting: told now, in order.
      done(this.committed(meta, draft.value, events, written.positions));
      return undefined;
    }
    const pending: Pending = { applied, previousSeq, undone: false };
    this.pending.push(pending);
    written.settled.then(
      () => {
        // Writes settle in order, so this is the oldest; by identity all the same.
        this.pending.splice(this.pending.indexOf(pending), 1);
        done(this.committed(meta, draft.value, events, written.positions));
        this.whenIdle();
      },
      (error: unknown) => {
        this.undoFrom(pending);
        failed(error);
        this.whenIdle();
      },
    );
    return undefined;
  }

  /** A journal without group commit (PostgreSQL: the append is part of the update's transaction): the queue waits for it. */
  private async appendInTurn<T>(meta: UpdateMeta, value: T, events: PlanEvent[], applied: Change[], previousSeq: number, durable: boolean, done: (outcome: Outcome<T>) => void): Promise<void> {
    let positions: readonly number[] | void;
    try {
      positions = await this.journal.append(events, durable);
    } catch (error) {
      this.rollback(applied);
      this.state.seq = previousSeq;
      throw error;
    }
    done(this.committed(meta, value, events, positions));
  }

  /** An update's events are in the journal (durable, unless it asked otherwise): index them and say so. */
  private committed<T>(meta: UpdateMeta, value: T, events: PlanEvent[], positions: readonly number[] | void): Result<{ value: T; events: PlanEvent[] }> {
    if (this.index && positions) for (let i = 0; i < events.length; i++) this.index.add(events[i]!, positions[i]!);
    if (meta.origin !== undefined) this.remember(meta.origin);
    this.afterCommit(events);
    return ok({ value, events });
  }

  /**
   * A write failed: `failed` and every update written after it are taken back out of the state,
   * newest first (each was applied on top of the ones before), and their callers told it failed.
   */
  private undoFrom(failed: Pending): void {
    if (failed.undone) return;
    const from = this.pending.indexOf(failed);
    const undone = this.pending.splice(from);
    for (const pending of undone.reverse()) {
      this.rollback(pending.applied);
      pending.undone = true;
    }
    this.state.seq = failed.previousSeq;
  }

  /**
   * Resolves once every update written so far has settled (durable, or taken back after a failed
   * write). A reply that only read the plan waits for it, so it never shows a change that is not
   * on the disk yet. Undefined when nothing is waiting, so the common case costs no turn.
   */
  settled(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private whenIdle(): void {
    if (this.pending.length > 0 || !this.idle) return;
    this.idle.resolve();
    this.idle = undefined;
  }

  hasOrigin(origin: string): boolean {
    return this.origins.has(origin);
  }

  /** Keeps the most recent origins only: a Set iterates in insertion order, oldest first. */
  protected remember(origin: string): void {
    this.origins.delete(origin);
    this.origins.add(origin);
    if (this.origins.size > REMEMBERED_ORIGINS) {
      const oldest = this.origins.values().next();
      if (!oldest.done) this.origins.delete(oldest.value);
    }
  }

  /** Fills the memory of applied messages from the newest part of the history (on open). */
  protected async recallOrigins(): Promise<void> {
    const found: string[] = [];
    let scanned = 0;
    for await (const event of this.journal.newestFirst()) {
      if (event.origin !== undefined && event.seq === event.txn) found.push(event.origin);
      if (found.length >= REMEMBERED_ORIGINS || ++scanned >= REMEMBERED_ORIGINS * 5) break;
    }
    for (const origin of found.reverse()) this.remember(origin);
  }

  private rollback(applied: Change[]): void {
    for (const change of applied.reverse()) applyChange(this.state, invertChange(change));
  }

  /** Hook for stores that do something after a commit, such as scheduling a snapshot (never on the way to the reply). */
  protected afterCommit(_events: readonly PlanEvent[]): void {}

  /**
   * Runs `task` between updates, never inside one: while an update's append is under way the state
   * already holds its changes and the journal may not, so a snapshot taken there could record a
   * change that is then refused.
   */
  protected between<T>(task: () => Promise<T>): Promise<T> {
    // Also after every write has settled: a snapshot must not count a change a failed sync takes back.
    const run = this.queue.then(() => this.settled()).then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async history(query: HistoryQuery): Promise<PlanEvent[]> {
    if (query.limit <= 0) return [];
    const listed = this.journal.readAt ? this.index?.candidates(query) : undefined;
    if (listed) {
      // The index is derived: one that points at the wrong lines is not trusted, the history is.
      const found = await this.indexed(query, listed).catch(() => undefined);
      if (found) return found;
    }
    return this.scan(query);
  }

  /** The query answered from the index's positions; undefined when it may have missed older events. */
  private async indexed(query: HistoryQuery, listed: { positions: readonly number[]; complete: boolean }): Promise<PlanEvent[] | undefined> {
    const found: PlanEvent[] = [];
    const since = query.since?.toISOString();
    let previous = Infinity;
    for (let start = 0; start < listed.positions.length; start += READ_BATCH) {
      for (const event of await this.journal.readAt!(listed.positions.slice(start, start + READ_BATCH))) {
        if (event.seq >= previous) throw new Error("the history index is out of order");
        previous = event.seq;
        if (since !== undefined && event.at < since) return found;
        if (matches(event, query)) {
          found.push(event);
          if (found.length >= query.limit) return found;
        }
      }
    }
    // Everything the key ever had was listed: nothing older can match.
    return listed.complete ? found : undefined;
  }

  private async scan(query: HistoryQuery): Promise<PlanEvent[]> {
    const found: PlanEvent[] = [];
    const since = query.since?.toISOString();
    for await (const event of this.journal.newestFirst()) {
      if (since !== undefined && event.at < since) break;
      if (matches(event, query)) {
        found.push(event);
        if (found.length >= query.limit) break;
      }
    }
    return found;
  }

  async *events(fromSeq = 1): AsyncIterable<PlanEvent> {
    for await (const event of this.journal.oldestFirst()) {
      if (event.seq >= fromSeq) yield event;
    }
  }

  /** A store in memory can always record; stores with files check them. */
  async health(): Promise<StoreHealth> {
    return { ok: true, detail: "in memory" };
  }

  /** Waits for updates already queued, and their writes. */
  async drain(): Promise<void> {
    await this.queue;
    await this.settled();
  }

  async close(): Promise<void> {
    await this.drain();
  }
}

function matches(event: PlanEvent, query: HistoryQuery): boolean {
  if (event.quiet && !query.includeQuiet) return false;
  if (query.by !== undefined && event.by !== query.by) return false;
  if (event.entity === "conversation") return query.project === undefined && query.feature === undefined;
  if (query.project !== undefined && event.project !== query.project) return false;
  if (query.release !== undefined && (event.entity === "project" || event.release !== query.release)) return false;
  if (query.feature !== undefined && (event.entity !== "feature" || event.feature !== query.feature)) return false;
  return true;
}
