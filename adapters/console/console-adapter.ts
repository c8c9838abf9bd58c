import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Metrics } from "../../src/metrics/metrics.js";
import type { AdapterStatus, ChatAdapter, ChatHost, Invoker } from "../../src/ports.js";
import { qualify } from "../../src/ids.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import type { Reply } from "../../src/reply/reply.js";

export interface ConsoleAdapterOptions {
  input?: Readable;
  output?: Writable;
  user?: string;
  /** Printed once at start. */
  greeting?: string;
  /** Counts what it prints as posts. */
  metrics?: Metrics;
  /** The configured command prefix, so hints read the way commands are typed here (default "!"). */
  prefix?: string;
}

/**
 * The local console: each line typed is a message from the console user, with or without the
 * prefix. Lines are answered strictly in order, also when piped in from a file.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly name = "console";
  readonly conversation = qualify("console", "local");
  private readline: Interface | undefined;
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly invoker: Invoker;
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsoleAdapterOptions = {}) {
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    const user = options.user ?? "local";
    this.invoker = { id: qualify(this.name, user), displayName: user };
  }

  get invokerId(): string {
    return this.invoker.id;
  }

  async start(host: ChatHost): Promise<void> {
    const interactive = (this.input as { isTTY?: boolean }).isTTY === true;
    const readline = createInterface({ input: this.input, output: this.output, terminal: interactive, prompt: "stocktake> " });
    this.readline = readline;
    if (this.options.greeting) this.output.write(`${this.options.greeting}\n`);
    if (interactive) readline.prompt();
    let queue = Promise.resolve();
    readline.on("line", (line) => {
      queue = queue.then(async () => {
        const text = line.trim();
        if (text === "") return;
        if (/^(quit|exit|:q)$/i.test(text)) {
          readline.close();
          return;
        }
        const reply = await host.handle({ text, invoker: this.invoker, conversation: this.conversation, addressed: true });
        this.print(reply ?? { tone: "info", blocks: [{ type: "text", text: "(not a command: try help)" }] });
        if (interactive) readline.prompt();
      });
    });
    this.finished = new Promise((resolve) => readline.once("close", () => void queue.then(() => resolve())));
  }

  /** Resolves when the input ends (Ctrl-D, quit, or the end of a piped file) and every line is answered. */
  closed(): Promise<void> {
    return this.finished;
  }

  async send(_conversation: string, reply: Reply): Promise<void> {
    this.print(reply);
  }

  private print(reply: Reply): void {
    this.output.write(`${renderPlain(reply, { voice: { commandPrefix: this.options.prefix ?? "!" } })}\n\n`);
    this.options.metrics?.count("stocktake_posts_total", { adapter: this.name });
  }

  /** A terminal is always there. */
  status(): AdapterStatus {
    return "connected";
  }

  async stop(): Promise<void> {
    this.readline?.close();
    await this.finished;
  }
}
