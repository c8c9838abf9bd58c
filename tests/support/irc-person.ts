import { connect, type Socket } from "node:net";

/** One line a test client received, with when it arrived (performance.now()). */
export interface IrcLine {
  at: number;
  raw: string;
  /** The sender's nick (or server name). */
  from: string;
  command: string;
  params: string[];
  /** The last parameter: a message's text. */
  text: string;
}

export function parseLine(raw: string, at: number): IrcLine {
  let rest = raw.startsWith("@") ? raw.slice(raw.indexOf(" ") + 1) : raw;
  let from = "";
  if (rest.startsWith(":")) {
    const space = rest.indexOf(" ");
    from = rest.slice(1, space).split("!")[0]!;
    rest = rest.slice(space + 1);
  }
  const colon = rest.indexOf(" :");
  const head = (colon >= 0 ? rest.slice(0, colon) : rest).split(" ").filter(Boolean);
  const params = colon >= 0 ? [...head.slice(1), rest.slice(colon + 2)] : head.slice(1);
  return { at, raw, from, command: head[0] ?? "", params, text: params[params.length - 1] ?? "" };
}

/**
 * A person on IRC, on a raw socket: no library between the test and the protocol, so what it
 * sees is what any IRC client would. Keeps every line it receives; tests wait on them.
 */
export class IrcPerson {
  readonly lines: IrcLine[] = [];
  private buffer = "";
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    public nick: string,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf("\r\n")) >= 0) {
        const raw = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const line = parseLine(raw, performance.now());
        if (line.command === "PING") this.send(`PONG :${line.text}`);
        this.lines.push(line);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("error", () => undefined);
  }

  static async connect(server: { host: string; port: number }, nick: string): Promise<IrcPerson> {
    const socket = connect(server.port, server.host);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const person = new IrcPerson(socket, nick);
    person.send(`NICK ${nick}`);
    person.send(`USER ${nick} 0 * :${nick} (a test person)`);
    await person.waitFor((line) => line.command === "001", 10_000, 0);
    return person;
  }

  send(raw: string): void {
    this.socket.write(`${raw}\r\n`);
  }

  say(target: string, text: string): void {
    this.send(`PRIVMSG ${target} :${text}`);
  }

  async join(channel: string, key?: string): Promise<void> {
    const mark = this.mark();
    this.send(key === undefined ? `JOIN ${channel}` : `JOIN ${channel} ${key}`);
    await this.waitFor((line) => line.command === "366" && line.params[1]?.toLowerCase() === channel.toLowerCase(), 10_000, mark);
  }

  /** Where the next line will be: wait from here for what a command sent now causes. */
  mark(): number {
    return this.lines.length;
  }

  /** Lines from `since` matching `match`. */
  seen(match: (line: IrcLine) => boolean, since = 0): IrcLine[] {
    return this.lines.slice(since).filter(match);
  }

  /** The first line from `since` on that matches; fails after `timeoutMs`. */
  async waitFor(match: (line: IrcLine) => boolean, timeoutMs = 10_000, since = 0): Promise<IrcLine> {
    const [line] = await this.waitForCount(match, 1, timeoutMs, since);
    return line!;
  }

  /** The first `count` lines from `since` on that match; fails after `timeoutMs` with what came. */
  async waitForCount(match: (line: IrcLine) => boolean, count: number, timeoutMs = 10_000, since = 0): Promise<IrcLine[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.seen(match, since);
      if (found.length >= count) return found.slice(0, count);
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`${this.nick}: ${found.length} of ${count} expected lines in ${timeoutMs} ms; last lines:\n${this.lines.slice(-8).map((line) => line.raw).join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async quit(message = "bye"): Promise<void> {
    if (this.socket.destroyed) return;
    this.send(`QUIT :${message}`);
    await new Promise<void>((resolve) => {
      this.socket.once("close", () => resolve());
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1_000).unref();
    });
  }
}
