import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LowdbStore } from "../../adapters/store/lowdb-store.js";
import { startApp, type App } from "../../src/app.js";
import { CORE_COMMANDS } from "../../src/commands/index.js";
import { defineCommand, type CommandSpec } from "../../src/commands/spec.js";
import { parseConfig } from "../../src/config/config.js";
import { platformOf } from "../../src/ids.js";
import { importIntoStore } from "../../src/mail/import-into.js";
import { systemClock, type ChatAdapter, type PlanStore } from "../../src/ports.js";
import { plainText } from "../../src/reply/inline.js";
import { cmd, person, t, textReply, type ListItem, type Reply } from "../../src/reply/reply.js";
import { silentLogger } from "../../src/util/silent-logger.js";
import { FIXTURE } from "./fixture.js";
import { tempDir } from "./temp.js";

/**
 * One contract every chat adapter passes (STYLE.md: "every adapter passes the same contract
 * suite"). A driver runs the real adapter inside the real composition root (`startApp`) over a
 * lowdb store on a temp dir seeded with the Xen 4.3 plan, and speaks to it the way its platform
 * would: a fake Matrix client at the SDK seam, the fake Discord server, a terminal's streams. Each
 * test asserts on what the platform received and on what the store holds.
 */

/** Someone on the platform. `id` is platform-qualified, as the core knows them. */
export interface Persona {
  id: string;
  displayName: string;
}

/** One message as the platform received it. */
export interface Outbound {
  conversation: string;
  /** The platform's own payload: a Matrix event's content, a Discord request body, printed text. */
  raw: unknown;
  /** What people read, in the platform's markup (Matrix HTML where there is some, Discord markdown). */
  text: string;
  /** Only the person who asked can see it (a Discord ephemeral message). */
  private: boolean;
}

export interface SayOptions {
  as: Persona;
  /** Address the bot by name or mention instead of typing the prefix. */
  addressed?: boolean;
}

/** A limit one message must stay within, in the platform's unit (UTF-8 bytes, characters, lines). */
export interface SizeLimit {
  name: string;
  measure(message: Outbound): number;
  max: number;
}

export interface PlatformFacts {
  /** Everything a message must stay within; none where nothing is limited. */
  limits: readonly SizeLimit[];
  /** How a command reference `typed` ("!stock", "/stock") reads in a message's text. */
  command(typed: string): string;
  /** How a person reads in a message's text. */
  person(who: Persona): string;
  /** Errors answered to `invoke` reach only the person who asked. */
  privateErrors: boolean;
  /** What in a message could ping someone; empty when it pings nobody. */
  pings(message: Outbound): string[];
}

export interface ChatDriver {
  /** The adapter's name, which its ids start with. */
  readonly platform: string;
  readonly conversationId: string;
  /** `admin` is an admin by the config; `member` (where the platform has more than one person) has no role. */
  readonly people: { admin: Persona; member?: Persona };
  readonly store: PlanStore;
  readonly facts: PlatformFacts;
  /** Posts `text` in the conversation and returns every message the platform got in answer. */
  say(text: string, options: SayOptions): Promise<Outbound[]>;
  /** A structured command (a Discord slash command), on platforms that have them. */
  invoke?(path: readonly string[], args: Record<string, string>, options: { as: Persona }): Promise<Outbound[]>;
  /** The adapter posts `reply` without being asked (a scheduled summary, an announcement). */
  sendUnprompted(reply: Reply): Promise<Outbound[]>;
  stop(): Promise<void>;
}

export interface DriverSetup {
  /** The core's commands and the contract's own (below): pass them to `startContractApp`. */
  commands: readonly CommandSpec[];
}

// ---- the contract's own commands: a throw, a person, long replies, a marker ----

const LONG_ITEMS = 1_000;
const SECRET = "kaboom: the database password is hunter2";
/** What the marker command answers: a driver that must know when earlier messages were handled waits for it. */
export const PONG = "contract pong";

const noArgs = z.object({});

/** The release line of each long item: multibyte text, so bytes and characters differ. */
function longItem(index: number): ListItem {
  return { text: `Item ${String(index).padStart(4, "0")} · ünïcödé ✓ planning` };
}

export const CONTRACT_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    path: ["contract-boom"],
    summary: "Throws, as a bug would.",
    args: noArgs,
    permission: "read",
    run: () => {
      throw new Error(SECRET);
    },
  }),
  defineCommand({
    path: ["contract-whoami"],
    summary: "Names the person who asked, and a command.",
    args: noArgs,
    permission: "read",
    run: (ctx) => textReply(t`You are ${person(ctx.invoker.id)}; try ${cmd("stock")}.`, "info"),
  }),
  defineCommand({
    path: ["contract-long-list"],
    summary: "A list longer than any one message holds.",
    args: noArgs,
    permission: "read",
    run: (): Reply => ({ tone: "info", full: true, blocks: [{ type: "heading", text: "Long list" }, { type: "list", items: Array.from({ length: LONG_ITEMS }, (_, i) => longItem(i)) }] }),
  }),
  defineCommand({
    path: ["contract-long-summary"],
    summary: "A summary longer than any one message holds.",
    args: noArgs,
    permission: "read",
    run: (): Reply => {
      const buckets = ["done", "on-track", "fair", "at-risk"] as const;
      const per = LONG_ITEMS / buckets.length;
      const sections = buckets.map((bucket, b) => ({ bucket, heading: `Features ${bucket}`, items: Array.from({ length: per }, (_, i) => longItem(b * per + i)) }));
      return { tone: "info", full: true, blocks: [{ type: "heading", text: "Long summary" }, { type: "sections", sections }] };
    },
  }),
  defineCommand({
    path: ["contract-ping"],
    summary: "Answers at once: a marker after the message under test.",
    args: noArgs,
    permission: "read",
    run: () => textReply(PONG, "info"),
  }),
];

// ---- the app a driver starts ----

export interface ContractAppOptions {
  adapter: ChatAdapter;
  admin: Persona;
  conversation: string;
  commands: readonly CommandSpec[];
  /** Merged into the top-level config (a platform's section). */
  config?: Record<string, unknown>;
}

export interface ContractApp {
  app: App;
  store: PlanStore;
  stop(): Promise<void>;
}

/** The real composition root with one adapter, over lowdb on a temp dir holding the Xen 4.3 plan bound to `conversation`. */
export async function startContractApp(options: ContractAppOptions): Promise<ContractApp> {
  const temp = tempDir("stocktake-contract-");
  const config = parseConfig(
    { admins: [options.admin.id], projects: { xen: { rooms: [options.conversation] } }, dataFile: join(temp.dir, "stocktake.json"), ...options.config },
    "contract config",
    {},
  );
  const store = await LowdbStore.open(config.dataFile);
  const imported = await importIntoStore(store, FIXTURE, { by: options.admin.id }, systemClock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  const app = await startApp({ config, logger: silentLogger, store, adapters: [options.adapter], commands: options.commands });
  return {
    app,
    store,
    stop: async () => {
      await app.stop();
      temp.cleanup();
    },
  };
}

// ---- the contract ----

function feature(store: PlanStore, id: string) {
  return store.read().projects["xen"]?.releases["4.3"]?.features[id];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function itemNumbers(messages: readonly Outbound[]): number[] {
  return messages.flatMap((message) => [...message.text.matchAll(/Item (\d{4})/g)].map((match) => Number(match[1])));
}

/** What a platform is, known before it starts: which parts of the contract apply to it. */
export interface PlatformTraits {
  /** Every line is a command (the console): there is no talk to ignore. */
  everyLineAddressed: boolean;
  /** Only one person can speak there (the console): there is nobody without a role. */
  onePerson: boolean;
}

export function chatAdapterContract(name: string, traits: PlatformTraits, makeDriver: (setup: DriverSetup) => Promise<ChatDriver>): void {
  describe(`chat adapter contract: ${name}`, () => {
    let driver: ChatDriver;
    let admin: Persona;

    beforeAll(async () => {
      driver = await makeDriver({ commands: [...CORE_COMMANDS, ...CONTRACT_COMMANDS] });
      admin = driver.people.admin;
    });
    afterAll(async () => {
      await driver?.stop();
    });

    const only = (messages: Outbound[]): Outbound => {
      expect(messages).toHaveLength(1);
      return messages[0]!;
    };

    it("answers a prefixed command in the conversation it came from", async () => {
      const answer = only(await driver.say("!freeze", { as: admin }));
      expect(answer.conversation).toBe(driver.conversationId);
      expect(answer.text).toMatch(/Xen 4\.3/);
    });

    it("answers a message addressed to it by name or mention, without the prefix", async () => {
      const answer = only(await driver.say("freeze", { as: admin, addressed: true }));
      expect(answer.text).toMatch(/Xen 4\.3/);
    });

    if (traits.everyLineAddressed) {
      it("takes every line as addressed to it: a command without the prefix is answered", async () => {
        expect(only(await driver.say("freeze", { as: admin })).text).toMatch(/Xen 4\.3/);
      });
    } else {
      it("ignores talk that is neither prefixed nor addressed to it", async () => {
        expect(await driver.say("freeze is coming, everyone", { as: admin })).toEqual([]);
      });
    }

    it("names the conversation and the person by platform-qualified ids, in the store too", async () => {
      expect(platformOf(driver.conversationId)).toBe(driver.platform);
      expect(platformOf(admin.id)).toBe(driver.platform);
      const answer = only(await driver.say("!status blktap3 fair", { as: admin }));
      expect(answer.conversation).toBe(driver.conversationId);
      expect(feature(driver.store, "blktap3")).toMatchObject({ bucket: "fair", updatedBy: admin.id });
      const [event] = await driver.store.history({ feature: "blktap3", limit: 1 });
      expect(event).toMatchObject({ by: admin.id, command: "!status blktap3 fair" });
      // A room setting is kept under the conversation's id.
      only(await driver.say("!room msgtype notice", { as: admin }));
      expect(driver.store.read().conversations[driver.conversationId]?.settings).toMatchObject({ msgtype: "notice" });
    });

    if (!traits.onePerson) it("refuses a change from someone without a role, and the plan stays as it was", async () => {
      const member = driver.people.member;
      if (!member) throw new Error(`${name}: the driver has no second person, though the platform has several`);
      const before = feature(driver.store, "vtpm-updates");
      const answer = only(await driver.say("!status vtpm-updates done", { as: member }));
      expect(answer.text).toMatch(/Only maintainers, release managers and admins/);
      expect(feature(driver.store, "vtpm-updates")).toEqual(before);
    });

    it("pings nobody, whatever a title says", async () => {
      const title = "@room @everyone @here <@81234> party";
      const answers = await driver.say(`!add ${title} --bucket fair`, { as: admin });
      expect(answers.length).toBeGreaterThan(0);
      for (const answer of answers) expect(driver.facts.pings(answer)).toEqual([]);
      const added = Object.values(driver.store.read().projects["xen"]!.releases["4.3"]!.features).find((candidate) => candidate.title === title);
      expect(added?.bucket).toBe("fair");
      // Naming a person is not pinging them either.
      for (const answer of await driver.say("!contract-whoami", { as: admin })) expect(driver.facts.pings(answer)).toEqual([]);
    });

    it("keeps an error to the person who asked where the platform can, else answers it in the conversation", async () => {
      const typed = only(await driver.say("!show nothing like this", { as: admin }));
      expect(typed.text).toMatch(/No feature called “nothing like this”/);
      // A typed message has no private answers on any platform: the error goes where it was asked.
      expect(typed).toMatchObject({ conversation: driver.conversationId, private: false });
      if (!driver.invoke) return;
      const structured = await driver.invoke(["show"], { feature: "nothing like this" }, { as: admin });
      expect(structured.length).toBeGreaterThan(0);
      for (const answer of structured) expect(answer.private).toBe(driver.facts.privateErrors);
    });

    for (const kind of ["list", "summary"] as const) {
      it(`keeps every message of a long ${kind} within the platform's limits, losing no item`, async () => {
        const answers = await driver.say(`!contract-long-${kind}`, { as: admin });
        for (const limit of driver.facts.limits) {
          const sizes = answers.map((answer) => limit.measure(answer));
          expect(Math.max(...sizes), limit.name).toBeLessThanOrEqual(limit.max);
        }
        // Where anything is limited, a reply this long cannot go as one message.
        if (driver.facts.limits.length > 0) expect(answers.length).toBeGreaterThan(1);
        expect(itemNumbers(answers)).toEqual(Array.from({ length: LONG_ITEMS }, (_, i) => i));
        for (const answer of answers) expect(answer.conversation).toBe(driver.conversationId);
      });
    }

    it("answers a command that throws with the one apology and a reference, and no detail", async () => {
      const answers = [{ answer: only(await driver.say("!contract-boom", { as: admin })), typed: "!contract-boom" }];
      if (driver.invoke) answers.push({ answer: only(await driver.invoke(["contract-boom"], {}, { as: admin })), typed: "/contract-boom" });
      for (const { answer, typed } of answers) {
        const apology = `Sorry, something went wrong on my side while running ${driver.facts.command(typed)} (ref REF). It is in the log; try again in a moment.`;
        expect(answer.text).toMatch(new RegExp(escapeRegExp(apology).replace("REF", "[0-9a-f]{6}")));
        expect(JSON.stringify(answer.raw)).not.toMatch(/hunter2|kaboom|Error|\bat .*\.ts:\d+/);
      }
      if (driver.invoke) expect(answers[1]!.answer.private).toBe(driver.facts.privateErrors);
    });

    it("writes a command reference the platform's way", async () => {
      const answer = only(await driver.say("!stok", { as: admin }));
      expect(answer.text).toContain(driver.facts.command("!stock"));
      expect(answer.text).toContain(driver.facts.command("!help"));
      if (!driver.invoke) return;
      const structured = only(await driver.invoke(["contract-whoami"], {}, { as: admin }));
      expect(structured.text).toContain(driver.facts.command("/stock"));
    });

    it("names a person the platform's way", async () => {
      const answer = only(await driver.say("!contract-whoami", { as: admin }));
      expect(answer.text).toContain(`You are ${driver.facts.person(admin)}; try ${driver.facts.command("!stock")}.`);
    });

    it("posts unprompted to the conversation, in the platform's form, pinging nobody", async () => {
      const reply: Reply = { tone: "info", blocks: [{ type: "heading", text: "Xen 4.3 news" }, { type: "text", text: t`Changed by ${person(admin.id)}; see ${cmd("stock")}.` }] };
      const posted = only(await driver.sendUnprompted(reply));
      expect(posted.conversation).toBe(driver.conversationId);
      expect(posted.text).toContain(`Changed by ${driver.facts.person(admin)}; see ${driver.facts.command("!stock")}.`);
      expect(driver.facts.pings(posted)).toEqual([]);
    });
  });
}
