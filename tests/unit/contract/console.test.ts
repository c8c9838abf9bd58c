import { PassThrough, Writable } from "node:stream";
import { ConsoleAdapter } from "../../../adapters/console/console-adapter.js";
import { withoutPlatform } from "../../../src/ids.js";
import { chatAdapterContract, PONG, startContractApp, type ChatDriver, type Outbound } from "../../support/chat-adapter-contract.js";

/** A terminal's screen: each reply the console prints is one write. */
class Screen extends Writable {
  readonly writes: string[] = [];
  private waiting: { match: (text: string) => boolean; resolve: (index: number) => void } | undefined;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const index = this.writes.push(String(chunk)) - 1;
    if (this.waiting?.match(this.writes[index]!)) this.waiting.resolve(index);
    done();
  }

  /** The index of the next write that matches (armed now). */
  next(match: (text: string) => boolean): Promise<number> {
    return new Promise((resolve) => (this.waiting = { match, resolve }));
  }
}

chatAdapterContract("console", { everyLineAddressed: true, onePerson: true }, async ({ commands }): Promise<ChatDriver> => {
  const input = new PassThrough();
  const screen = new Screen();
  const adapter = new ConsoleAdapter({ input, output: screen, user: "admin" });
  const admin = { id: adapter.invokerId, displayName: "admin" };
  const conversation = adapter.conversation;
  const { app, store, stop } = await startContractApp({ adapter, admin, conversation, commands });
  const printed = (from: number, to = screen.writes.length): Outbound[] =>
    screen.writes.slice(from, to).map((text) => ({ conversation, raw: text, text: text.replace(/\n\n$/, ""), private: false }));
  return {
    platform: adapter.name,
    conversationId: conversation,
    people: { admin },
    store,
    facts: {
      limits: [],
      command: (typed) => typed,
      person: (who) => withoutPlatform(who.id),
      privateErrors: false,
      pings: () => [],
    },
    async say(text) {
      const from = screen.writes.length;
      // Lines are answered in order: once the marker is answered, so is the line before it.
      const pong = screen.next((written) => written === `${PONG}\n\n`);
      input.write(`${text}\n!contract-ping\n`);
      return printed(from, await pong);
    },
    async sendUnprompted(reply) {
      const from = screen.writes.length;
      await app.adapters[0]!.send(conversation, reply);
      return printed(from);
    },
    stop: async () => {
      input.end();
      await stop();
    },
  };
});
