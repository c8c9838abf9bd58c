import { createHmac, timingSafeEqual } from "node:crypto";
import pg, { escapeLiteral } from "pg";
import { z } from "zod";
import { loadState } from "../../../src/model/migrations.js";
import { emptyState, EventSchema, type PlanEvent, type PlanState } from "../../../src/model/schema.js";
import { applyChange, EventSourcedStore, REMEMBERED_ORIGINS, type Journal } from "../../../src/store/event-store.js";
import { systemClock, type Clock, type Draft, type Logger, type StoreHealth, type UpdateMeta } from "../../../src/ports.js";
import type { ChangeRequest } from "../../../src/model/change.js";
import { cmd, person, t } from "../../../src/reply/text.js";
import { own } from "../../../src/util/own.js";
import { StoreUnavailableError } from "../../../src/store/unavailable.js";
import { fail, type Result } from "../../../src/util/result.js";
import { StoreLoadError } from "../lowdb-store.js";
import { migrateSchema } from "./migrations.js";

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Where the tables live; created when missing (default public). */
  schema?: string;
  poolSize?: number;
  clock?: Clock;
  logger?: Logger;
  /** Store a snapshot of the state in the plan row every this many events (default 1000). */
  snapshotEvery?: number;
  /**
   * Follow other processes' commits as they happen (LISTEN/NOTIFY), so `read()` shows them without
   * waiting for this process's next update. Default true.
   */
  listen?: boolean;
}

/**
 * The channel every commit notifies; one per schema, as channels are per database. The payload is
 * `{"seq":last,"events":[…]}`, the events left out when they would not fit.
 */
const channelFor = (schema: string) => `stocktake_events_${schema}`;
/** PostgreSQL refuses a notification payload of 8000 bytes or more. */
const PAYLOAD_MAX_BYTES = 7999;
const PAGE = 500;
const UNIQUE_VIOLATION = "23505";
/** How many of other processes' recent events a store keeps, to tell a command what changed since it arrived. */
const FOREIGN_KEPT = 2000;
/** Reconnecting the notification connection: the first wait, doubled after each failure up to the last. */
const RELISTEN_FIRST_MS = 250;
const RELISTEN_MAX_MS = 30_000;
/** A change waits at most this long for a connection before it is refused with "try again". */
const CONNECT_TIMEOUT_MS = 5_000;
/** Who touched a feature last and when: every change sets them, so they are no conflict. */
const STAMPS = new Set(["updatedAt", "updatedBy"]);

/**
 * Whether a change asked for now would overwrite what `event` (another process's, unseen by the
 * person) did: the same feature, and the same fields (or all of them: created, deleted).
 */
function overwrites(request: ChangeRequest, event: PlanEvent): boolean {
  if (request.entity !== "feature" || event.entity !== "feature") return false;
  if (request.project !== event.project || request.release !== event.release || request.feature !== event.feature) return false;
  if (request.op !== "update" || event.before === null || event.after === null) return true;
  const theirs = new Set(Object.keys(event.after).filter((field) => !STAMPS.has(field)));
  return Object.keys(request.fields).some((field) => !STAMPS.has(field) && theirs.has(field));
}

/** The connection failed, as opposed to the database refusing a statement: the server is down, restarting or out of reach. */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    // 57P01-03: shut down by the administrator, crash, still starting; 08xxx: connection exceptions.
    if (/^(57P0[123]|08...)$/.test(code)) return true;
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"].includes(code)) return true;
  }
  const message = (error as Error | null)?.message ?? "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}

/** The URL for people and logs: never the password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/**
 * What a commit tells the others: its last seq, and its events (as JSON already written for the
 * insert) when they fit, signed with the plan row's key (any role that can connect may send a
 * notification on the channel; only those who can read the plan know the key):
 * `<HMAC-SHA256 in hex>{"seq":…,"events":[…]}`, or `{"seq":…}` alone.
 */
export function notifyPayload(last: number, events: readonly string[], key: string): string {
  const body = `{"seq":${last},"events":[${events.join(",")}]}`;
  return MAC_LENGTH + Buffer.byteLength(body) <= PAYLOAD_MAX_BYTES ? sign(key, body) + body : `{"seq":${last}}`;
}

const MAC_LENGTH = 64;
const sign = (key: string, body: string) => createHmac("sha256", key).update(body).digest("hex");
const PayloadSchema = z.object({ seq: z.number().int().nonnegative(), events: z.array(z.unknown()).optional() });

/**
 * A notification's payload: the seq, and the events when they are signed with `key`; a bare seq
 * (as Stocktake before it wrote) is read too. `forged`: it carried events not signed with the key
 * (they are left out). Undefined when it is none of these.
 */
export function parsePayload(payload: string | undefined, key: string): { seq: number; events?: unknown[]; forged?: true } | undefined {
  if (payload === undefined) return undefined;
  if (/^\d+$/.test(payload)) return { seq: Number(payload) };
  let body = payload;
  let signed = false;
  if (/^[0-9a-f]{64}\{/.test(payload)) {
    body = payload.slice(MAC_LENGTH);
    const given = Buffer.from(payload.slice(0, MAC_LENGTH), "hex");
    signed = timingSafeEqual(given, Buffer.from(sign(key, body), "hex"));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = PayloadSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if (parsed.data.events === undefined) return { seq: parsed.data.seq };
  return signed ? { seq: parsed.data.seq, events: parsed.data.events } : { seq: parsed.data.seq, forged: true };
}

/** A number written into SQL text: only a whole number can be. */
function wholeNumber(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${value}`);
  return String(value);
}

type CheckedOut = pg.PoolClient & { done: (broken: boolean) => void };

interface EventRow {
  seq: string;
  event: unknown;
}

function parseEvent(raw: unknown, seq: string | number): PlanEvent {
  const parsed = EventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreLoadError(`events row ${seq} is not a valid Stocktake event: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return parsed.data;
}

/** The append without the lock wrote nothing: another writer holds the plan row or moved it on (contended), or the append needs the lock. */
class Stale extends Error {
  constructor(readonly contended: boolean) {
    super(contended ? "another writer holds the plan or moved it on; nothing was written" : "this append is made under the lock");
  }
}

/**
 * The events table as the shared store's journal. An append either is one statement that checks
 * and takes the plan row itself, or happens inside the transaction the store opened for the update
 * (holding the plan row's lock); either way it commits, and the change is acknowledged only once
 * PostgreSQL has it.
 */
class PostgresJournal implements Journal {
  /** The connection of the update in progress; appends outside one are a bug. */
  tx: pg.ClientBase | undefined;
  /**
   * Whether `tx` holds the plan row's lock in an open transaction. If not, the append is one
   * statement that writes only if the plan is still at the seq this process's state has, and
   * commits itself; otherwise it writes nothing and throws `Stale`.
   */
  locked = false;
  /** The seq of the snapshot in the plan row, as read under the lock. */
  snapshotSeq = 0;
  /** COMMIT was sent and has not answered: if the connection dies now, the change may be in. */
  committing = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly state: () => PlanState,
    private readonly snapshotEvery: number,
    /** Signs the events a notification carries (see notifyPayload). */
    readonly notifyKey: string,
  ) {}

  async append(events: readonly PlanEvent[], durable = true): Promise<void> {
    const tx = this.tx;
    if (!tx) throw new Error("PostgresJournal.append outside an update's transaction");
    const last = events[events.length - 1]!.seq;
    const snapshotDue = last - this.snapshotSeq >= this.snapshotEvery;
    // A NUL would end a simple query's text: such an append goes as parameters.
    const plain = !events.some((event) => (event.origin ?? "").includes("\0") || event.at.includes("\0"));
    // The locked path writes snapshots, having read under the lock whether another process just did.
    if (!this.locked && (snapshotDue || !plain)) throw new Stale(false);
    const snapshot = snapshotDue ? JSON.stringify(this.state()) : null;
    const json = events.map((event) => JSON.stringify(event));
    const payload = notifyPayload(last, json, this.notifyKey);
    const values = () =>
      events
        .map(
          (event, i) =>
            `(${wholeNumber(event.seq)}::bigint, ${wholeNumber(event.txn)}::bigint, ${escapeLiteral(event.at)}::timestamptz, ${event.origin === undefined ? "NULL" : escapeLiteral(event.origin)}::text, ${escapeLiteral(json[i]!)}::jsonb)`,
        )
        .join(", ");
    if (!this.locked) {
      // One statement, its own transaction: it takes the plan row if no other writer holds it
      // and it is still at the seq before these events, and then writes; else it writes nothing
      // (without waiting: a writer holding the row will have moved the seq on by the time it lets go).
      // Its COMMIT is part of it: from here a dropped connection leaves it unknown.
      const text = `WITH free AS (SELECT FROM plan WHERE seq = ${wholeNumber(events[0]!.seq - 1)} FOR UPDATE SKIP LOCKED), head AS (UPDATE plan SET seq = ${wholeNumber(last)} WHERE EXISTS (SELECT FROM free) RETURNING seq), appended AS (INSERT INTO events (seq, txn, at, origin, event) SELECT * FROM (VALUES ${values()}) AS v WHERE EXISTS (SELECT FROM head)) SELECT pg_notify(${escapeLiteral(this.channel)}, ${escapeLiteral(payload)})${durable ? "" : ", set_config('synchronous_commit', 'off', true)"} FROM head`;
      this.committing = true;
      const written = await tx.query(text);
      this.committing = false;
      if (written.rows.length === 0) throw new Stale(true);
      this.tx = undefined;
      return;
    }
    // A snapshot (megabytes) goes as parameters, with COMMIT a round trip of its own; every other
    // append and its COMMIT are one round trip while the plan row is locked, as every other writer
    // is waiting for it.
    if (snapshot === null && plain) {
      // Bookkeeping nobody is told about need not wait for the disk, as with the file's skipped fsync.
      const text = `${durable ? "" : "SET LOCAL synchronous_commit TO off; "}WITH appended AS (INSERT INTO events (seq, txn, at, origin, event) VALUES ${values()}), head AS (UPDATE plan SET seq = ${wholeNumber(last)}) SELECT pg_notify(${escapeLiteral(this.channel)}, ${escapeLiteral(payload)}); COMMIT`;
      // The COMMIT is in the same string: from here a dropped connection leaves it unknown.
      this.committing = true;
      await tx.query(text);
    } else {
      if (!durable) await tx.query("SET LOCAL synchronous_commit TO off");
      await tx.query(
        `WITH appended AS (
           INSERT INTO events (seq, txn, at, origin, event)
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::jsonb[])
         ), head AS (
           UPDATE plan SET seq = $6, snapshot = coalesce($7::jsonb, snapshot), snapshot_seq = CASE WHEN $7::jsonb IS NULL THEN snapshot_seq ELSE $6 END
         )
         SELECT pg_notify($8, $9)`,
        [
          events.map((event) => event.seq),
          events.map((event) => event.txn),
          events.map((event) => event.at),
          events.map((event) => event.origin ?? null),
          json,
          last,
          snapshot,
          this.channel,
          payload,
        ],
      );
      this.committing = true;
      await tx.query("COMMIT");
    }
    this.committing = false;
    if (snapshot !== null) this.snapshotSeq = last;
    this.tx = undefined;
  }

  async *newestFirst(): AsyncIterable<PlanEvent> {
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = await this.pool.query<{ seq: string; event: unknown }>("SELECT seq, event FROM events WHERE seq < $1 ORDER BY seq DESC LIMIT $2", [before, PAGE]);
      for (const row of page.rows) yield parseEvent(row.event, row.seq);
      if (page.rows.length < PAGE) return;
      before = Number(page.rows[page.rows.length - 1]!.seq);
    }
  }

  async *oldestFirst(fromSeq = 1): AsyncIterable<PlanEvent> {
    // Events committed meanwhile belong to the next iteration, as with the file.
    const head = await this.pool.query<{ seq: string }>("SELECT seq FROM plan");
    const end = Number(head.rows[0]?.seq ?? 0);
    let after = fromSeq - 1;
    while (after < end) {
      const page = await this.pool.query<{ seq: string; event: unknown }>("SELECT seq, event FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3", [after, end, PAGE]);
      for (const row of page.rows) yield parseEvent(row.event, row.seq);
      if (page.rows.length < PAGE) return;
      after = Number(page.rows[page.rows.length - 1]!.seq);
    }
  }
}

/**
 * The plan on PostgreSQL, for several Stocktake processes sharing one plan. Each process keeps the
 * state in memory (so `read()` and `!status` never wait on the network) and folds in the events
 * other processes commit (carried by their notifications). An update runs on that state and
 * writes its events with one statement that commits only if the `plan` row is free and still at the
 * seq the state has; else (or while others keep writing) it locks the `plan` row, folds in what
 * others committed meanwhile, runs on that latest state, appends its events and commits, in one
 * transaction. Either way the events table's seq is one total order and writers in different
 * processes take turns as updates in one process do.
 */
export class PostgresStore extends EventSourcedStore {
  private turn: Promise<unknown> = Promise.resolve();
  private listener: pg.Client | undefined;
  private relisten: NodeJS.Timeout | undefined;
  private relistenDelay = RELISTEN_FIRST_MS;
  private closed = false;
  /** The highest seq another process announced; a sync behind an update that already folded it in has nothing to do. */
  private announced = 0;
  private syncQueued = false;
  /** The last change under the lock found others' commits it had not heard of: the next one takes the lock at once. */
  private contended = false;
  /** Events notifications carried, oldest first, not yet folded in. */
  private carried: PlanEvent[] = [];
  /** Other processes' latest events, oldest first, as folded in. */
  private foreign: PlanEvent[] = [];
  private readonly foreignListeners = new Set<(events: readonly PlanEvent[]) => void>();

  private constructor(
    state: PlanState,
    private readonly pool: pg.Pool,
    private readonly pgJournal: PostgresJournal,
    clock: Clock,
    private readonly options: PostgresStoreOptions,
  ) {
    super(state, pgJournal, clock);
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? "public";
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new StoreLoadError(`store.schema: ${JSON.stringify(schema)} is not a plain lower-case schema name`);
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, options: `-c search_path=${schema}`, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection the server dropped is replaced on next use; without a listener it would crash the process.
    pool.on("error", (error) => options.logger?.warn({ err: error }, "an idle PostgreSQL connection failed"));
    try {
      const client = await pool.connect().catch((error: unknown) => {
        // Refused, unknown host, bad password: a message for the person, without the password.
        throw new StoreLoadError(`cannot open ${describeUrl(options.url)}: ${(error as Error).message}`);
      });
      try {
        if (schema !== "public") await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        const applied = await migrateSchema(client);
        if (applied.length > 0) options.logger?.info({ db: describeUrl(options.url), schema, applied }, "database schema migrated");
      } finally {
        client.release();
      }
      const head = await pool.query<{ snapshot: unknown; snapshot_seq: string; notify_key: string }>("SELECT snapshot, snapshot_seq, notify_key FROM plan");
      const row = head.rows[0];
      let state = emptyState();
      if (row?.snapshot != null) {
        const loaded = loadState(row.snapshot);
        if (!loaded.ok) throw new StoreLoadError(`${describeUrl(options.url)}: the plan row's snapshot is not a valid Stocktake state, so it was left untouched:\n${loaded.error.message}`);
        state = loaded.value;
      }
      // The store changes this object in place, so the journal's snapshots see every commit.
      const journal = new PostgresJournal(pool, channelFor(schema), () => state, options.snapshotEvery ?? 1000, row?.notify_key ?? "");
      journal.snapshotSeq = Number(row?.snapshot_seq ?? 0);
      const store = new PostgresStore(state, pool, journal, options.clock ?? systemClock, options);
      await store.foldIn(pool);
      await store.recallOrigins();
      if (options.listen ?? true) await store.listen();
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  override update<T>(meta: UpdateMeta, fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<{ value: T; events: PlanEvent[] }>> {
    return this.inTurn(() => this.transact(meta, fn));
  }

  /**
   * A change the database went away under. The state was rolled back; had the commit gone in after
   * all, the next fold-in brings it back from the events table, as it would another process's.
   */
  private unavailable(error: unknown, saved: "no" | "unknown"): StoreUnavailableError {
    this.pgJournal.committing = false;
    this.options.logger?.warn({ err: error, db: describeUrl(this.options.url), saved }, "PostgreSQL went away during a change");
    return new StoreUnavailableError(`${describeUrl(this.options.url)} cannot be reached (${(error as Error).message})`, saved, { cause: error });
  }

  /** Folds in what other processes committed since this one last looked (the listener calls it). */
  sync(): Promise<void> {
    return this.inTurn(() => this.foldIn(this.pool));
  }

  private inTurn<R>(job: () => Promise<R>): Promise<R> {
    const run = this.turn.then(job);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async transact<T>(meta: UpdateMeta, fn: (state: Readonly<PlanState>) => Result<Draft<T>>): Promise<Result<{ value: T; events: PlanEvent[] }>> {
    // The notification connection is also the one changes are written on, while it is up: no
    // checkout per change. While it is down (or not listening), a pooled one.
    const own = this.listener;
    const tx: pg.ClientBase = own ?? (await this.checkout());
    let broken = false;
    this.pgJournal.committing = false;
    try {
      // Events notifications brought while the previous change ran: this change is made on them.
      this.applyCarried();
      // Hearing other processes' commits as they happen, this process's state is most often the
      // latest (a store that does not listen would mostly guess wrong, so it always takes the
      // lock). Unless the last change found others writing, the change is made on it and written
      // with one statement that holds the plan row only while it writes and commits. When another
      // writer holds the row or the plan moved on, that statement writes nothing, and the change
      // is made again under the plan row's lock, as it is when fn refused or changed nothing (so
      // that is decided on the latest plan too).
      if (own && !this.contended) {
        this.pgJournal.tx = tx;
        this.pgJournal.locked = false;
        try {
          const result = await super.update(meta, this.unlessChangedSince(meta, fn));
          if (result.ok && result.value.events.length > 0) return result;
        } catch (error) {
          if (!(error instanceof Stale)) throw error;
          if (error.contended) this.contended = true;
        }
      }
      this.pgJournal.tx = tx;
      this.pgJournal.locked = true;
      // One round trip: the row lock (another process's update waits here until this one commits
      // or rolls back), then what others committed since this process last looked.
      const results = (await tx.query(
        `BEGIN; SELECT snapshot_seq FROM plan FOR UPDATE; SELECT seq, event FROM events WHERE seq > ${wholeNumber(this.state.seq)} ORDER BY seq LIMIT ${PAGE}`,
      )) as unknown as pg.QueryResult[];
      const head = results[1] as pg.QueryResult<{ snapshot_seq: string }> | undefined;
      const page = results[2] as pg.QueryResult<EventRow> | undefined;
      if (!head || !page) throw new Error("the plan's lock and fold-in answered with fewer results than statements");
      this.pgJournal.snapshotSeq = Number(head.rows[0]?.snapshot_seq ?? 0);
      // Others wrote since this process last looked: the next change, too, waits for the lock.
      this.contended = page.rows.length > 0;
      await this.foldIn(tx, page.rows);
      return await super.update(meta, this.unlessChangedSince(meta, fn));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && (error as { constraint?: string }).constraint === "events_origin_once") {
        return fail("conflict", "That was done already.");
      }
      if (isConnectionFailure(error)) {
        broken = true;
        throw this.unavailable(error, this.pgJournal.committing ? "unknown" : "no");
      }
      throw error;
    } finally {
      // The append clears tx once committed. Still set in a transaction (fn refused or changed
      // nothing, the lock or the fold-in or the append failed): nothing of it is kept.
      if (this.pgJournal.tx === tx) {
        this.pgJournal.tx = undefined;
        if (this.pgJournal.locked) {
          await tx.query("ROLLBACK").catch(() => {
            broken = true;
          });
        }
      }
      if (!own) (tx as CheckedOut).done(broken);
      else if (broken) this.lostListener(own, new Error("the connection failed during a change"));
    }
  }

  /**
   * A pooled connection for one change (while the notification connection is down, or when not
   * listening). The pool stops listening for its errors while it is checked out, and a connection
   * that fails then would emit one nobody hears, which ends the process: this listens meanwhile.
   */
  private async checkout(): Promise<CheckedOut> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw isConnectionFailure(error) ? this.unavailable(error, "no") : error;
    });
    const ignore = (error: Error) => this.options.logger?.warn({ err: error }, "a PostgreSQL connection failed during a change");
    client.on("error", ignore);
    return Object.assign(client, {
      done: (broken: boolean) => {
        client.removeListener("error", ignore);
        client.release(broken);
      },
    });
  }

  async claimOnce(keys: readonly string[]): Promise<ReadonlySet<string>> {
    if (keys.length === 0) return new Set();
    const won = await this.pool.query<{ key: string }>("INSERT INTO claims (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING key", [keys]);
    return new Set(won.rows.map((row) => row.key));
  }

  onForeignChange(listener: (events: readonly PlanEvent[]) => void): () => void {
    this.foreignListeners.add(listener);
    return () => this.foreignListeners.delete(listener);
  }

  /**
   * The person's command ran on a plan that did not yet have another process's change to the same
   * feature's same fields (committed after the command arrived, or just before, unheard): it is
   * refused rather than silently overwriting it, as `!undo` is, with what changed.
   */
  private unlessChangedSince<T>(meta: UpdateMeta, fn: (state: Readonly<PlanState>) => Result<Draft<T>>): (state: Readonly<PlanState>) => Result<Draft<T>> {
    const seen = meta.seenSeq;
    if (seen === undefined) return fn;
    const unseen = this.foreign.filter((event) => event.seq > seen && event.entity === "feature" && !event.quiet);
    if (unseen.length === 0) return fn;
    return (state) => {
      const drafted = fn(state);
      if (!drafted.ok) return drafted;
      const clashes = unseen.filter((event) => drafted.value.changes.some((request) => overwrites(request, event)));
      if (clashes.length === 0) return drafted;
      const first = clashes[0]!;
      if (first.entity !== "feature") return drafted;
      const feature = own(own(own(state.projects, first.project)?.releases ?? {}, first.release)?.features ?? {}, first.feature);
      return fail(
        "conflict",
        t`Not changed: ${feature?.title ?? first.feature} was just changed by ${person(first.by)} (“${first.command}”), after the plan you saw. Look again (${cmd("show", first.feature)}), then repeat your command if it still holds.`,
      );
    };
  }

  /** The same window as the journal scan it replaces (the newest events), read by the index instead of parsed event by event. */
  protected override async recallOrigins(): Promise<void> {
    const found = await this.pool.query<{ origin: string }>(
      // OFFSET 0 keeps the origin filter out of the inner scan, so the planner walks the newest part
      // of the primary key instead of the whole origin index.
      `SELECT origin FROM (
         SELECT seq, origin FROM (SELECT seq, txn, origin FROM events WHERE seq > $1 OFFSET 0) AS newest
         WHERE origin IS NOT NULL AND seq = txn
         ORDER BY seq DESC LIMIT $2
       ) AS recent ORDER BY seq`,
      [this.state.seq - REMEMBERED_ORIGINS * 5, REMEMBERED_ORIGINS],
    );
    for (const row of found.rows) this.remember(row.origin);
  }

  /** Applies the events committed after this process's state, in order; `first` is the first page, when already read. */
  private async foldIn(db: pg.Pool | pg.ClientBase, first?: readonly EventRow[]): Promise<void> {
    const folded: PlanEvent[] = [];
    try {
      let rows = first ?? (await this.page(db));
      for (;;) {
        for (const row of rows) this.applyForeign(parseEvent(row.event, row.seq), folded);
        if (rows.length < PAGE) return;
        rows = await this.page(db);
      }
    } finally {
      if (folded.length > 0) this.heard(folded);
    }
  }

  private async page(db: pg.Pool | pg.ClientBase): Promise<EventRow[]> {
    return (await db.query<EventRow>("SELECT seq, event FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", [this.state.seq, PAGE])).rows;
  }

  /** One event another process committed, next after this process's state. */
  private applyForeign(event: PlanEvent, folded: PlanEvent[]): void {
    if (event.seq !== this.state.seq + 1) throw new StoreLoadError(`events: ${event.seq} follows ${this.state.seq}; the history has a gap`);
    try {
      applyChange(this.state, event);
    } catch (error) {
      throw new StoreLoadError(`events: ${event.seq} cannot be applied: ${(error as Error).message}`);
    }
    this.state.seq = event.seq;
    folded.push(event);
    if (event.origin !== undefined && event.seq === event.txn) this.remember(event.origin);
  }

  private heard(events: PlanEvent[]): void {
    this.foreign.push(...events);
    if (this.foreign.length > FOREIGN_KEPT) this.foreign.splice(0, this.foreign.length - FOREIGN_KEPT);
    for (const listener of this.foreignListeners) {
      try {
        listener(events);
      } catch (error) {
        this.options.logger?.error({ err: error }, "a listener for other processes' changes failed");
      }
    }
  }

  /**
   * Folds in what notifications announced: the events they carried, while they follow on from this
   * process's state, then a query for whatever is still missing (events too large to carry, a
   * notification missed, one that carried events past a gap).
   */
  private async catchUp(): Promise<void> {
    this.applyCarried();
    if (this.announced > this.state.seq) await this.foldIn(this.pool);
  }

  /** Applies the carried events that follow on from this process's state; true if there were any. */
  private applyCarried(): boolean {
    const carried = this.carried;
    this.carried = [];
    const folded: PlanEvent[] = [];
    try {
      for (const event of carried) {
        if (event.seq <= this.state.seq) continue;
        if (event.seq !== this.state.seq + 1) break;
        this.applyForeign(event, folded);
      }
    } finally {
      if (folded.length > 0) this.heard(folded);
    }
    return folded.length > 0;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, options: `-c search_path=${this.options.schema ?? "public"}`, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on("notification", (message) => {
      // Most are this process's own commits, or ones an update already folded in: no need to check or parse those.
      const seq = /^(?:[0-9a-f]{64})?\{"seq":(\d+)[,}]/.exec(message.payload ?? "")?.[1];
      if (seq !== undefined && Number(seq) <= this.state.seq) return;
      const payload = parsePayload(message.payload, this.pgJournal.notifyKey);
      if (!payload || payload.forged) {
        // Not from a Stocktake: at most a reason to look at the table (what it announces is read from there).
        this.options.logger?.warn({ payload: message.payload?.slice(0, 100), sender: message.processId }, "a notification on Stocktake's channel that is not Stocktake's; its events are ignored");
        if (!payload) return;
      }
      if (payload.seq <= this.state.seq) return;
      this.announced = Math.max(this.announced, payload.seq);
      // Events that do not parse are fetched instead, as when they did not fit.
      try {
        for (const raw of payload.events ?? []) this.carried.push(parseEvent(raw, payload.seq));
      } catch (error) {
        this.options.logger?.warn({ err: error }, "a notification carried an event that is not valid; reading it from the table instead");
      }
      if (this.syncQueued) return;
      this.syncQueued = true;
      this.inTurn(async () => {
        this.syncQueued = false;
        await this.catchUp();
      }).catch((error: unknown) => this.options.logger?.warn({ err: error }, "could not fold in another process's changes; the next update will"));
    });
    client.on("error", (error) => this.lostListener(client, error));
    try {
      await client.connect();
      await client.query(`LISTEN ${channelFor(this.options.schema ?? "public")}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
    this.relistenDelay = RELISTEN_FIRST_MS;
    // Commits made while this connection was away sent notifications nobody heard. Failing here
    // costs nothing lasting: the next update folds them in first.
    await this.sync().catch((error: unknown) => this.options.logger?.warn({ err: error }, "could not fold in other processes' changes yet; the next update will"));
  }

  private lostListener(client: pg.Client, error: Error): void {
    if (this.listener !== client) return;
    this.options.logger?.warn({ err: error, db: describeUrl(this.options.url) }, "lost the PostgreSQL notification connection; reconnecting");
    this.listener = undefined;
    void client.end().catch(() => undefined);
    this.scheduleRelisten();
  }

  /** Tries again after a delay that doubles with each failure (to RELISTEN_MAX_MS), so a server that is down is not hammered. */
  private scheduleRelisten(): void {
    if (this.closed || this.relisten) return;
    const delay = this.relistenDelay;
    this.relistenDelay = Math.min(delay * 2, RELISTEN_MAX_MS);
    this.relisten = setTimeout(() => {
      this.relisten = undefined;
      this.listen().then(
        () => this.options.logger?.info({ db: describeUrl(this.options.url) }, "PostgreSQL notification connection back"),
        (error: unknown) => {
          this.options.logger?.warn({ err: error, db: describeUrl(this.options.url), retryInMs: this.relistenDelay }, "PostgreSQL still out of reach");
          this.scheduleRelisten();
        },
      );
    }, delay);
    this.relisten.unref();
  }

  override async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, detail: "the store is closed" };
    try {
      await this.pool.query("SELECT 1");
      return { ok: true, detail: `${describeUrl(this.options.url)} answers` };
    } catch (error) {
      return { ok: false, detail: `${describeUrl(this.options.url)} does not answer (${(error as Error).message})` };
    }
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.relisten);
    await this.turn;
    await this.drain();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}
