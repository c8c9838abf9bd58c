import type { Person } from "../config/core-config.js";
import type { Feature, Release } from "../model/schema.js";

type People = Readonly<Record<string, Person>>;

/** The platform-qualified ids a person is known by: "matrix:@george:xen.org", "irc:oftc/george". */
export function identitiesOf(person: Person): string[] {
  const ids: string[] = [];
  if (person.matrix) ids.push(`matrix:${person.matrix}`);
  if (person.discord) ids.push(`discord:${person.discord}`);
  if (person.irc) ids.push(`irc:${person.irc}`);
  return ids;
}

/** The people of the config whose identities include this chat id, by key. */
export function peopleFor(people: People, invokerId: string): [string, Person][] {
  return Object.entries(people).filter(([, person]) => identitiesOf(person).includes(invokerId));
}

/**
 * Every owner string that means this chat id, lower-cased: the id itself and without its platform
 * ("@george:xen.org"), and for each person it belongs to, their key, name and ids. A plain-string
 * owner that names nobody matches no one.
 */
export function ownerNamesFor(people: People, invokerId: string): Set<string> {
  const names = new Set<string>([invokerId.toLowerCase()]);
  const colon = invokerId.indexOf(":");
  // An IRC user without a services account ("irc:oftc/~alice") is nobody in particular.
  if (colon > 0 && !invokerId.includes("~")) names.add(invokerId.slice(colon + 1).toLowerCase());
  for (const [key, person] of peopleFor(people, invokerId)) {
    names.add(key.toLowerCase());
    if (person.name) names.add(person.name.toLowerCase());
    for (const value of [person.matrix, person.discord, person.irc, person.email]) if (value) names.add(value.toLowerCase());
    for (const id of identitiesOf(person)) names.add(id.toLowerCase());
  }
  return names;
}

/** The features of the release this chat id owns, in summary order. */
export function ownedBy(release: Pick<Release, "features">, people: People, invokerId: string): Feature[] {
  const names = ownerNamesFor(people, invokerId);
  return Object.values(release.features)
    .filter((feature) => feature.owners.some((owner) => names.has(owner.trim().toLowerCase())))
    .sort((a, b) => a.order - b.order);
}
