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
 * The reminders due in a room: one per owner with stale items, all their items in it, unless they
 * were reminded less than `staleDays` days ago. Unowned items have nobody to remind.
 */
export function planNags(
  release: Pick<Release, "features" | "closedAt">,
  people: People,
  now: Date,
  staleDays: number,
  lastReminded: (ownerKey: string) => Date | undefined,
  platform: string,
): Nag[] {
  const index = peopleIndex(people);
  const byOwner = new Map<string, Nag>();
  for (const feature of staleFeatures(release, now, staleDays)) {
    for (const name of feature.owners) {
      const owner = ownerOf(name, people, index, platform);
      const nag = byOwner.get(owner.key);
      if (nag) {
        if (!nag.features.includes(feature)) nag.features.push(feature);
      } else byOwner.set(owner.key, { owner, features: [feature] });
    }
  }
  return [...byOwner.values()].filter((nag) => dueAgain(lastReminded(nag.owner.key), now, staleDays));
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
  const index = peopleIndex(people);
  const byOwner = new Map<string, { owner: NagOwner; items: { feature: Feature; at: number }[] }>();
  for (const feature of Object.values(release.features)) {
    if (!canGoStale(release, feature)) continue;
    const at = staleAt(feature, staleDays);
    for (const name of feature.owners) {
      const owner = ownerOf(name, people, index, platform);
      const entry = byOwner.get(owner.key);
      if (!entry) byOwner.set(owner.key, { owner, items: [{ feature, at }] });
      else if (!entry.items.some((item) => item.feature === feature)) entry.items.push({ feature, at });
    }
  }
  const upcoming: UpcomingNag[] = [];
  for (const { owner, items } of byOwner.values()) {
    items.sort((a, b) => a.at - b.at || a.feature.order - b.feature.order);
    const last = lastReminded(owner.key);
    const due = new Date(Math.max(items[0]!.at, last === undefined ? -Infinity : last.getTime() + staleDays * DAY_MS, now.getTime()));
    const at = defer(due);
    upcoming.push({ owner, due, at, features: items.filter((item) => item.at <= at.getTime()).map((item) => item.feature) });
  }
  return upcoming.sort((a, b) => a.at.getTime() - b.at.getTime() || a.owner.name.localeCompare(b.owner.name));
}
