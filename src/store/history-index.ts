import { z } from "zod";
import type { PlanEvent } from "../model/schema.js";
import type { HistoryQuery } from "../ports.js";

/**
 * Where in the journal the events of one feature, and of one person, are: so `!history FEATURE`
 * and `!undo` read a few lines instead of the whole history, whatever its length. Positions are
 * the journal's own (byte offsets in the file), oldest first. Only the newest `keep` are kept per
 * key; a key that dropped some is marked incomplete, and a query that needs more than it kept
 * falls back to reading the history. Kept in the snapshot; events after it are added by replay.
 */

/** `!history` shows at most 50 changes; a few more cover the ones a query filters out. */
export const FEATURE_KEEP = 64;
/** `!undo` looks at the person's recent changes first (undoing undos walks back through them). */
export const PERSON_KEEP = 512;

interface Entry {
  positions: number[];
  /** Every event of the key is listed: none was dropped to stay within `keep`. */
  complete: boolean;
}

const EntrySchema = z.tuple([z.string(), z.array(z.number().int().nonnegative()), z.boolean()]);
export const HistoryIndexSchema = z.object({
  version: z.literal(1),
  features: z.array(EntrySchema),
  people: z.array(EntrySchema),
});
export type HistoryIndexData = z.infer<typeof HistoryIndexSchema>;

const featureKey = (project: string, release: string, feature: string) => `${project}\u0000${release}\u0000${feature}`;

export class HistoryIndex {
  private readonly features = new Map<string, Entry>();
  private readonly people = new Map<string, Entry>();

  static restore(data: HistoryIndexData): HistoryIndex {
    const index = new HistoryIndex();
    for (const [key, positions, complete] of data.features) index.features.set(key, { positions, complete });
    for (const [key, positions, complete] of data.people) index.people.set(key, { positions, complete });
    return index;
  }

  /** Records where an event was written. Quiet bookkeeping is not listed: history skips it. */
  add(event: PlanEvent, position: number): void {
    if (event.quiet) return;
    if (event.entity === "feature") push(this.features, featureKey(event.project, event.release, event.feature), position, FEATURE_KEEP);
    push(this.people, event.by, position, PERSON_KEEP);
  }

  /**
   * The positions to read for a query, newest first, and whether they are all the query could
   * match; undefined when the index does not cover the query (read the history instead).
   */
  candidates(query: HistoryQuery): { positions: readonly number[]; complete: boolean } | undefined {
    if (query.includeQuiet) return undefined;
    let entry: Entry | undefined;
    if (query.feature !== undefined && query.project !== undefined && query.release !== undefined) {
      entry = this.features.get(featureKey(query.project, query.release, query.feature));
    } else if (query.by !== undefined) {
      entry = this.people.get(query.by);
    } else {
      return undefined;
    }
    if (!entry) return { positions: [], complete: true };
    return { positions: [...entry.positions].reverse(), complete: entry.complete };
  }

  /** Every position lies before `bytes`: an index saved with more history than the file has is not used. */
  within(bytes: number): boolean {
    for (const map of [this.features, this.people]) {
      for (const entry of map.values()) if (entry.positions.some((position) => position >= bytes)) return false;
    }
    return true;
  }

  toJSON(): HistoryIndexData {
    const list = (map: Map<string, Entry>) => [...map].map(([key, entry]): [string, number[], boolean] => [key, entry.positions, entry.complete]);
    return { version: 1, features: list(this.features), people: list(this.people) };
  }
}

function push(map: Map<string, Entry>, key: string, position: number, keep: number): void {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { positions: [], complete: true }));
  // Replay may offer an event the snapshot's index already lists.
  if (entry.positions.length > 0 && entry.positions[entry.positions.length - 1]! >= position) return;
  entry.positions.push(position);
  if (entry.positions.length > keep * 2) {
    // Trimmed in batches so an append stays O(1) amortised.
    entry.positions.splice(0, entry.positions.length - keep);
    entry.complete = false;
  }
}
