import type { Person } from "../config/core-config.js";
import type { Feature, Release } from "../model/schema.js";
import { identitiesOf, peopleIndex } from "./people.js";
import { canGoStale, staleAt, staleFeatures } from "./stale.js";

type People = Readonly<Record<string, Person>>;

const DAY_MS = 86_400_000;

/** Who a nag is for: a person of the config, or an owner string that names nobody there. */
export interface NagOwner {
  /** Stable key for "when was this owner last reminded": `person:george`, `name:thanos`. */
  key: string;
  name: string;
  /** Their chat id on the room's platform, when the config gives one: the nag names them there. */
  chatId?: string;
}

export interface Nag {
  owner: NagOwner;
  features: Feature[];
}

/**
 * An owner reminded at `last` is due another reminder: `staleDays` days have passed since. The one
 * rule both the plan (who is due) and the scheduler's claim (checked again on the latest state) use.
 */
export function dueAgain(last: Date | undefined, now: Date, staleDays: number): boolean {
  return last === undefined || last.getTime() <= now.getTime() - staleDays * DAY_MS;
}

function ownerOf(owner: string, people: People, index: ReadonlyMap<string, string>, platform: string): NagOwner {
  const personKey = index.get(owner.trim().toLowerCase());
  if (personKey === undefined) return { key: `name:${owner.trim().toLowerCase()}`, name: owner.trim() };
  const person = people[personKey]!;
  const chatId = identitiesOf(person).find((id) => id.startsWith(`${platform}:`));
  return { key: `person:${personKey}`, name: person.name ?? personKey, ...(chatId ? { chatId } : {}) };
}

/**
 * The features grouped by the owner they remind, in the order given, each once per owner (a person
 * written under two of their names is one owner). Unowned features have nobody to remind.
 */
function byOwner(features: Iterable<Feature>, people: People, platform: string): Nag[] {
  const index = peopleIndex(people);
  const owners = new Map<string, Nag>();
  for (const feature of features) {
    for (const name of feature.owners) {
      const owner = ownerOf(name, people, index, platform);
      const nag = owners.get(owner.key);
      if (!nag) owners.set(owner.key, { owner, features: [feature] });
      // A feature's owners are read together, so a second name of the same person finds it last.
      else if (nag.features[nag.features.length - 1] !== feature) nag.features.push(feature);
    }
  }
  return [...owners.values()];
}

/**
 * The reminders due in a room: one per owner with stale items, all their items in it, unless they
 * were reminded less than `staleDays` days ago.
 */
export function planNags(
  release: Pick<Release, "features" | "closedAt">,
  people: People,
  now: Date,
  staleDays: number,
  lastReminded: (ownerKey: string) => Date | undefined,
  platform: string,
): Nag[] {
  return byOwner(staleFeatures(release, now, staleDays), people, platform).filter((nag) => dueAgain(lastReminded(nag.owner.key), now, staleDays));
}

/** A reminder ahead: when it will be sent if nothing changes, and the items it will list then. */
export interface UpcomingNag extends Nag {
  at: Date;
  /** When it falls due, before quiet hours or a mute move it to `at`. */
  due: Date;
}

/**
 * Each owner's next reminder, soonest first, assuming nobody updates anything: due once their first
 * item has gone `staleDays` without an update and `staleDays` after their last reminder (as
 * dueAgain says), at `now` when that is past, then moved by `defer` (quiet hours, a mute). The one
 * plan both `!countdown preview` shows and the scheduler wakes for.
 */
export function upcomingNags(
  release: Pick<Release, "features" | "closedAt">,
  people: People,
  now: Date,
  staleDays: number,
  lastReminded: (ownerKey: string) => Date | undefined,
  platform: string,
  defer: (due: Date) => Date = (due) => due,
): UpcomingNag[] {
  const staleFrom = new Map<Feature, number>();
  for (const feature of Object.values(release.features)) {
    if (canGoStale(release, feature)) staleFrom.set(feature, staleAt(feature, staleDays));
  }
  const upcoming: UpcomingNag[] = [];
  for (const { owner, features } of byOwner(staleFrom.keys(), people, platform)) {
    const items = features.map((feature) => ({ feature, at: staleFrom.get(feature)! })).sort((a, b) => a.at - b.at || a.feature.order - b.feature.order);
    const last = lastReminded(owner.key);
    const due = new Date(Math.max(items[0]!.at, last === undefined ? -Infinity : last.getTime() + staleDays * DAY_MS, now.getTime()));
    const at = defer(due);
    upcoming.push({ owner, due, at, features: items.filter((item) => item.at <= at.getTime()).map((item) => item.feature) });
  }
  return upcoming.sort((a, b) => a.at.getTime() - b.at.getTime() || a.owner.name.localeCompare(b.owner.name));
}
