import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { defineCommand } from "../../../src/commands/spec.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { MetricsRegistry } from "../../../src/metrics/registry.js";
import { Stocktake } from "../../../src/stocktake.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";

// `answer` is `handle` without the wait when there is nothing to wait for: an adapter can send the
// reply in the turn the message came in. Same replies, same counting, failures as replies.

const boom = defineCommand({
  path: ["boom"],
  summary: "Fails like a bug.",
  args: z.object({}),
  permission: "read",
  run: () => {
    throw new Error("a bug in a command");
  },
});

async function planned(options: { metrics?: MetricsRegistry } = {}): Promise<{ chat: FakeChat; bot: Stocktake }> {
  const chat = new FakeChat({ commands: [...CORE_COMMANDS, boom] });
  await chat.setup("!project new xen", "!release new 4.3", "!add blktap3");
  const bot = new Stocktake({ store: chat.store, config: defaultCoreConfig({ admins: [ADMIN.id] }), clock: chat.clock, commands: [...CORE_COMMANDS, boom], ...options });
  return { chat, bot };
}

describe("answering at once", () => {
  it("gives a read's reply as a value, the same reply handle gives", async () => {
    const { chat, bot } = await planned();
    const message = { text: "!show blktap3", invoker: ADMIN, conversation: chat.conversation };
    const now = bot.answer(message);
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(await bot.handle(message));
    expect(JSON.stringify(now)).toContain("blktap3");
  });

  it("gives nothing at once for a message that is not a command", async () => {
    const { chat, bot } = await planned();
    expect(bot.answer({ text: "good morning", invoker: ADMIN, conversation: chat.conversation })).toBeUndefined();
  });

  it("gives a promise for a change, which resolves once it is in the store", async () => {
    const { chat, bot } = await planned();
    const later = bot.answer({ text: "!status blktap3 at-risk", invoker: ADMIN, conversation: chat.conversation });
    expect(later).toBeInstanceOf(Promise);
    expect(JSON.stringify(await later)).toContain("at risk");
    expect(await chat.say("!show blktap3")).toContain("status: at risk");
  });

  it("turns a command that throws into the apology, as a value, counted once as an error", async () => {
    const metrics = new MetricsRegistry();
    const { chat, bot } = await planned({ metrics });
    const now = bot.answer({ text: "!boom", invoker: ADMIN, conversation: chat.conversation });
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toMatchObject({ tone: "error", failure: "internal" });
    expect(await bot.handle({ text: "!boom", invoker: ADMIN, conversation: chat.conversation })).toMatchObject({ tone: "error", failure: "internal" });
    expect(metrics.render()).toContain('stocktake_commands_total{command="boom",outcome="error"} 2\n');
    bot.answer({ text: "!show blktap3", invoker: ADMIN, conversation: chat.conversation });
    expect(metrics.render()).toContain('stocktake_commands_total{command="show",outcome="ok"} 1\n');
  });
});
