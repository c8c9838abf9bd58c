import { BUCKETS, BUCKET_INFO, type Bucket } from "../model/buckets.js";
import type { PlanEvent } from "../model/schema.js";
import type { PlanStore } from "../ports.js";

/** A release's bucket counts at the end of a day (UTC) on which they changed. */
export interface SeriesPoint {
  date: string;
  counts: Readonly<Record<Bucket, number>>;
}

interface Tracked {
  bucket: Bucket;
  parent: string | null;
}

/** What the fold keeps per release: just enough to count the way `bucketCounts` does. */
interface ReleaseFold {
  features: Map<string, Tracked>;
  /** How many features name each id as their parent; a feature with sub-items is not counted itself. */
  children: Map<string, number>;
  counts: Record<Bucket, number>;
  points: SeriesPoint[];
}

const zero = (): Record<Bucket, number> => Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<Bucket, number>;
const isBucket = (value: unknown): value is Bucket => typeof value === "string" && value in BUCKET_INFO;

/**
 * How many features sat in each bucket over time, per release, for the web page's chart. Built by
 * one forward pass over the history and then fed each committed event, so a page never rescans the
 * history. The counting rule is `bucketCounts`'s: sub-items count, parents with sub-items do not.
 */
export class BucketSeries {
  private readonly releases = new Map<string, ReleaseFold>();
  private seq = 0;

  /** The last event folded in. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Folds in one event; events already seen (by sequence number) are ignored. */
  apply(event: PlanEvent): void {
    if (event.seq <= this.seq) return;
    this.seq = event.seq;
    if (event.entity === "release" && event.after === null) this.releases.delete(key(event.project, event.release));
    if (event.entity !== "feature") return;
    const fold = this.fold(event.project, event.release);
    const before = fold.features.get(event.feature);
    const after = next(before, event.before, event.after);
    if (before === after) return;
    const affected = new Set([event.feature, before?.parent, after?.parent].filter((id): id is string => typeof id === "string"));
    for (const id of affected) tally(fold, id, -1);
    if (before?.parent) fold.children.set(before.parent, (fold.children.get(before.parent) ?? 1) - 1);
    if (after?.parent) fold.children.set(after.parent, (fold.children.get(after.parent) ?? 0) + 1);
    if (after) fold.features.set(event.feature, after);
    else fold.features.delete(event.feature);
    for (const id of affected) tally(fold, id, +1);
    record(fold, event.at.slice(0, 10));
  }

  /** The release's daily points, oldest first; empty for a release with no feature changes. */
  points(project: string, release: string): readonly SeriesPoint[] {
    return this.releases.get(key(project, release))?.points ?? [];
  }

  /** The counts now, as the fold has them: equal to `bucketCounts` of the release. */
  counts(project: string, release: string): Readonly<Record<Bucket, number>> {
    return this.releases.get(key(project, release))?.counts ?? zero();
  }

  private fold(project: string, release: string): ReleaseFold {
    const id = key(project, release);
    let fold = this.releases.get(id);
    if (!fold) this.releases.set(id, (fold = { features: new Map(), children: new Map(), counts: zero(), points: [] }));
    return fold;
  }
}

function key(project: string, release: string): string {
  return `${project}\u0000${release}`;
}

/** The feature as the event leaves it; the same object when nothing the count depends on changed. */
function next(current: Tracked | undefined, before: Record<string, unknown> | null, after: Record<string, unknown> | null): Tracked | undefined {
  if (after === null) return undefined;
  if (before === null || current === undefined) {
    return isBucket(after["bucket"]) ? { bucket: after["bucket"], parent: typeof after["parent"] === "string" ? after["parent"] : null } : current;
  }
  const bucket = isBucket(after["bucket"]) ? after["bucket"] : current.bucket;
  const parent = "parent" in after ? (typeof after["parent"] === "string" ? after["parent"] : null) : current.parent;
  return bucket === current.bucket && parent === current.parent ? current : { bucket, parent };
}

function tally(fold: ReleaseFold, id: string, sign: 1 | -1): void {
  const feature = fold.features.get(id);
  if (feature && (fold.children.get(id) ?? 0) === 0) fold.counts[feature.bucket] += sign;
}

/** The day's point holds the day's last counts; a change that leaves the counts as they were adds none. */
function record(fold: ReleaseFold, date: string): void {
  const last = fold.points.at(-1);
  if (last && BUCKETS.every((bucket) => last.counts[bucket] === fold.counts[bucket])) return;
  const point = { date, counts: { ...fold.counts } };
  if (last?.date === date) fold.points[fold.points.length - 1] = point;
  else fold.points.push(point);
}

/**
 * Builds the series from the whole history once, then keeps it current from committed changes. The
 * listener is attached before the pass, so a change committed meanwhile is folded in after it.
 */
export async function trackBucketSeries(
  store: Pick<PlanStore, "events">,
  onChange: (listener: (events: readonly PlanEvent[]) => void) => () => void,
): Promise<{ series: BucketSeries; stop: () => void }> {
  const followed = followBucketSeries(store, onChange);
  try {
    await followed.ready;
  } catch (error) {
    followed.stop();
    throw error;
  }
  return { series: followed.series, stop: followed.stop };
}

/**
 * The same, returned at once with the pass under way (`ready` settles when it is done): start-up
 * does not wait for a read of the whole history, only the chart does.
 */
export function followBucketSeries(
  store: Pick<PlanStore, "events">,
  onChange: (listener: (events: readonly PlanEvent[]) => void) => () => void,
): { series: BucketSeries; ready: Promise<void>; stop: () => void } {
  const series = new BucketSeries();
  let pending: PlanEvent[] | undefined = [];
  let stopped = false;
  const unsubscribe = onChange((events) => {
    if (pending) pending.push(...events);
    else for (const event of events) series.apply(event);
  });
  const ready = (async () => {
    // Stopped (the app is shutting down): the pass ends instead of reading a closing store.
    for await (const event of store.events(1)) {
      if (stopped) return;
      series.apply(event);
    }
    for (const event of pending) series.apply(event);
    pending = undefined;
  })();
  const stop = () => {
    stopped = true;
    unsubscribe();
  };
  return { series, ready, stop };
}
