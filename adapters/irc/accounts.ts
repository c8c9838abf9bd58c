/**
 * Which services account each nick is logged in to, as the network says it: the part of
 * irc-framework's client this needs, so a unit test can play the events the library emits.
 */
export interface AccountClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  network: { cap: { isEnabled(cap: string): boolean }; supports(feature: string): unknown };
  whois(nick: string, callback: (event: { account?: string; error?: string }) => void): void;
  who(target: string, callback: (event: { users: { nick: string; account?: string }[] }) => void): void;
}

export interface AccountOptions {
  /** How long a WHOIS or WHOX may take before the person counts as having no account. */
  timeoutMs: number;
  /** Waits before each query the bot sends (the flood bucket): a query is a line like any other. */
  beforeQuery: () => Promise<void>;
}

/**
 * An IRC nick alone never names a person: their services account does. In order of trust in
 * freshness: the `account` tag on the message itself (IRCv3 account-tag); else what extended-join
 * and account-notify said of that nick since it joined a channel the bot is in; else a WHOX query
 * (354, account field) where the server has WHOX, else WHOIS (330). A query that fails or times
 * out counts as no account: a refusal, never a role.
 */
export class Accounts {
  /** lower-cased nick → account, or null for "logged out" (extended-join's "*", ACCOUNT *). */
  private readonly known = new Map<string, string | null>();

  constructor(private readonly options: AccountOptions) {}

  /** Follows what a (new) client hears. */
  listen(client: AccountClient): void {
    const set = (nick: string, account: string | false | undefined) => {
      if (account !== undefined) this.known.set(nick.toLowerCase(), account === false || account === "" || account === "*" ? null : account);
    };
    client.on("join", (event: { nick: string; account?: string | false }) => set(event.nick, event.account));
    client.on("account", (event: { nick: string; account: string | false }) => set(event.nick, event.account));
    client.on("nick", (event: { nick: string; new_nick: string }) => {
      const account = this.known.get(event.nick.toLowerCase());
      this.known.delete(event.nick.toLowerCase());
      if (account !== undefined) this.known.set(event.new_nick.toLowerCase(), account);
    });
    // Out of our channels, account-notify no longer tells us: ask again next time.
    for (const gone of ["quit", "part"]) client.on(gone, (event: { nick: string }) => this.known.delete(event.nick.toLowerCase()));
    client.on("kick", (event: { kicked: string }) => this.known.delete(event.kicked.toLowerCase()));
  }

  /** Forgets everything (the connection dropped: nothing said before it holds). */
  clear(): void {
    this.known.clear();
  }

  /**
   * The account the network vouches for, for a message from `event.nick`; undefined for none. A
   * value, not a promise, when the message or what the network said before tells: a command is
   * answered in the turn it arrived in, without a round of promise hops, unless the server must be asked.
   */
  of(client: AccountClient, event: { nick: string; account?: string }): string | undefined | Promise<string | undefined> {
    const caps = client.network.cap;
    if (caps.isEnabled("account-tag")) return event.account || undefined;
    const nick = event.nick.toLowerCase();
    if (caps.isEnabled("account-notify") && caps.isEnabled("extended-join") && this.known.has(nick)) return this.known.get(nick) ?? undefined;
    return this.query(client, event.nick, nick);
  }

  /** WHOX or WHOIS, after a token from the flood bucket. */
  private async query(client: AccountClient, asked: string, nick: string): Promise<string | undefined> {
    await this.options.beforeQuery();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.options.timeoutMs);
      const done = (account: string | undefined) => {
        clearTimeout(timer);
        resolve(account === undefined || account === "" || account === "0" || account === "*" ? undefined : account);
      };
      if (client.network.supports("whox")) {
        client.who(asked, (who) => done(who.users.find((user) => user.nick.toLowerCase() === nick)?.account));
      } else {
        client.whois(asked, (whois) => done(whois.error === undefined ? whois.account : undefined));
      }
    });
  }
}
