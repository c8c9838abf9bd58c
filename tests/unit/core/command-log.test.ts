import { describe, expect, it } from "vitest";
import { FakeChat } from "../../support/fake-chat.js";
import { Stocktake } from "../../../src/stocktake.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import type { Logger } from "../../../src/ports.js";

describe("the command log", () => {
  it("has one line per command, with who, where and the outcome, written once the reply is handed back", async () => {
    const lines: { obj: object; msg: string | undefined }[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: (obj, msg) => void lines.push({ obj, msg }),
      warn: () => undefined,
      error: () => undefined,
      child: () => logger,
    };
    const chat = new FakeChat();
    const bot = new Stocktake({ store: chat.store, config: defaultCoreConfig({ admins: ["console:admin"] }), clock: chat.clock, logger });
    const commandLines = () => lines.filter((line) => line.msg === "command").map((line) => line.obj);

    const reply = await bot.handle({ text: "!project new xen", invoker: { id: "console:admin", displayName: "admin" }, conversation: "test:room" });
    expect(reply?.failure).toBeUndefined();
    // The person's answer does not wait for the log line: it is written after the caller has the reply.
    expect(commandLines()).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await bot.handle({ text: "!add blktap3", invoker: { id: "matrix:@eve:evil.example", displayName: "eve" }, conversation: "test:room" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(commandLines()).toEqual([
      { who: "console:admin", where: "test:room", command: "project new", outcome: "ok", ms: expect.any(Number) },
      { who: "matrix:@eve:evil.example", where: "test:room", command: "add", outcome: "forbidden", ms: expect.any(Number) },
    ]);
  });
});
