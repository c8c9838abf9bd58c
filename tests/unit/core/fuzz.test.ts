import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { ADMIN, FakeChat, STRANGER } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";

const NAMES = CORE_COMMANDS.map((spec) => spec.path.join(" "));
const WORDS = ["blktap3", "at risk", "fair", "--yes", "--since", "last", "to", "under", "top", ":", "--probability", "150", "2013-03-25", "AoE", "\u201c", "'", '"', "\\", "--", "full", "x".repeat(300)];

const commandLine = fc
  .tuple(
    fc.constantFrom(...NAMES),
    fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 20 }), fc.string({ maxLength: 8, unit: "binary" })), { maxLength: 8 }),
  )
  .map(([name, words]) => `!${name} ${words.join(" ")}`);

describe("any text, any command", () => {
  it("gets a reply or silence, never an exception or a stack trace, and never breaks the plan", async () => {
    const chat = new FakeChat();
    await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
    await chat.setup("!project use xen");
    await fc.assert(
      fc.asyncProperty(commandLine, fc.boolean(), async (text, privileged) => {
        const reply = await chat.bot.handle({ text, invoker: privileged ? ADMIN : STRANGER, conversation: chat.conversation });
        if (reply) {
          const shown = JSON.stringify(reply);
          expect(shown).not.toMatch(/\bat \S+ \(.*:\d+:\d+\)|Error:|TypeError|undefined is not/);
          expect(reply.tone === "error" ? reply.blocks.length : 1).toBeGreaterThan(0);
          // Nothing went wrong on our side: bugs would show as the apology.
          expect(shown).not.toContain("something went wrong on my side");
        }
      }),
      { numRuns: 1500 },
    );
    // Whatever happened, the plan is still valid and loadable.
    const { PlanStateSchema } = await import("../../../src/model/schema.js");
    expect(PlanStateSchema.safeParse(chat.store.read()).success).toBe(true);
  }, 60_000);

  it("never throws on arbitrary text", async () => {
    const chat = new FakeChat();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400, unit: "grapheme" }), fc.boolean(), async (text, addressed) => {
        await chat.bot.handle({ text: `!${text}`, invoker: ADMIN, conversation: chat.conversation, addressed });
        await chat.bot.handle({ text, invoker: ADMIN, conversation: chat.conversation, addressed });
      }),
      { numRuns: 1000 },
    );
  });
});
