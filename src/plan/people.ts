import type { Person } from "../config/core-config.js";
import type { Feature, Release } from "../model/schema.js";
import { localId, withoutPlatform } from "../ids.js";
import { namedPerson, person as chatPerson, type Inline, type Piece, type Text } from "../reply/text.js";
import { plainText } from "../reply/inline.js";

type People = Readonly<Record<string, Person>>;

/** The platform-qualified ids a person is known by: "matrix:@george:xen.org", "irc:oftc/george". */
export function identitiesOf(person: Person): string[] {
  const ids: string[] = [];
  if (person.matrix) ids.push(`matrix:${person.matrix}`);
  if (person.discord) ids.push(`discord:${person.discord}`);
  if (person.irc) ids.push(`irc:${person.irc}`);
  return ids;
}

/** How Discord writes a mention of user `id` in a message typed there: `<@81234>`, or `<@!81234>` from older clients. */
function discordMentions(id: string): string[] {
  return [`<@${id}>`, `<@!${id}>`];
}

/**
 * Every owner string that names this person, lower-cased: their key, name, bare chat ids and email,
 * platform-qualified ids, and a Discord mention of them (`!owner blktap3 @George` typed on Discord
 * arrives as `<@81234>`). `!mine`, the nags and the replies read owners through this one list.
 */
export function aliasesOf(key: string, person: Person): string[] {
  const aliases = [key, person.name, person.matrix, person.discord, person.irc, person.email, ...identitiesOf(person), ...(person.discord ? discordMentions(person.discord) : [])];
  return aliases.flatMap((alias) => (alias ? [alias.toLowerCase()] : []));
}

/**
 * The owner strings a chat id is by itself, lower-cased: the id, without its platform
 * ("@george:xen.org"), and for a Discord user a mention of them (`<@81234>`). An IRC user without a
 * services account ("irc:oftc/~alice") is nobody in particular, so only the full id names them.
 */
export function ownIdsOf(invokerId: string): string[] {
  const bare = withoutPlatform(invokerId);
  if (bare === invokerId || invokerId.includes("~")) return [invokerId.toLowerCase()];
  const discord = localId("discord", invokerId);
  return [invokerId.toLowerCase(), bare.toLowerCase(), ...(discord === undefined ? [] : discordMentions(discord))];
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
  const names = new Set<string>(ownIdsOf(invokerId));
  for (const [key, person] of peopleFor(people, invokerId)) for (const alias of aliasesOf(key, person)) names.add(alias);
  return names;
}

/** The features of the release this chat id owns, in summary order. */
export function ownedBy(release: Pick<Release, "features">, people: People, invokerId: string): Feature[] {
  const names = ownerNamesFor(people, invokerId);
  return Object.values(release.features)
    .filter((feature) => feature.owners.some((owner) => names.has(owner.trim().toLowerCase())))
    .sort((a, b) => a.order - b.order);
}

/** Lower-cased owner strings (key, name, ids) → person key, built once per plan. */
export function peopleIndex(people: People): Map<string, string> {
  const index = new Map<string, string>();
  for (const [key, person] of Object.entries(people)) {
    for (const alias of aliasesOf(key, person)) index.set(alias, key);
  }
  return index;
}

/** How a reply names one owner: a person piece for a person of the config, the owner as typed otherwise. */
export type OwnerNames = (owner: string) => Inline;

/** Owners as typed, for where no people are configured. */
export const plainOwners: OwnerNames = (owner) => owner;

/**
 * How replies name owners: an owner that names a person of the config (by key, name or a chat
 * id, as `!mine` reads it) is that person, with their name and every chat id, and each renderer
 * names them its platform's way; any other owner is plain text, as typed. Built once per reply.
 */
export function ownerNames(people: People): OwnerNames {
  const index = peopleIndex(people);
  if (index.size === 0) return plainOwners;
  const pieces = new Map<string, Inline>();
  // Each owner string once per reply: a summary names the same few people on many features.
  const named = new Map<string, Inline>();
  return (owner) => {
    const seen = named.get(owner);
    if (seen !== undefined) return seen;
    const key = index.get(owner.trim().toLowerCase());
    let piece: Inline = owner;
    if (key !== undefined) {
      piece = pieces.get(key) ?? namedPerson(people[key]!.name ?? key, identitiesOf(people[key]!));
      pieces.set(key, piece);
    }
    named.set(owner, piece);
    return piece;
  };
}

/**
 * "George Dunlap, Thanos": the owners as `names` shows them, after `before` ("owner: "); plain text
 * while none is a person. A person listed under two of their names ("george", "@george:xen.org")
 * is shown once; the plan keeps both as typed. Built by hand: a summary makes one for every owned feature.
 */
export function ownersText(owners: readonly string[], names: OwnerNames, before = ""): Text {
  // `names` gives one piece per person, so a person's second name is the same object.
  const parts = owners.map(names).filter((part, index, all) => typeof part === "string" || all.indexOf(part) === index);
  if (parts.every((part) => typeof part === "string")) return before + parts.join(", ");
  const text: Inline[] = [];
  let pending = before;
  parts.forEach((part, index) => {
    if (index > 0) pending += ", ";
    if (typeof part === "string") pending += part;
    else {
      if (pending !== "") text.push(pending);
      text.push(part);
      pending = "";
    }
  });
  if (pending !== "") text.push(pending);
  return text;
}

/**
 * Owners as one line of plain text, named as `ownersText` names them ("George Dunlap, Thanos" for
 * `@george:xen.org, Thanos`): what a change's description says an owner field went from and to.
 */
export function ownersLine(people: People): (owners: readonly string[]) => string {
  const names = ownerNames(people);
  return (owners) => plainText(ownersText(owners, names));
}

/** Whoever did something (`updatedBy`), by chat id: as the person of the config it belongs to, if any. */
export function personFor(people: People, id: string): Piece {
  const found = peopleFor(people, id)[0];
  if (!found) return chatPerson(id);
  const [key, person] = found;
  return namedPerson(person.name ?? key, [id, ...identitiesOf(person).filter((other) => other !== id)]);
}
