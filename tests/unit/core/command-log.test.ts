import { describe, expect, it } from "vitest";
import { FakeChat } from "../../support/fake-chat.js";
import { Stocktake } from "../../../src/stocktake.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import type { Logger } from "../../../src/ports.js";

/** Two turns of the loop: as long as the log line waits after the reply is handed back. */
const turns = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
};

function recording(lines: { obj: object; msg: string | undefined }[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (obj, msg) => void lines.push({ obj, msg }),
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

describe("the command log", () => {
  it("has one line per command, with who, where and the outcome, written once the reply is handed back", async () => {
    const lines: { obj: object; msg: string | undefined }[] = [];
    const logger = recording(lines);
    const chat = new FakeChat();
    const bot = new Stocktake({ store: chat.store, config: defaultCoreConfig({ admins: ["console:admin"] }), clock: chat.clock, logger });
    const commandLines = () => lines.filter((line) => line.msg === "command").map((line) => line.obj);

    const reply = await bot.handle({ text: "!project new xen", invoker: { id: "console:admin", displayName: "admin" }, conversation: "test:room" });
    expect(reply?.failure).toBeUndefined();
    // The person's answer does not wait for the log line: it is written after the caller has the reply.
    expect(commandLines()).toEqual([]);
    await turns();
    await bot.handle({ text: "!add blktap3", invoker: { id: "matrix:@eve:evil.example", displayName: "eve" }, conversation: "test:room" });
    await turns();
    expect(commandLines()).toEqual([
      { who: "console:admin", where: "test:room", command: "project new", outcome: "ok", ms: expect.any(Number) },
      { who: "matrix:@eve:evil.example", where: "test:room", command: "add", outcome: "forbidden", ms: expect.any(Number) },
    ]);
  });

  it("comes after a reply sent from the next immediate, as an HTTP client sends one on a kept-alive socket", async () => {
    const order: string[] = [];
    const logger = recording([]);
    const chat = new FakeChat();
    const bot = new Stocktake({ store: chat.store, config: defaultCoreConfig({ admins: ["console:admin"] }), clock: chat.clock, logger: { ...logger, info: (_obj, msg) => void order.push(msg ?? "") } });
    await bot.handle({ text: "!project new xen", invoker: { id: "console:admin", displayName: "admin" }, conversation: "test:room" });
    // What undici does with the adapter's reply: the request is written from an immediate.
    setImmediate(() => order.push("reply sent"));
    await turns();
    expect(order).toEqual(["reply sent", "command"]);
  });
});
