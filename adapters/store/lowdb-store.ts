import { constants, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { access } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Low } from "lowdb";
import { loadState } from "../../src/model/migrations.js";
import { emptyState, type PlanEvent, type PlanState } from "../../src/model/schema.js";
import { applyChange, EventSourcedStore } from "../../src/store/event-store.js";
import { HistoryIndex, HistoryIndexSchema, type HistoryIndexData } from "../../src/store/history-index.js";
import { own } from "../../src/util/own.js";
import { systemClock, type Clock, type Logger, type StoreHealth } from "../../src/ports.js";
import { copyFileDurably, DurableJsonFile, NotJsonError } from "./durable-file.js";
import { HistoryLog, HistoryLogError } from "./history-log.js";
import { FileLock } from "./lock.js";
import { writeProbe, type WriteProbe } from "./write-probe.js";

export class StoreLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreLoadError";
  }
}

/** The way forward when the history cannot be replayed. */
const REPAIR_HINT = "Run `stocktake repair` (stop the bot first) to see what cannot be read, back it up and start again; `--dry-run` only reports.";

export interface LowdbStoreOptions {
  clock?: Clock;
  logger?: Logger;
  /** Take a snapshot of the state after this many events (default 1000). */
  snapshotEvery?: number;
  /** And when this many milliseconds pass with no change after the last one (default 5000). */
  snapshotIdleMs?: number;
  /** How /healthz checks the data directory takes writes (a seam for a full disk in tests). */
  writeProbe?: WriteProbe;
}

/** What the lowdb file holds: the state, and how much of the history it already includes. */
interface Snapshot extends PlanState {
  historyBytes: number;
  /** Where each feature's and person's events are in the history (src/store/history-index.ts). */
  historyIndex: HistoryIndexData;
}

/**
 * The embedded default store. `data/stocktake.json` (lowdb) holds a snapshot of the state;
 * `data/stocktake.history.jsonl` holds every change, appended and fsynced before a change is
 * acknowledged. On open, the events written after the snapshot are replayed, so a crash between a
 * change and the next snapshot loses nothing.
 */
export class LowdbStore extends EventSourcedStore {
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private scheduled: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    state: PlanState,
    private readonly db: Low<unknown>,
    private readonly log: HistoryLog,
    private readonly lock: FileLock,
    clock: Clock,
    private readonly options: Required<Pick<LowdbStoreOptions, "snapshotEvery" | "snapshotIdleMs">> & Pick<LowdbStoreOptions, "logger" | "writeProbe">,
    index: HistoryIndex,
  ) {
    super(state, log, clock, index);
  }

  static historyPathFor(dataFile: string): string {
    return dataFile.replace(/\.json$/, "") + ".history.jsonl";
  }

  static async open(dataFile: string, options: LowdbStoreOptions = {}): Promise<LowdbStore> {
    const path = resolve(dataFile);
    mkdirSync(dirname(path), { recursive: true });
    const lock = new FileLock(`${path}.lock`);
    lock.acquire();
    let log: HistoryLog | undefined;
    try {
      removeStaleTempFiles(path, options.logger);
      // Built explicitly: lowdb's JSONFilePreset silently keeps data in memory under NODE_ENV=test.
      const db = new Low<unknown>(new DurableJsonFile(path), null);
      await db.read();
      const { state, historyBytes, index: saved } = parseSnapshot(db.data, path);
      log = new HistoryLog(LowdbStore.historyPathFor(path));
      if (log.repairedBytes > 0) {
        const txn = log.droppedTransaction;
        options.logger?.warn(
          { file: log.path, bytes: log.repairedBytes, ...(txn ? { txn: txn.txn } : {}) },
          txn
            ? `dropped the last command (event ${txn.txn}): ${txn.written} of its ${txn.of} events were written before a crash, and it was never acknowledged`
            : "dropped an unfinished last line (a crash mid-write; it was never acknowledged)",
        );
      }
      let start = { state, historyBytes, saved };
      if (historyBytes > log.bytes) {
        // The snapshot counts history the disk no longer has: lines a power cut took back before
        // they were synced (a snapshot from an older Stocktake could count unsynced bookkeeping).
        // The history is the record; the plan is rebuilt from it and what was lost is named.
        start = await rebuildFromHistory(path, state, log, historyBytes, options.logger);
      }
      // A snapshot from before the index, or one whose index points past its own history: list
      // the events it already holds once, then it is saved.
      const trusted = start.saved?.within(start.historyBytes) ? start.saved : undefined;
      const index = trusted ?? (await indexPrefix(log, start.historyBytes, start.historyBytes > 0 ? start.state.seq : undefined));
      const replayed = await replay(start.state, log, start.historyBytes, index);
      const store = new LowdbStore(
        start.state,
        db,
        log,
        lock,
        options.clock ?? systemClock,
        {
          snapshotEvery: options.snapshotEvery ?? 1000,
          snapshotIdleMs: options.snapshotIdleMs ?? 5000,
          ...(options.logger ? { logger: options.logger } : {}),
          ...(options.writeProbe ? { writeProbe: options.writeProbe } : {}),
        },
        index,
      );
      if (replayed > 0 || db.data === null || !trusted || start.historyBytes !== historyBytes) await store.snapshot();
      await store.recallOrigins();
      return store;
    } catch (error) {
      log?.close();
      lock.release();
      if (error instanceof HistoryLogError) throw new StoreLoadError(`${error.message}\n${REPAIR_HINT}`);
      if (error instanceof StoreLoadError && /history/.test(error.message) && !error.message.includes("stocktake repair")) throw new StoreLoadError(`${error.message}\n${REPAIR_HINT}`);
      // Not JSON at all (a hand edit gone wrong, another program's file): refused like an invalid one.
      if (error instanceof NotJsonError) throw new StoreLoadError(`${error.message}; it was left as it is. Fix it, or move it away to start a new plan.`);
      throw error;
    }
  }

  get historyFile(): string {
    return this.log.path;
  }

  /** fdatasyncs of the history since open (for the benchmark and tests of group commit). */
  get historySyncs(): number {
    return this.log.syncs;
  }

  /** Open, and the data directory and history still writable: a change could be recorded now. */
  override async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, detail: "the store is closed" };
    const dir = dirname(this.log.path);
    for (const path of [dir, this.log.path]) {
      try {
        await access(path, constants.W_OK);
      } catch (error) {
        // /healthz is public: it names what fails, never where the data lives.
        return { ok: false, detail: `the ${path === dir ? "data directory" : "history file"} is not writable (${(error as NodeJS.ErrnoException).code ?? "unknown error"})` };
      }
    }
    try {
      await (this.options.writeProbe ?? writeProbe)(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, detail: code === "ENOSPC" || code === "EDQUOT" ? `the disk is full: changes cannot be saved (${code})` : `the data directory cannot take a write (${code ?? "unknown error"})` };
    }
    return { ok: true, detail: "the data directory is writable" };
  }

  protected override afterCommit(events: readonly PlanEvent[]): void {
    this.sinceSnapshot += events.length;
    if (this.sinceSnapshot >= this.options.snapshotEvery) {
      this.snapshotSoon();
    } else {
      this.armIdleSnapshot();
    }
  }

  /**
   * Takes the snapshot on a later turn of the event loop: the command that crossed the threshold is
   * acknowledged and its reply on its way first, instead of waiting for the whole plan's
   * `JSON.stringify` (tens of milliseconds at 10 000 features). The history already holds the change.
   */
  private snapshotSoon(): void {
    if (this.scheduled) return;
    this.scheduled = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.scheduled = undefined;
      if (this.closed) return;
      return this.snapshotInBackground();
    });
  }

  /** Resolves once a snapshot scheduled or under way is written (or failed, which is logged). */
  async snapshotsSettled(): Promise<void> {
    await this.scheduled;
    await this.snapshotting;
  }

  /** Moves the idle snapshot to `snapshotIdleMs` from now: the same timer, pushed back (no new one per change). */
  private armIdleSnapshot(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      void this.snapshotInBackground();
    }, this.options.snapshotIdleMs);
    this.idleTimer.unref();
  }

  private snapshotInBackground(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    this.snapshotting = this.between(() => this.snapshot())
      .catch((error: unknown) => this.options.logger?.error({ err: error }, "snapshot failed; the history still has every change"))
      .finally(() => {
        this.snapshotting = undefined;
      });
    return this.snapshotting;
  }

  /** Writes the whole state; the history already holds every change, so this only speeds up start. */
  async snapshot(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.sinceSnapshot = 0;
    // Only synced history may be counted: a power cut after this snapshot must not leave it
    // claiming lines the disk never got (issue 11, item 5).
    this.log.sync();
    const data: Snapshot = { ...this.state, historyBytes: this.log.bytes, historyIndex: this.index!.toJSON() };
    this.db.data = data;
    await this.db.write();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await this.scheduled;
    await this.snapshotting;
    clearTimeout(this.idleTimer);
    try {
      await this.snapshot();
    } catch (error) {
      // A full disk at exit: every change is in the synced history, and the next start replays it.
      this.options.logger?.warn({ err: error }, "no snapshot at close; the history still has every change");
    } finally {
      this.log.close();
      this.lock.release();
    }
  }
}

/**
 * Snapshot temp files a kill left behind (`.stocktake.json.PID.tmp`, as large as the plan). Only
 * the lock's holder writes them, and it holds the lock now, so any that exist are stale.
 */
function removeStaleTempFiles(path: string, logger: Logger | undefined): void {
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix) || !/^\d+\.tmp$/.test(name.slice(prefix.length))) continue;
    try {
      unlinkSync(join(dirname(path), name));
      removed.push(name);
    } catch (error) {
      logger?.warn({ err: error, file: name }, "could not remove a snapshot temp file left by an earlier run");
    }
  }
  if (removed.length > 0) logger?.info({ files: removed }, `removed ${removed.length} snapshot temp file${removed.length === 1 ? "" : "s"} left by an earlier run that was killed`);
}

export function parseSnapshot(raw: unknown, path: string): { state: PlanState; historyBytes: number; index: HistoryIndex | undefined } {
  if (raw === null) return { state: emptyState(), historyBytes: 0, index: new HistoryIndex() };
  let historyBytes = 0;
  let index: HistoryIndex | undefined;
  if (raw && typeof raw === "object" && "historyIndex" in raw) {
    const { historyIndex, ...rest } = raw as Record<string, unknown>;
    // Derived from the history: one that does not parse is rebuilt, not a reason to refuse the plan.
    const parsed = HistoryIndexSchema.safeParse(historyIndex);
    if (parsed.success) index = HistoryIndex.restore(parsed.data);
    raw = rest;
  }
  if (raw && typeof raw === "object" && "historyBytes" in raw) {
    const { historyBytes: bytes, ...rest } = raw as Record<string, unknown>;
    if (typeof bytes !== "number" || !Number.isInteger(bytes) || bytes < 0) {
      throw new StoreLoadError(`${path}: historyBytes: expected a whole number of bytes`);
    }
    historyBytes = bytes;
    raw = rest;
  }
  const loaded = loadState(raw);
  if (!loaded.ok) {
    throw new StoreLoadError(`${path} is not a valid Stocktake data file, so it was left untouched:\n${loaded.error.message}`);
  }
  return { state: loaded.value, historyBytes, index };
}

/**
 * The plan as the history has it, for a snapshot that counts more history than the file holds.
 * The old snapshot is kept beside the data file, and what it had that the history lacks is logged.
 */
async function rebuildFromHistory(
  path: string,
  snapshot: PlanState,
  log: HistoryLog,
  historyBytes: number,
  logger: Logger | undefined,
): Promise<{ state: PlanState; historyBytes: number; saved: undefined }> {
  const state = emptyState();
  try {
    await replay(state, log, 0, new HistoryIndex());
  } catch (error) {
    const reason = error instanceof StoreLoadError || error instanceof HistoryLogError ? error.message : String(error);
    throw new StoreLoadError(
      `${log.path} is shorter (${log.bytes} bytes) than the state file expects (${historyBytes} bytes), and the plan cannot be rebuilt from it (${reason}). Run \`stocktake repair\` to see what can be saved.`,
    );
  }
  const backup = `${path}.${snapshot.seq}.before-lost-tail`;
  // The one copy of the events the history lost: on the disk before the rebuilt plan replaces it.
  await copyFileDurably(path, backup);
  const lost = snapshot.seq - state.seq;
  logger?.warn(
    {
      file: log.path,
      historyBytes: log.bytes,
      expected: historyBytes,
      lastEvent: state.seq,
      snapshotEvent: snapshot.seq,
      changed: differences(snapshot, state),
      backup,
    },
    lost > 0
      ? `the history ends at event ${state.seq}, the snapshot counted up to ${snapshot.seq}: ${lost} event${lost === 1 ? "" : "s"} (${state.seq + 1}–${snapshot.seq}) never reached the disk (a power cut?) and ${lost === 1 ? "was" : "were"} dropped; the plan was rebuilt from the history, the old snapshot kept as ${backup}`
      : `the history is ${historyBytes - log.bytes} bytes shorter than the snapshot counted, but holds every event it covers; the plan was rebuilt from the history, the old snapshot kept as ${backup}`,
  );
  return { state, historyBytes: log.bytes, saved: undefined };
}

/** What a snapshot has that the rebuilt plan does not: project, release and feature ids, a few. */
function differences(before: PlanState, after: PlanState): string[] {
  const found: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const [projectId, project] of Object.entries(before.projects)) {
    const other = own(after.projects, projectId);
    if (same(project, other)) continue;
    const count = found.length;
    for (const [releaseId, release] of Object.entries(project.releases)) {
      const otherRelease = other ? own(other.releases, releaseId) : undefined;
      for (const [featureId, feature] of Object.entries(release.features)) {
        if (!same(feature, otherRelease ? own(otherRelease.features, featureId) : undefined)) found.push(`${projectId} ${releaseId} ${featureId}`);
      }
    }
    if (found.length === count) found.push(projectId);
  }
  if (!same(before.conversations, after.conversations)) found.push("room settings");
  return found.slice(0, 20);
}

/** Lists the events in the history's first `bytes` bytes: once, for a snapshot written before the index. */
async function indexPrefix(log: HistoryLog, bytes: number, lastSeq: number | undefined): Promise<HistoryIndex> {
  const index = new HistoryIndex();
  if (bytes === 0) return index;
  let seq = 0;
  for await (const { event, position } of log.entries(0)) {
    if (position >= bytes) break;
    index.add(event, position);
    seq = event.seq;
  }
  if (lastSeq !== undefined && seq !== lastSeq) throw new StoreLoadError(`${log.path}: its first ${bytes} bytes end at event ${seq}, the state file at ${lastSeq}`);
  return index;
}

async function replay(state: PlanState, log: HistoryLog, fromByte: number, index: HistoryIndex): Promise<number> {
  let count = 0;
  // The log checks each event follows the one before; after a snapshot, the first follows the snapshot.
  // Only a snapshot without a byte count (older files) replays from the start and skips what it holds.
  for await (const { event, position, gap } of log.entries(fromByte, fromByte > 0 ? state.seq : undefined)) {
    index.add(event, position);
    if (event.seq <= state.seq) continue;
    if (event.seq !== state.seq + 1 && !gap) {
      throw new StoreLoadError(`${log.path}: event ${event.seq} follows ${state.seq}; the history has a gap`);
    }
    try {
      applyChange(state, event);
    } catch (error) {
      throw new StoreLoadError(`${log.path}: event ${event.seq} cannot be applied: ${(error as Error).message}`);
    }
    state.seq = event.seq;
    count++;
  }
  return count;
}
