import { MemoryStore } from "../../adapters/store/memory-store.js";
import type { CommandSpec } from "../../src/commands/spec.js";
import { defaultCoreConfig, type CoreConfig } from "../../src/config/core-config.js";
import type { Clock, Invoker, PlanStore } from "../../src/ports.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import type { Reply } from "../../src/reply/reply.js";
import { Stocktake } from "../../src/stocktake.js";

export class FakeClock implements Clock {
  constructor(private instant: Date = new Date("2013-01-23T12:00:00Z")) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

export const ADMIN: Invoker = { id: "console:admin", displayName: "Admin" };
export const RM: Invoker = { id: "matrix:@george:xen.org", displayName: "George" };
export const MAINTAINER: Invoker = { id: "matrix:@ian:xen.org", displayName: "Ian" };
export const STRANGER: Invoker = { id: "matrix:@eve:evil.example", displayName: "Eve" };

export interface FakeChatOptions {
  store?: PlanStore;
  clock?: FakeClock;
  config?: Partial<CoreConfig>;
  conversation?: string;
  /** Instead of the core's commands, e.g. to check that a test notices a command that throws. */
  commands?: readonly CommandSpec[];
}

/**
 * A chat adapter for tests that drives the real core: `await chat.say("!stock")` returns what the
 * bot answered, rendered as plain text, and `chat.last` keeps the structured reply.
 */
export class FakeChat {
  readonly bot: Stocktake;
  readonly store: PlanStore;
  readonly clock: FakeClock;
  readonly conversation: string;
  last: Reply | undefined;

  constructor(options: FakeChatOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.store = options.store ?? new MemoryStore(this.clock);
    this.conversation = options.conversation ?? "test:room";
    const config = defaultCoreConfig({
      admins: [ADMIN.id],
      projects: { xen: { releaseManagers: [RM.id], maintainers: [MAINTAINER.id], rooms: [], private: false } },
      ...options.config,
    });
    this.bot = new Stocktake({ store: this.store, config, clock: this.clock, ...(options.commands && { commands: options.commands }) });
  }

  async say(text: string, invoker: Invoker = ADMIN, conversation = this.conversation): Promise<string | undefined> {
    const reply = await this.bot.handle({ text, invoker, conversation });
    this.last = reply;
    // As the console prints it: commands with the configured prefix.
    return reply === undefined ? undefined : renderPlain(reply, { voice: { commandPrefix: this.bot.config.prefix } });
  }

  /** Says each line in turn and fails loudly if any is refused: for setting up a scenario. */
  async setup(...lines: string[]): Promise<void> {
    for (const line of lines) {
      const answer = await this.say(line);
      if (this.last?.tone === "error") throw new Error(`setup step “${line}” failed: ${answer}`);
    }
  }
}
