import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { Accounts } from "../../../adapters/irc/accounts.js";

/**
 * irc-framework's client as far as accounts go: the events it emits (shapes as in its
 * handlers: join with extended-join's account or false, "account" from account-notify, nick,
 * quit, part, kick) and its WHOIS / WHO queries answered from a table. The account-tag,
 * extended-join and account-notify paths run against real InspIRCd + Atheme in
 * tests/integration/irc/services.test.ts; this covers the fallbacks that network does not need.
 */
class FakeClient extends EventEmitter {
  readonly queries: string[] = [];
  constructor(
    private readonly caps: string[],
    private readonly whox: boolean,
    private readonly table: Record<string, string | undefined> = {},
    private readonly silent = false,
  ) {
    super();
  }
  network = {
    cap: { isEnabled: (cap: string) => this.caps.includes(cap) },
    supports: (feature: string) => (feature === "whox" ? this.whox : false),
  };
  whois(nick: string, callback: (event: { account?: string; error?: string }) => void): void {
    this.queries.push(`WHOIS ${nick}`);
    if (this.silent) return;
    const account = this.table[nick];
    setImmediate(() => callback(nick in this.table ? (account ? { account } : {}) : { error: "no_such_nick" }));
  }
  who(target: string, callback: (event: { users: { nick: string; account?: string }[] }) => void): void {
    this.queries.push(`WHO ${target}`);
    if (this.silent) return;
    setImmediate(() => callback({ users: target in this.table ? [{ nick: target, account: this.table[target] ?? "0" }] : [] }));
  }
}

function tracker() {
  let waits = 0;
  const accounts = new Accounts({ timeoutMs: 50, beforeQuery: async () => void waits++ });
  return { accounts, waits: () => waits };
}

describe("services accounts on IRC", () => {
  it("trust the account tag on the message when the server sends it, and ask nothing", async () => {
    const client = new FakeClient(["account-tag", "extended-join", "account-notify"], true, { george: "george" });
    const { accounts } = tracker();
    accounts.listen(client);
    expect(await accounts.of(client, { nick: "george", account: "george" })).toBe("george");
    // With account-tag on, a message without the tag is from someone logged out, whatever was said before.
    client.emit("join", { nick: "George", account: "george" });
    expect(await accounts.of(client, { nick: "george" })).toBeUndefined();
    expect(client.queries).toEqual([]);
  });

  it("follow extended-join and account-notify without the tag: login, logout, nick changes", async () => {
    const client = new FakeClient(["extended-join", "account-notify"], false, {});
    const { accounts } = tracker();
    accounts.listen(client);
    client.emit("join", { nick: "George", channel: "#xen", account: "george" });
    expect(await accounts.of(client, { nick: "george" })).toBe("george");
    client.emit("nick", { nick: "George", new_nick: "george_away" });
    expect(await accounts.of(client, { nick: "george_away" })).toBe("george");
    client.emit("account", { nick: "george_away", account: false });
    expect(await accounts.of(client, { nick: "george_away" })).toBeUndefined();
    client.emit("join", { nick: "ian", channel: "#xen", account: false });
    expect(await accounts.of(client, { nick: "ian" })).toBeUndefined();
    expect(client.queries).toEqual([]);
  });

  it("ask again for someone who left, since account-notify no longer covers them", async () => {
    const client = new FakeClient(["extended-join", "account-notify"], false, { george: "george" });
    const { accounts } = tracker();
    accounts.listen(client);
    client.emit("join", { nick: "george", account: "george" });
    client.emit("part", { nick: "george", channel: "#xen" });
    expect(await accounts.of(client, { nick: "george" })).toBe("george");
    expect(client.queries).toEqual(["WHOIS george"]);
  });

  it("use WHOX where the server has it (account 0 is none), else WHOIS 330, each through the flood bucket", async () => {
    const whox = new FakeClient([], true, { george: "george", mallory: undefined });
    const first = tracker();
    expect(await first.accounts.of(whox, { nick: "george" })).toBe("george");
    expect(await first.accounts.of(whox, { nick: "mallory" })).toBeUndefined();
    expect(whox.queries).toEqual(["WHO george", "WHO mallory"]);
    expect(first.waits()).toBe(2);

    const whois = new FakeClient([], false, { george: "george", mallory: undefined });
    const second = tracker();
    expect(await second.accounts.of(whois, { nick: "george" })).toBe("george");
    expect(await second.accounts.of(whois, { nick: "mallory" })).toBeUndefined();
    expect(await second.accounts.of(whois, { nick: "nobody" })).toBeUndefined();
    expect(whois.queries).toEqual(["WHOIS george", "WHOIS mallory", "WHOIS nobody"]);
    // A nick claiming an account in the message means nothing without account-tag.
    expect(await second.accounts.of(whois, { nick: "mallory", account: "george" })).toBeUndefined();
  });

  it("count no answer as no account: a refusal, never a role", async () => {
    const client = new FakeClient([], false, { george: "george" }, true);
    const { accounts } = tracker();
    expect(await accounts.of(client, { nick: "george" })).toBeUndefined();
  });

  it("forget everything when the connection drops", async () => {
    const client = new FakeClient(["extended-join", "account-notify"], false, {});
    const { accounts } = tracker();
    accounts.listen(client);
    client.emit("join", { nick: "george", account: "george" });
    accounts.clear();
    expect(await accounts.of(client, { nick: "george" })).toBeUndefined();
    expect(client.queries).toEqual(["WHOIS george"]);
  });
});
