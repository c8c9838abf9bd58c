import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { z } from "zod";
import { EventSchema, type PlanEvent } from "../../src/model/schema.js";
import type { Journal, JournalWrite } from "../../src/store/event-store.js";

const CHUNK = 64 * 1024;
const SETTLED = Promise.resolve();

/** A write whose caller waits: until it is synced (durable), or until every write before it is settled. */
interface Waiting {
  start: number;
  end: number;
  durable: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class HistoryLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryLogError";
  }
}

/**
 * The history: one JSON event per line, only ever appended. Appending costs the same whether the
 * file holds a thousand events or a million, which is what keeps a change cheap as history grows.
 */
export class HistoryLog implements Journal {
  private fd: number;
  private size: number;
  /** How much of the file is known to be on the disk: appends that skipped the sync are past it. */
  private synced: number;
  private syncCount = 0;
  /** Written, not settled yet, oldest first. */
  private readonly waiting: Waiting[] = [];
  /** An fdatasync is running on the thread pool. */
  private syncing = false;
  /** A failed write could not be taken back out of the file: nothing more may be appended. */
  private broken: Error | undefined;

  /** Bytes dropped from the end on open: an unfinished line from a crash, never acknowledged. */
  readonly repairedBytes: number;
  /**
   * A txn dropped from the end on open because only some of its events were written (a crash
   * mid-append; never acknowledged): applying part of a command is worse than not applying it.
   */
  readonly droppedTransaction: { txn: number; written: number; of: number } | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a+");
    this.size = fstatSync(this.fd).size;
    const unfinished = this.dropUnfinishedLine();
    const before = this.size;
    this.droppedTransaction = this.dropIncompleteTransaction();
    this.repairedBytes = unfinished + (before - this.size);
    this.synced = this.size;
  }

  get bytes(): number {
    return this.size;
  }

  /** fdatasyncs made since open: with group commit, fewer than the durable appends under load. */
  get syncs(): number {
    return this.syncCount;
  }

  /** The bytes a power cut cannot take back. */
  get syncedBytes(): number {
    return this.synced;
  }

  /**
   * Puts every append on the disk, including bookkeeping written without waiting: a snapshot
   * calls this first, so it never counts history a power cut could still take back.
   */
  sync(): void {
    if (this.synced === this.size) return;
    fdatasyncSync(this.fd);
    this.syncCount++;
    this.synced = this.size;
    // Everything written is on the disk now, whatever is still waiting for its own sync.
    for (const write of this.waiting.splice(0)) write.resolve();
  }

  private dropUnfinishedLine(): number {
    if (this.size === 0) return 0;
    let end = this.size;
    const buffer = Buffer.alloc(Math.min(CHUNK, end));
    while (end > 0) {
      const start = Math.max(0, end - buffer.length);
      const length = end - start;
      readSync(this.fd, buffer, 0, length, start);
      const newline = buffer.subarray(0, length).lastIndexOf(10);
      if (newline >= 0) {
        const keep = start + newline + 1;
        return this.truncate(keep);
      }
      end = start;
    }
    return this.truncate(0);
  }

  /** The line that ends just before byte `end` (which follows its newline), or undefined at the start. */
  private lineEndingAt(end: number): { start: number; text: string } | undefined {
    if (end <= 0) return undefined;
    const parts: Buffer[] = [];
    let stop = end - 1;
    // Most lines are short: read a little first, more only for a long one.
    let size = 4096;
    while (stop > 0) {
      const start = Math.max(0, stop - size);
      size = Math.min(size * 2, CHUNK);
      const buffer = Buffer.alloc(stop - start);
      readSync(this.fd, buffer, 0, buffer.length, start);
      const newline = buffer.lastIndexOf(10);
      if (newline >= 0) {
        parts.unshift(buffer.subarray(newline + 1));
        return { start: start + newline + 1, text: Buffer.concat(parts).toString("utf8") };
      }
      parts.unshift(buffer);
      stop = start;
    }
    return { start: 0, text: Buffer.concat(parts).toString("utf8") };
  }

  private dropIncompleteTransaction(): { txn: number; written: number; of: number } | undefined {
    const last = this.lineEndingAt(this.size);
    if (!last) return undefined;
    const event = readEntry(last.text);
    if (!event || event.txnEvents === undefined) return undefined;
    const written = event.seq - event.txn + 1;
    if (written >= event.txnEvents) return undefined;
    // Walk back to the txn's first line; anything unexpected there is left for replay to report.
    let first = last;
    for (let i = 1; i < written; i++) {
      const line = this.lineEndingAt(first.start);
      if (!line || readEntry(line.text)?.txn !== event.txn) return undefined;
      first = line;
    }
    this.truncate(first.start);
    return { txn: event.txn, written, of: event.txnEvents };
  }

  private truncate(keep: number): number {
    const dropped = this.size - keep;
    if (dropped > 0) {
      ftruncateSync(this.fd, keep);
      fdatasyncSync(this.fd);
      this.size = keep;
    }
    return dropped;
  }

  /** Resolves with the byte offset each event's line starts at, once the events are settled (see `write`). */
  async append(events: readonly PlanEvent[], durable = true): Promise<readonly number[]> {
    const { positions, settled } = this.write(events, durable);
    await settled;
    return positions;
  }

  /**
   * Group commit. Writes the events' lines now, after every earlier write, and returns where they
   * start with a promise that settles once they are on the disk (`durable`), or once every earlier
   * write has settled (bookkeeping). A write `alone` (nothing queued behind it, nothing waiting) is
   * synced before this returns, as a plain append would be: a thread pool round trip costs more than
   * it saves when there is nothing to share. Otherwise one fdatasync runs at a time, off the event
   * loop, covering every line written before it started; lines written while it runs wait for the
   * next one, so a burst of commands shares a few syncs instead of paying one each.
   *
   * A failed sync takes back every line not settled yet (the file is cut at the oldest) and rejects
   * their promises, oldest first: each was written after the ones before, so none may outlive them.
   * A failed write (or lone sync) throws here and leaves the file as it was.
   */
  write(events: readonly PlanEvent[], durable: boolean, alone = false): JournalWrite {
    if (this.broken) throw this.broken;
    const positions: number[] = [];
    let text = "";
    let at = this.size;
    for (const event of events) {
      const line = JSON.stringify(event);
      positions.push(at);
      at += Buffer.byteLength(line, "utf8") + 1;
      text += `${line}\n`;
    }
    const bytes = Buffer.from(text, "utf8");
    const start = this.size;
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      // Leave no half line behind: the next append would glue onto it.
      this.cutAt(start, error);
      throw error;
    }
    this.size += bytes.length;
    if (this.waiting.length === 0 && !this.syncing) {
      if (!durable) return { positions, settled: SETTLED, settledAlready: true };
      if (alone) {
        // Nothing to share a sync with: on the disk before returning, without the thread pool.
        try {
          fdatasyncSync(this.fd);
        } catch (error) {
          this.cutAt(start, error);
          throw error;
        }
        this.syncCount++;
        this.synced = this.size;
        return { positions, settled: SETTLED, settledAlready: true };
      }
    }
    const settled = new Promise<void>((resolve, reject) => this.waiting.push({ start, end: this.size, durable, resolve, reject }));
    if (!this.syncing) this.startSync();
    return { positions, settled };
  }

  private startSync(): void {
    const target = this.size;
    this.syncing = true;
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (error) {
        this.failWaiting(error);
        return;
      }
      this.syncCount++;
      if (target > this.synced) this.synced = target;
      // Settled in the order written; bookkeeping behind a synced line needs no sync of its own.
      while (this.waiting.length > 0 && (this.waiting[0]!.end <= target || !this.waiting[0]!.durable)) this.waiting.shift()!.resolve();
      if (this.waiting.length > 0) this.startSync();
    });
  }

  private failWaiting(error: unknown): void {
    const failed = this.waiting.splice(0);
    if (failed.length === 0) return;
    this.cutAt(failed[0]!.start, error);
    for (const write of failed) write.reject(error);
  }

  /** Takes the file back to `keep` bytes after a failed write or sync. */
  private cutAt(keep: number, cause: unknown): void {
    try {
      ftruncateSync(this.fd, keep);
      this.size = keep;
      if (this.synced > keep) this.synced = keep;
    } catch (error) {
      // The lines stay in the file while their commands are refused: the next start would apply
      // them. Refusing every later change until a restart is the lesser harm.
      this.broken = new HistoryLogError(`${this.path}: a failed write (${String((cause as Error)?.message ?? cause)}) could not be taken back out of the history (${(error as Error).message}); restart Stocktake`);
    }
  }

  /** The events whose lines start at these byte offsets, each checked against the schema. */
  async readAt(positions: readonly number[]): Promise<PlanEvent[]> {
    const events: PlanEvent[] = [];
    let buffer = Buffer.alloc(4096);
    for (const position of positions) {
      if (position >= this.size) throw new HistoryLogError(`${this.path}: no event at byte ${position}`);
      let length = 0;
      let newline = -1;
      while (newline < 0) {
        if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)]);
        const bytesRead = readSync(this.fd, buffer, length, Math.min(buffer.length - length, this.size - position - length), position + length);
        if (bytesRead === 0) throw new HistoryLogError(`${this.path}: the event at byte ${position} has no end`);
        newline = buffer.indexOf(10, length);
        if (newline >= length + bytesRead) newline = -1;
        length += bytesRead;
      }
      events.push(parseLine(buffer.toString("utf8", 0, newline), `${this.path} (byte ${position})`));
    }
    return events;
  }

  /** Events written from byte `offset` on, oldest first, each checked against the schema. */
  /** `afterSeq`: the number the event before `offset` had, when known, so the first one is checked too. */
  async *from(offset: number, afterSeq?: number): AsyncIterable<PlanEvent> {
    for await (const { event } of this.entries(offset, afterSeq)) yield event;
  }

  /** As `from`, with the byte offset each event's line starts at. */
  /** `gap`: a line `stocktake repair` left comes just before it, so its number may jump. */
  async *entries(offset: number, afterSeq?: number): AsyncIterable<{ event: PlanEvent; position: number; gap: boolean }> {
    if (offset > this.size) {
      throw new HistoryLogError(`${this.path} is shorter (${this.size} bytes) than the state file expects (${offset} bytes)`);
    }
    const file = await open(this.path, "r");
    try {
      let position = offset;
      let carry = Buffer.alloc(0);
      let lineNumber = 0;
      let previousSeq = afterSeq;
      let lastTxn: number | undefined;
      let openTxn: { txn: number; last: number } | undefined;
      let afterGap = false;
      const buffer = Buffer.alloc(CHUNK);
      const end = this.size;
      while (position < end) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, end - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        // Split in bytes, not text: a chunk boundary may fall inside a multi-byte character.
        const blockStart = position - bytesRead - carry.length;
        const block = Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
        const lastNewline = block.lastIndexOf(10);
        carry = Buffer.from(block.subarray(lastNewline + 1));
        if (lastNewline < 0) continue;
        for (let start = 0; start < lastNewline; ) {
          const stop = block.indexOf(10, start);
          const line = block.toString("utf8", start, stop);
          const linePosition = blockStart + start;
          start = stop + 1;
          lineNumber++;
          if (!line) continue;
          const where = `${this.path} (line ${lineNumber} after byte ${offset})`;
          const entry = parseEntry(line, where);
          if ("gap" in entry) {
            // `stocktake repair` left this: the events it stands for are in its backup.
            afterGap = true;
            continue;
          }
          const event = entry;
          // Each event is numbered one more than the one before: a repeat means two writers, a
          // jump a lost or reordered line. Either way, dropping one silently would lose a change.
          if (previousSeq !== undefined && (afterGap ? event.seq <= previousSeq : event.seq !== previousSeq + 1)) {
            throw new HistoryLogError(
              `${where}: event ${event.seq} follows ${previousSeq}; ${event.seq <= previousSeq ? "a repeated or out-of-order sequence number (two processes wrote this history?)" : "the history has a gap"}.`,
            );
          }
          // A txn is applied whole or not at all: one that lost events in the middle is refused.
          if (openTxn && openTxn.txn !== event.txn && openTxn.last > (previousSeq ?? 0)) {
            throw new HistoryLogError(`${where}: the command of event ${openTxn.txn} has ${openTxn.last - openTxn.txn + 1} events, but only ${(previousSeq ?? 0) - openTxn.txn + 1} are here.`);
          }
          if (event.txn !== event.seq && previousSeq !== undefined && !afterGap && lastTxn !== event.txn) {
            throw new HistoryLogError(`${where}: event ${event.seq} belongs to the command of event ${event.txn}, whose start is missing.`);
          }
          if (event.seq === event.txn) openTxn = event.txnEvents === undefined ? undefined : { txn: event.txn, last: event.txn + event.txnEvents - 1 };
          const gap = afterGap;
          afterGap = false;
          lastTxn = event.txn;
          previousSeq = event.seq;
          yield { event, position: linePosition, gap };
        }
      }
    } finally {
      await file.close();
    }
  }

  oldestFirst(): AsyncIterable<PlanEvent> {
    return this.from(0);
  }

  async *newestFirst(): AsyncIterable<PlanEvent> {
    const file = await open(this.path, "r");
    try {
      let end = this.size;
      let carry = Buffer.alloc(0);
      const buffer = Buffer.alloc(CHUNK);
      while (end > 0) {
        const start = Math.max(0, end - CHUNK);
        const { bytesRead } = await file.read(buffer, 0, end - start, start);
        end = start;
        // Work in bytes: a chunk boundary may split a multi-byte character.
        let block = Buffer.concat([buffer.subarray(0, bytesRead), carry]);
        const lines: { line: Buffer; at: number }[] = [];
        for (let newline = newlineBeforeLast(block); newline >= 0; newline = newlineBeforeLast(block)) {
          lines.push({ line: block.subarray(newline + 1), at: start + newline + 1 });
          block = block.subarray(0, newline + 1);
        }
        carry = Buffer.from(block);
        for (const { line, at } of lines) {
          const text = line.toString("utf8").trimEnd();
          const entry = text ? parseEntry(text, `${this.path} (byte ${at})`) : undefined;
          if (entry && !("gap" in entry)) yield entry;
        }
      }
      const first = carry.toString("utf8").trimEnd();
      const entry = first ? parseEntry(first, `${this.path} (byte 0)`) : undefined;
      if (entry && !("gap" in entry)) yield entry;
    } finally {
      await file.close();
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The newline that ends the second-to-last line, ignoring the block's own final newline. */
function newlineBeforeLast(block: Buffer): number {
  return block.length < 2 ? -1 : block.lastIndexOf(10, block.length - 2);
}

/**
 * What `stocktake repair` writes where it took lines out: how many, after which event, and the
 * backup that holds them. Replay lets the next event's number jump past it.
 */
export const GapSchema = z.object({
  gap: z.object({ after: z.number().int().min(0), lines: z.number().int().min(0), events: z.array(z.number().int()), backup: z.string(), at: z.string() }),
});
export type Gap = z.infer<typeof GapSchema>;

function parseEntry(line: string, where: string): PlanEvent | Gap {
  if (line.startsWith('{"gap":')) {
    const gap = GapSchema.safeParse(safeJson(line));
    if (gap.success) return gap.data;
  }
  return parseLine(line, where);
}

/** The event on a line, or undefined for anything else (a gap, a damaged line). */
function readEntry(line: string): PlanEvent | undefined {
  const parsed = EventSchema.safeParse(safeJson(line));
  return parsed.success ? parsed.data : undefined;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function parseLine(line: string, where: string): PlanEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new HistoryLogError(`${where}: not a JSON line: ${line.slice(0, 80)}`);
  }
  const parsed = EventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HistoryLogError(`${where}: not a valid event (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})`);
  }
  return parsed.data;
}
