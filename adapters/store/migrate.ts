import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { emptyState, EventSchema, type PlanEvent, type PlanState } from "../../src/model/schema.js";
import { applyChange } from "../../src/store/event-store.js";
import type { PlanStore } from "../../src/ports.js";
import { syncDirectory } from "./durable-file.js";
import { HistoryLog, HistoryLogError } from "./history-log.js";
import { FileLock, LockedError } from "./lock.js";
import { LowdbStore, StoreLoadError } from "./lowdb-store.js";
import { SchemaName } from "./postgres/config.js";
import { migrateSchema } from "./postgres/migrations.js";
import { describeUrl, PostgresStore } from "./postgres/postgres-store.js";

/**
 * `stocktake migrate --from A --to B`: the plan and its whole history, copied event by event (same
 * numbers, times, authors) between a lowdb data file and a PostgreSQL database, either way. The copy
 * is checked before it is kept: as many events, numbered 1 to the last without a gap, and the plan
 * they replay to is the source's plan.
 */

/** A refusal or failure with a message for the person; the command line prints it on one line. */
export class MigrateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrateError";
  }
}

export type Place = { kind: "lowdb"; file: string } | { kind: "postgres"; url: string; schema: string };

export interface MigrateOptions {
  from: Place;
  to: Place;
  /** Replace a target that already holds a plan. */
  force?: boolean;
}

export interface MigrateOutcome {
  events: number;
  /** Features over every project and release, for the report. */
  features: number;
  /** The target held a plan that was replaced (only with force). */
  replaced: boolean;
}

const BATCH = 1000;

/** `postgres://…` is a database; anything else is a data file. */
export function parsePlace(text: string, schema = "public"): Place {
  if (/^postgres(ql)?:\/\//.test(text)) {
    const checked = SchemaName.safeParse(schema);
    if (!checked.success) throw new MigrateError(`--schema: ${JSON.stringify(schema)} is not a plain lower-case schema name`);
    return { kind: "postgres", url: text, schema };
  }
  if (text.trim() === "") throw new MigrateError("expected a data file or a postgres:// URL, got nothing");
  return { kind: "lowdb", file: resolve(text) };
}

export function describePlace(place: Place): string {
  if (place.kind === "lowdb") return place.file;
  return place.schema === "public" ? describeUrl(place.url) : `${describeUrl(place.url)} (schema ${place.schema})`;
}

export async function migrate(options: MigrateOptions): Promise<MigrateOutcome> {
  const { from, to } = options;
  if (samePlace(from, to)) throw new MigrateError(`--from and --to are the same place (${describePlace(from)})`);
  const source = await openSource(from);
  try {
    const expected = normalise(source.read());
    const events = checkedHistory(source, from);
    const written = to.kind === "lowdb" ? await writeLowdb(to, events, expected, options.force ?? false) : await writePostgres(to, events, expected, options.force ?? false);
    return { ...written, features: countFeatures(expected) };
  } finally {
    await source.close();
  }
}

function samePlace(a: Place, b: Place): boolean {
  if (a.kind === "lowdb" && b.kind === "lowdb") return a.file === b.file;
  if (a.kind === "postgres" && b.kind === "postgres") return describeUrl(a.url) === describeUrl(b.url) && a.schema === b.schema;
  return false;
}

async function openSource(from: Place): Promise<PlanStore> {
  if (from.kind === "lowdb") {
    // Opening a missing file would make an empty plan there: a typo must not look like a migration.
    if (!existsSync(from.file)) throw new MigrateError(`there is no data file at ${from.file}`);
    return LowdbStore.open(from.file).catch(refusal);
  }
  return PostgresStore.open({ url: from.url, schema: from.schema, listen: false }).catch(refusal);
}

/** Store refusals (invalid file, held by a running bot, no database) keep their message; the rest is a bug. */
function refusal(error: unknown): never {
  if (error instanceof StoreLoadError || error instanceof LockedError || error instanceof HistoryLogError) throw new MigrateError(error.message);
  throw error;
}

/**
 * The source's events, oldest first, checked as they go by: numbered from 1 without a gap, and
 * ending at the plan's last number. A plan whose history does not reach back to its start (a data
 * file from before the history existed) cannot be copied as history, and is refused.
 */
async function* checkedHistory(source: PlanStore, from: Place): AsyncGenerator<PlanEvent> {
  const last = source.read().seq;
  let previous = 0;
  for await (const event of source.events(1)) {
    if (event.seq !== previous + 1) {
      throw new MigrateError(`${describePlace(from)}: event ${event.seq} follows ${previous}; its history has a gap, so it cannot be copied whole`);
    }
    previous = event.seq;
    yield event;
  }
  if (previous !== last) {
    throw new MigrateError(`${describePlace(from)}: its history ends at event ${previous} but its plan is at ${last}; the history does not hold every change, so it cannot be copied whole`);
  }
}

/** The plan as plain data: records from either store compare equal when they hold the same. */
function normalise(state: Readonly<PlanState>): PlanState {
  return JSON.parse(JSON.stringify(state)) as PlanState;
}

function countFeatures(state: PlanState): number {
  let count = 0;
  for (const project of Object.values(state.projects)) for (const release of Object.values(project.releases)) count += Object.keys(release.features).length;
  return count;
}

/** Replays events onto a plan built from nothing, as a store does on open. */
class Replay {
  readonly state = emptyState();
  count = 0;
  add(event: PlanEvent, where: string): void {
    if (event.seq !== this.state.seq + 1) throw new MigrateError(`${where}: event ${event.seq} follows ${this.state.seq} in the copy; nothing was kept`);
    try {
      applyChange(this.state, event);
    } catch (error) {
      throw new MigrateError(`${where}: event ${event.seq} cannot be applied in the copy (${(error as Error).message}); nothing was kept`);
    }
    this.state.seq = event.seq;
    this.count++;
  }
}

function verify(replayed: Replay, expected: PlanState, where: string): void {
  if (replayed.count !== expected.seq) throw new MigrateError(`${where}: the copy has ${replayed.count} events, the source ${expected.seq}; nothing was kept`);
  if (!isDeepStrictEqual(normalise(replayed.state), expected)) {
    throw new MigrateError(`${where}: the copy's history does not replay to the source's plan; nothing was kept`);
  }
}

// --- a data file ---

async function writeLowdb(to: Extract<Place, { kind: "lowdb" }>, events: AsyncIterable<PlanEvent>, expected: PlanState, force: boolean): Promise<Omit<MigrateOutcome, "features">> {
  const history = LowdbStore.historyPathFor(to.file);
  const replaced = await lowdbHoldsPlan(to.file, history);
  if (replaced && !force) throw new MigrateError(`${to.file} already holds a plan; add --force to replace it`);
  // Held for the whole copy: a bot starting on the target meanwhile is refused.
  const lock = new FileLock(`${to.file}.lock`);
  try {
    lock.acquire();
  } catch (error) {
    refusal(error);
  }
  const tempFile = `${to.file}.migrating-${process.pid}.json`;
  const tempHistory = LowdbStore.historyPathFor(tempFile);
  const cleanup = () => {
    for (const path of [tempFile, tempHistory, `${tempFile}.lock`]) rmSync(path, { force: true });
  };
  try {
    cleanup();
    const log = new HistoryLog(tempHistory);
    try {
      let batch: PlanEvent[] = [];
      for await (const event of events) {
        batch.push(event);
        if (batch.length >= BATCH) {
          await log.append(batch, false);
          batch = [];
        }
      }
      // The last append syncs the file, and with it every append before.
      if (batch.length > 0) await log.append(batch, true);
    } finally {
      log.close();
    }
    // Read back from the disk, from nothing, and only then opened as a store (which writes the snapshot).
    const replayed = new Replay();
    const check = new HistoryLog(tempHistory);
    try {
      for await (const event of check.from(0)) replayed.add(event, to.file);
    } finally {
      check.close();
    }
    verify(replayed, expected, to.file);
    const opened = await LowdbStore.open(tempFile).catch(refusal);
    const same = isDeepStrictEqual(normalise(opened.read()), expected);
    await opened.close();
    if (!same) throw new MigrateError(`${to.file}: the copy opens to a different plan than the source's; nothing was kept`);
    // Without a data file the history alone is replayed: a crash between these steps leaves either
    // the old plan or the new one, never the old snapshot over the new history.
    // Each step is synced before the next (directory entries are not ordered on the disk without
    // it), and the last before the copy is reported done.
    const dir = dirname(to.file);
    rmSync(to.file, { force: true });
    await syncDirectory(dir);
    renameSync(tempHistory, history);
    await syncDirectory(dir);
    renameSync(tempFile, to.file);
    await syncDirectory(dir);
    return { events: replayed.count, replaced };
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    lock.release();
  }
}

/** Whether the data file (or its history) holds anything: an empty plan saved by a first start does not count. */
async function lowdbHoldsPlan(file: string, history: string): Promise<boolean> {
  const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  if (sizeOf(file) === 0 && sizeOf(history) === 0) return false;
  let store: LowdbStore;
  try {
    store = await LowdbStore.open(file);
  } catch (error) {
    if (error instanceof LockedError) refusal(error);
    // Unreadable is not empty: replacing it is for --force to say.
    return true;
  }
  const state = store.read();
  await store.close();
  return state.seq > 0 || Object.keys(state.projects).length > 0 || Object.keys(state.conversations).length > 0;
}

// --- a database ---

async function writePostgres(to: Extract<Place, { kind: "postgres" }>, events: AsyncIterable<PlanEvent>, expected: PlanState, force: boolean): Promise<Omit<MigrateOutcome, "features">> {
  const where = describePlace(to);
  const client = new pg.Client({ connectionString: to.url, options: `-c search_path=${to.schema}` });
  try {
    await client.connect();
  } catch (error) {
    throw new MigrateError(`cannot open ${describeUrl(to.url)}: ${(error as Error).message}`);
  }
  try {
    if (to.schema !== "public") await client.query(`CREATE SCHEMA IF NOT EXISTS ${to.schema}`);
    await migrateSchema(client).catch(refusal);
    await client.query("BEGIN");
    let committed = false;
    try {
      // The lock every update takes: a bot writing to this database waits until the copy is in.
      await client.query("SELECT seq FROM plan FOR UPDATE");
      const found = await client.query<{ count: string }>("SELECT count(*) FROM events");
      const replaced = Number(found.rows[0]?.count ?? 0) > 0;
      if (replaced && !force) throw new MigrateError(`${where} already holds a plan; add --force to replace it`);
      if (replaced) await client.query("DELETE FROM events");
      let batch: PlanEvent[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await client.query("INSERT INTO events (seq, txn, at, origin, event) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::jsonb[])", [
          batch.map((event) => event.seq),
          batch.map((event) => event.txn),
          batch.map((event) => event.at),
          batch.map((event) => event.origin ?? null),
          batch.map((event) => JSON.stringify(event)),
        ]);
        batch = [];
      };
      for await (const event of events) {
        batch.push(event);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      // Read back inside the transaction: a copy that does not replay to the source's plan is rolled back.
      const replayed = new Replay();
      for (let after = 0; ; ) {
        const page = await client.query<{ seq: string; event: unknown }>("SELECT seq, event FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", [after, BATCH]);
        for (const row of page.rows) {
          const parsed = EventSchema.safeParse(row.event);
          if (!parsed.success) throw new MigrateError(`${where}: events row ${row.seq} did not read back as an event; nothing was kept`);
          replayed.add(parsed.data, where);
        }
        if (page.rows.length < BATCH) break;
        after = Number(page.rows[page.rows.length - 1]!.seq);
      }
      verify(replayed, expected, where);
      // The snapshot spares every process a replay of the whole history on open.
      await client.query("UPDATE plan SET seq = $1, snapshot = $2::jsonb, snapshot_seq = $1", [expected.seq, expected.seq > 0 ? JSON.stringify(expected) : null]);
      await client.query("COMMIT");
      committed = true;
      const opened = await PostgresStore.open({ url: to.url, schema: to.schema, listen: false }).catch(refusal);
      const same = isDeepStrictEqual(normalise(opened.read()), expected);
      await opened.close();
      if (!same) throw new MigrateError(`${where}: the copy was written but opens to a different plan than the source's; check it before use`);
      return { events: replayed.count, replaced };
    } finally {
      if (!committed) await client.query("ROLLBACK").catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
