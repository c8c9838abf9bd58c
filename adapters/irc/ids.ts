import { localId, qualify } from "../../src/ids.js";

/**
 * IRC ids: people by services account, `irc:oftc/george`; channels `irc:oftc/#xen-devel`; a
 * private query by the other side's nick, `irc:oftc/alice`. Someone with no account is
 * `irc:oftc/~alice`: "~" is not a nick or account character, so that id names no account and no
 * config entry for an account can match it. A nick alone never grants a role.
 */
export function personId(network: string, account: string | undefined, nick: string): string {
  return account === undefined ? qualify("irc", `${network}/~${nick.toLowerCase()}`) : qualify("irc", `${network}/${account.toLowerCase()}`);
}

export function conversationId(network: string, target: string): string {
  return qualify("irc", `${network}/${target}`);
}

/** The channel or nick a conversation id of this network names; undefined for any other id. */
export function targetOf(network: string, conversation: string): string | undefined {
  const local = localId("irc", conversation);
  if (local === undefined || !local.startsWith(`${network}/`)) return undefined;
  const target = local.slice(network.length + 1);
  return target === "" || target.startsWith("~") ? undefined : target;
}

/** The nick in an id for someone with no account (`irc:oftc/~alice` → alice). */
export function unregisteredNick(network: string, id: string): string | undefined {
  const local = localId("irc", id);
  return local?.startsWith(`${network}/~`) ? local.slice(network.length + 2) : undefined;
}
