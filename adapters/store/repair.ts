import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { EventSchema, emptyState, type PlanEvent, type PlanState } from "../../src/model/schema.js";
import { applyChange, invertChange } from "../../src/store/event-store.js";
import { systemClock, type Clock } from "../../src/ports.js";
import { copyFileDurably, writeFileAtomically } from "./durable-file.js";
import { HistoryIndex } from "../../src/store/history-index.js";
import { GapSchema, type Gap } from "./history-log.js";
import { FileLock } from "./lock.js";
import { LowdbStore, parseSnapshot } from "./lowdb-store.js";

/** A history line repair could not read. */
export interface SkippedLine {
  line: number;
  byte: number;
  reason: string;
  /** Its start, for the report; the whole line is in the backup. */
  text: string;
}

/** A command taken out of the history: part of it was unreadable, or it no longer applies. */
export interface SkippedCommand {
  txn: number;
  events: number[];
  by: string;
  command: string;
  at: string;
  /** The snapshot already holds its effect: the plan keeps it, only its history lines go. */
  inPlan: boolean;
  reason: string;
}

export interface RepairReport {
  dataFile: string;
  historyFile: string;
  skippedLines: SkippedLine[];
  skippedCommands: SkippedCommand[];
  /** Why the snapshot was not used and the plan was rebuilt from the history, if it was. */
  snapshotProblem: string | undefined;
  /** Copies of the files as they were, when anything was written. */
  backups: string[];
  /** The last event in the plan after the repair. */
  seq: number;
  /** Whether there was anything to repair (and, unless a dry run, it was written). */
  changed: boolean;
}

/** Why repair stopped without writing anything. */
export class RepairError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RepairError";
  }
}

type Item =
  | { kind: "event"; line: number; byte: number; raw: Buffer; event: PlanEvent }
  | { kind: "gap"; line: number; byte: number; raw: Buffer; gap: Gap }
  | { kind: "bad"; line: number; byte: number; raw: Buffer; reason: string };

/**
 * `stocktake repair`: reads the history line by line, takes out what cannot be read together
 * with the rest of each command it belonged to (a command is applied whole or not at all), and
 * commands that no longer apply without them; backs up both files first, and reports every
 * line and command it took out. The plan comes from the snapshot when it is sound, else from
 * the history alone. Takes the lock: the bot must not be running.
 */
export async function repairLowdb(dataFile: string, options: { clock?: Clock; dryRun?: boolean } = {}): Promise<RepairReport> {
  const path = resolve(dataFile);
  const historyFile = LowdbStore.historyPathFor(path);
  const lock = new FileLock(`${path}.lock`);
  lock.acquire();
  try {
    return await repairLocked(path, historyFile, options.clock ?? systemClock, options.dryRun ?? false);
  } finally {
    lock.release();
  }
}

async function repairLocked(path: string, historyFile: string, clock: Clock, dryRun: boolean): Promise<RepairReport> {
  const items = existsSync(historyFile) ? readItems(readFileSync(historyFile)) : [];
  const skippedLines: SkippedLine[] = items
    .filter((item) => item.kind === "bad")
    .map((item) => ({ line: item.line, byte: item.byte, reason: item.reason, text: item.raw.toString("utf8").slice(0, 80) }));

  // Commands with a part missing: around each unreadable line or jump in the numbering.
  const broken = new Map<number, string>();
  const events: { item: Extract<Item, { kind: "event" }>; at: number }[] = [];
  items.forEach((item, at) => {
    if (item.kind === "event") events.push({ item, at });
  });
  for (let i = 0; i <= events.length; i++) {
    const previous = events[i - 1]?.item;
    const next = events[i]?.item;
    const between = items.slice(i > 0 ? events[i - 1]!.at + 1 : 0, i < events.length ? events[i]!.at : items.length);
    const unreadable = between.some((item) => item.kind === "bad");
    const repaired = between.some((item) => item.kind === "gap");
    if (previous && next && next.event.seq <= previous.event.seq) {
      throw new RepairError(
        `${historyFile} (line ${next.line}): event ${next.event.seq} follows ${previous.event.seq}. Two processes wrote this history; repair does not choose between them. Nothing was changed.`,
      );
    }
    const lostBefore = next !== undefined && !repaired && next.event.seq !== (previous?.event.seq ?? 0) + 1;
    if (!unreadable && !lostBefore) {
      if (next === undefined && previous && incomplete(previous.event)) broken.set(previous.event.txn, "its last events are missing");
      continue;
    }
    const reason = unreadable ? "a line of it cannot be read" : `events before ${next!.event.seq} are missing`;
    if (previous && incomplete(previous.event)) broken.set(previous.event.txn, reason);
    if (next && next.event.txn !== next.event.seq) broken.set(next.event.txn, reason);
  }

  const snapshot = readSnapshot(path, items);
  const state: PlanState = snapshot.ok ? snapshot.state : emptyState();
  // The snapshot holds every event up to its number, wherever the damage moved the bytes.
  const covered = state.seq;
  const skippedCommands: SkippedCommand[] = [];
  const skip = (txn: Extract<Item, { kind: "event" }>[], inPlan: boolean, reason: string) => {
    const first = txn[0]!.event;
    skippedCommands.push({ txn: first.txn, events: txn.map((item) => item.event.seq), by: first.by, command: first.command, at: first.at, inPlan, reason });
  };

  // Replay what the snapshot does not hold, one command at a time.
  const kept = new Set<Item>();
  for (const txn of byTxn(events.map(({ item }) => item))) {
    const first = txn[0]!;
    const inPlan = first.event.seq <= covered;
    const reason = broken.get(first.event.txn);
    if (reason !== undefined) {
      skip(txn, inPlan, reason);
      continue;
    }
    if (inPlan) {
      for (const item of txn) kept.add(item);
      continue;
    }
    const applied: PlanEvent[] = [];
    try {
      for (const item of txn) {
        applyChange(state, item.event);
        applied.push(item.event);
      }
    } catch (error) {
      for (const event of applied.reverse()) applyChange(state, invertChange(event));
      skip(txn, false, `it no longer applies without what was taken out (${(error as Error).message})`);
      continue;
    }
    state.seq = txn.at(-1)!.event.seq;
    for (const item of txn) kept.add(item);
  }

  const changed = skippedLines.length > 0 || skippedCommands.length > 0 || !snapshot.ok || items.some((item, i) => item.kind === "event" && gapNeeded(items, i));
  const report: RepairReport = { dataFile: path, historyFile, skippedLines, skippedCommands, snapshotProblem: snapshot.ok ? undefined : snapshot.problem, backups: [], seq: state.seq, changed };
  if (!changed || dryRun) return report;

  const stamp = clock.now().toISOString().replace(/[:.]/g, "-");
  const historyBackup = `${historyFile}.${stamp}.bak`;
  // The backups alone keep the lines taken out: on the disk before either file is replaced.
  if (existsSync(historyFile)) {
    await copyFileDurably(historyFile, historyBackup);
    report.backups.push(historyBackup);
  }
  if (existsSync(path)) {
    const dataBackup = `${path}.${stamp}.bak`;
    await copyFileDurably(path, dataBackup);
    report.backups.push(dataBackup);
  }

  // The new history: what is kept, byte for byte; one gap line where anything was taken out.
  const out: Buffer[] = [];
  const newline = Buffer.from("\n");
  let lastSeq = 0;
  let afterGap = false;
  let removed: Item[] = [];
  let written = 0;
  let bytes = 0;
  /** Where the next line starts in the new history. */
  const offset = () => {
    for (; written < out.length; written++) bytes += out[written]!.length;
    return bytes;
  };
  const index = new HistoryIndex();
  const writeGap = () => {
    const seqs = removed.flatMap((item) => (item.kind === "event" ? [item.event.seq] : []));
    const gap: Gap = { gap: { after: lastSeq, lines: removed.length, events: seqs, backup: basename(historyBackup), at: clock.now().toISOString() } };
    out.push(Buffer.from(JSON.stringify(gap)), newline);
    removed = [];
    afterGap = true;
  };
  for (const item of items) {
    if (item.kind === "gap") {
      if (removed.length > 0) writeGap();
      out.push(item.raw, newline);
      afterGap = true;
    } else if (item.kind === "event" && kept.has(item)) {
      if (removed.length > 0 || (!afterGap && item.event.seq !== lastSeq + 1)) writeGap();
      index.add(item.event, offset());
      out.push(item.raw, newline);
      lastSeq = item.event.seq;
      afterGap = false;
    } else {
      removed.push(item);
    }
  }
  // The snapshot may hold events the history lost at its end: the next one follows them.
  if (removed.length > 0 || (!afterGap && state.seq > lastSeq)) writeGap();
  const history = Buffer.concat(out);
  await writeFileAtomically(historyFile, history);
  await writeFileAtomically(path, JSON.stringify({ ...state, historyBytes: history.length, historyIndex: index.toJSON() }));
  return report;
}

/** The event at `i` follows a jump in the numbering that no gap line accounts for. */
function gapNeeded(items: Item[], i: number): boolean {
  const item = items[i]!;
  if (item.kind !== "event") return false;
  for (let j = i - 1; j >= 0; j--) {
    const before = items[j]!;
    if (before.kind === "gap") return false;
    if (before.kind === "event") return item.event.seq !== before.event.seq + 1;
  }
  return item.event.seq !== 1;
}

/** Part of a command whose other events should follow (only histories that record the count). */
function incomplete(event: PlanEvent): boolean {
  return event.txnEvents !== undefined && event.seq < event.txn + event.txnEvents - 1;
}

function* byTxn<T extends { event: PlanEvent }>(events: T[]): Iterable<T[]> {
  let group: T[] = [];
  for (const item of events) {
    if (group.length > 0 && item.event.txn !== group[0]!.event.txn) {
      yield group;
      group = [];
    }
    group.push(item);
  }
  if (group.length > 0) yield group;
}

function readItems(bytes: Buffer): Item[] {
  const items: Item[] = [];
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let stop = bytes.indexOf(10, start);
    const unfinished = stop < 0;
    if (unfinished) stop = bytes.length;
    line++;
    const raw = bytes.subarray(start, stop);
    const byte = start;
    start = stop + 1;
    if (raw.length === 0) continue;
    if (unfinished) {
      items.push({ kind: "bad", line, byte, raw, reason: "an unfinished last line (a crash mid-write; never acknowledged)" });
      continue;
    }
    items.push(classify(raw, line, byte));
  }
  return items;
}

function classify(raw: Buffer, line: number, byte: number): Item {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return { kind: "bad", line, byte, raw, reason: "not a JSON line" };
  }
  const gap = GapSchema.safeParse(json);
  if (gap.success) return { kind: "gap", line, byte, raw, gap: gap.data };
  const event = EventSchema.safeParse(json);
  if (event.success) return { kind: "event", line, byte, raw, event: event.data };
  const issue = event.error.issues[0];
  return { kind: "bad", line, byte, raw, reason: `not a valid event (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})` };
}

/** The snapshot, if it is sound and agrees with the history; otherwise why not. */
function readSnapshot(path: string, items: Item[]): { ok: true; state: PlanState; historyBytes: number } | { ok: false; problem: string } {
  if (!existsSync(path)) return { ok: false, problem: `${path} is missing` };
  let parsed: ReturnType<typeof parseSnapshot>;
  try {
    parsed = parseSnapshot(JSON.parse(readFileSync(path, "utf8")) as unknown, path);
  } catch (error) {
    return { ok: false, problem: `${path} cannot be read (${(error as Error).message.split("\n").join(" ")})` };
  }
  const { state, historyBytes } = parsed;
  const last = items.filter((item): item is Extract<Item, { kind: "event" }> => item.kind === "event" && item.event.seq <= state.seq).at(-1);
  if (state.seq > 0 && !last) return { ok: false, problem: `${path} is at event ${state.seq}, but the history has none of the events before it` };
  return { ok: true, state, historyBytes };
}

/** The report as people read it: every line and command taken out, and where the backups are. */
export function describeRepair(report: RepairReport, dryRun: boolean): string {
  const out: string[] = [];
  if (!report.changed) {
    return `${report.historyFile}: every line reads, every command is whole, and ${basename(report.dataFile)} agrees with it. Nothing to repair.\n`;
  }
  if (report.snapshotProblem) out.push(`The snapshot was not used: ${report.snapshotProblem}. The plan ${dryRun ? "would be" : "was"} rebuilt from the history.`);
  if (report.skippedLines.length > 0) {
    const one = report.skippedLines.length === 1;
    out.push(`${report.skippedLines.length} line${one ? "" : "s"} of ${report.historyFile} cannot be read${dryRun ? "" : ` and ${one ? "was" : "were"} taken out`}:`);
    for (const line of report.skippedLines) out.push(`  line ${line.line} (byte ${line.byte}): ${line.reason}: ${JSON.stringify(line.text)}`);
  }
  const lost = report.skippedCommands.filter((command) => !command.inPlan);
  const kept = report.skippedCommands.filter((command) => command.inPlan);
  if (lost.length > 0) {
    out.push(`${lost.length} command${lost.length === 1 ? " is" : "s are"} ${dryRun ? "not applied" : "no longer in the plan"} (each was acknowledged when it was made):`);
    for (const command of lost) out.push(`  event ${command.events.join(", ")} at ${command.at} by ${command.by}: ${JSON.stringify(command.command)}: ${command.reason}`);
  }
  if (kept.length > 0) {
    out.push(`${kept.length} command${kept.length === 1 ? " stays" : "s stay"} in the plan (the snapshot holds ${kept.length === 1 ? "it" : "them"}), but ${kept.length === 1 ? "its" : "their"} history lines ${dryRun ? "would be" : "were"} taken out:`);
    for (const command of kept) out.push(`  event ${command.events.join(", ")} at ${command.at} by ${command.by}: ${JSON.stringify(command.command)}: ${command.reason}`);
  }
  if (dryRun) out.push("Dry run: nothing was written. Run `stocktake repair` without --dry-run to apply it.");
  else out.push(`Backups of the files as they were: ${report.backups.join(", ")} (every line taken out is there). The plan is at event ${report.seq}.`);
  return out.join("\n") + "\n";
}
