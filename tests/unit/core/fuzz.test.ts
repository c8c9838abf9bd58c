import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { PlanStateSchema } from "../../../src/model/schema.js";
import type { Invoker } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Reply } from "../../../src/reply/reply.js";
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

// The dispatcher turns an exception inside a command's run into this apology: for the fuzz
// property it is a failure like any other bug.
const APOLOGY = /Sorry, something went wrong/;
// What internals look like when they leak into a reply: stack frames, error names, source paths.
const LEAKS = [/^ {4}at /m, /\b(?:[A-Z][a-z]+)?Error:/, /\bundefined is not\b/, /(?:file:\/\/|\/)[\w.-]+\/[\w./-]*\.[cm]?[jt]s\b/, /\bnode_modules\b/];

/** Why a reply breaks the fuzz property; undefined for silence or a clean answer. */
function replyProblem(reply: Reply | undefined, text: string): string | undefined {
  if (reply === undefined) return undefined;
  const shown = renderPlain(reply);
  if (APOLOGY.test(shown)) return `a command threw, the reply is the apology: ${shown}`;
  for (const leak of LEAKS) {
    const found = leak.exec(shown)?.[0];
    // Replies quote what was typed; only what the bot added counts.
    if (found !== undefined && !text.includes(found)) return `the reply shows internals (${found}): ${shown}`;
  }
  return undefined;
}

/** Sends one message and checks its reply against the fuzz property. */
async function expectCleanAnswer(chat: FakeChat, text: string, invoker: Invoker, addressed?: boolean): Promise<void> {
  const reply = await chat.bot.handle({ text, invoker, conversation: chat.conversation, ...(addressed !== undefined && { addressed }) });
  const problem = replyProblem(reply, text);
  if (problem !== undefined) throw new Error(`the reply to ${JSON.stringify(text)}: ${problem}`);
  if (reply) {
    const shown = JSON.stringify(reply);
    expect(shown).not.toMatch(/\bat \S+ \(.*:\d+:\d+\)|Error:|TypeError|undefined is not/);
    expect(reply.tone === "error" ? reply.blocks.length : 1).toBeGreaterThan(0);
    // Nothing went wrong on our side: bugs would show as the apology.
    expect(shown).not.toContain("something went wrong on my side");
  }
}

/** The property over typed commands, on the imported Xen 4.3 plan, by an admin or a stranger. */
const commandsAnswerCleanly = (chat: FakeChat) =>
  fc.asyncProperty(commandLine, fc.boolean(), (text, privileged) => expectCleanAnswer(chat, text, privileged ? ADMIN : STRANGER));

async function xenChat(options: ConstructorParameters<typeof FakeChat>[0] = {}): Promise<FakeChat> {
  const chat = new FakeChat(options);
  await importIntoStore(chat.store, FIXTURE, { by: ADMIN.id }, chat.clock);
  await chat.setup("!project use xen");
  return chat;
}

describe("any text, any command", () => {
  it("gets a reply or silence, never an exception or a stack trace, and never breaks the plan", async () => {
    const chat = await xenChat();
    await fc.assert(commandsAnswerCleanly(chat), { numRuns: 1500 });
    // Whatever happened, the plan is still valid and loadable.
    expect(PlanStateSchema.safeParse(chat.store.read()).success).toBe(true);
  }, 60_000);

  it("gets a reply or silence for arbitrary text, addressed to the bot or not, and never breaks the plan", async () => {
    const chat = new FakeChat();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400, unit: "grapheme" }), fc.boolean(), async (text, addressed) => {
        await expectCleanAnswer(chat, `!${text}`, ADMIN, addressed);
        await expectCleanAnswer(chat, text, ADMIN, addressed);
      }),
      { numRuns: 1000 },
    );
    expect(PlanStateSchema.safeParse(chat.store.read()).success).toBe(true);
  });

  it("fails when a command throws inside run, although the dispatcher answers with an apology", async () => {
    // Every command but !project (the setup needs it) fails the way a bug would.
    const throwing = CORE_COMMANDS.map((spec) =>
      spec.path[0] === "project"
        ? spec
        : {
            ...spec,
            run: () => {
              throw new TypeError("Cannot read properties of undefined (reading 'bucket')");
            },
          },
    );
    const chat = await xenChat({ commands: throwing });
    const result = await fc.check(commandsAnswerCleanly(chat), { numRuns: 200 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/a command threw, the reply is the apology: Sorry, something went wrong on my side while running !/);
  });
});
