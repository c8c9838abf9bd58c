// irc-framework ships no types. This declares the part of its API the IRC adapter uses, as read
// from its source (4.14: src/client.js, src/commands/handlers/*.js); extend it when using more.
declare module "irc-framework" {
  import { EventEmitter } from "node:events";

  export interface ConnectOptions {
    host: string;
    port: number;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    nick: string;
    username?: string;
    gecos?: string;
    password?: string;
    /** SASL PLAIN credentials. */
    account?: { account: string; password: string };
    sasl_mechanism?: "PLAIN" | "EXTERNAL";
    sasl_disconnect_on_fail?: boolean;
    client_certificate?: { private_key: string; certificate: string };
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    message_max_length?: number;
    version?: string;
    encoding?: string;
  }

  /** A PRIVMSG or NOTICE as irc-framework reports it. */
  export interface MessageEvent {
    nick: string;
    ident: string;
    hostname: string;
    target: string;
    message: string;
    /** The sender's services account from IRCv3 account-tag; undefined without the tag. */
    account?: string;
    tags: Record<string, string>;
    type?: string;
    from_server?: boolean;
  }

  export interface JoinEvent {
    nick: string;
    ident: string;
    hostname: string;
    channel: string;
    /** With extended-join: the account, or false when logged out; undefined without the capability. */
    account?: string | false;
  }

  export interface WhoisEvent {
    nick: string;
    account?: string;
    error?: string;
  }

  export interface NetworkInfo {
    name: string;
    options: Record<string, unknown>;
    cap: { isEnabled(cap: string): boolean; enabled: string[] };
    /** An ISUPPORT token ("whox", "NICKLEN"): its value, true for a bare token, false when absent. */
    supports(feature: string): unknown;
  }

  export class Client extends EventEmitter {
    constructor(options?: Partial<ConnectOptions>);
    connect(options?: ConnectOptions): void;
    quit(message?: string): void;
    changeNick(nick: string): void;
    join(channel: string, key?: string): void;
    say(target: string, message: string): void;
    notice(target: string, message: string): void;
    /** One line as given (the last parameter gets its ":" when it needs one); no splitting. */
    raw(...parts: string[]): void;
    whois(nick: string, callback: (event: WhoisEvent) => void): void;
    /** WHO, as WHOX where the server has it: each user's account ("0" for none) comes with it. */
    who(target: string, callback: (event: { target: string; users: { nick: string; account?: string }[] }) => void): void;
    requestCap(cap: string | string[]): void;
    caseLower(text: string): string;
    caseCompare(a: string, b: string): boolean;
    readonly user: { nick: string; username: string; host: string };
    readonly network: NetworkInfo;
    readonly connected: boolean;
    readonly connection: EventEmitter & {
      end(message?: string): void;
      connected: boolean;
      /** The transport of the current connection (net.js: a net or TLS socket once connecting). */
      transport?: { socket?: { setNoDelay?(noDelay: boolean): unknown; cork?(): void; uncork?(): void } | null } | null;
    };
  }

  const irc: { Client: typeof Client };
  export default irc;
}
