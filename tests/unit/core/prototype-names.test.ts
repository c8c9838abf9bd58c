import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadState } from "../../../src/model/migrations.js";
import { CoreConfigSchema } from "../../../src/config/core-config.js";
import { FakeChat, FakeClock, RM } from "../../support/fake-chat.js";
import { FakeTimer, chatScheduler } from "../../support/fake-timer.js";

/** Names JavaScript objects answer to without being told: every one is a name like any other here. */
const PROTO_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"])];

/** Every command that takes an id (project, release, feature, alias, milestone, command name). */
const TEMPLATES = [
  "!project new NAME",
  "!project use NAME",
  "!release new NAME",
  "!release use NAME",
  "!add NAME",
  "!show NAME",
  "!status NAME done",
  "!rename NAME A new title",
  "!owner NAME bob",
  "!note NAME some text",
  "!alias NAME y",
  "!alias blktap3 NAME",
  "!alias blktap3 NAME --remove",
  "!link NAME https://example.org/x",
  "!move NAME blktap3",
  "!move blktap3 NAME",
  "!history NAME",
  "!remove NAME --yes",
  "!milestone set NAME 2013-04-01",
  "!milestone remove NAME",
  "!stock NAME",
  "!export NAME",
  "!help NAME",
  "!room msgtype NAME",
];

/** Every command, with arguments that work on the plan set up below. */
const EVERY_COMMAND = [
  "!stock",
  "!stock full",
  "!status blktap3 at-risk",
  "!add vTPM",
  "!show blktap3",
  "!history",
  "!schedule",
  "!freeze",
  "!countdown status",
  "!countdown preview 2",
  "!release list",
  "!project list",
  "!room status",
  "!export",
  "!help",
  "!undo",
];

const APOLOGY = /Sorry, something went wrong/;

async function plan() {
  const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
  const chat = new FakeChat({ clock });
  await chat.setup("!project new xen", "!release new 4.3", "!milestone set feature freeze 2013-03-25 AoE", "!add blktap3", "!countdown on daily 09:00 UTC");
  return { chat, clock };
}

/** The plan still answers every command, survives a reload from disk, and the scheduler starts on it. */
async function stillWorks(chat: FakeChat, clock: FakeClock, what: string): Promise<void> {
  for (const line of EVERY_COMMAND) {
    const answer = (await chat.say(line)) ?? "";
    expect(answer, `${what}, then ${line}`).not.toMatch(APOLOGY);
  }
  const reloaded = loadState(JSON.parse(JSON.stringify(chat.store.read())));
  expect(reloaded.ok, what).toBe(true);
  if (reloaded.ok) expect(reloaded.value, what).toEqual(JSON.parse(JSON.stringify(chat.store.read())));
  const scheduler = chatScheduler(chat, new FakeTimer(clock), async () => undefined);
  await expect(scheduler.start(), what).resolves.toBeUndefined();
  await scheduler.stop?.();
}

describe("names that are also JavaScript's object members", () => {
  it("are refused where nothing has that name, and break nothing", async () => {
    const { chat } = await plan();
    expect(await chat.say("!release use toString")).toMatch(/no release|not.*release|There is no/i);
    expect(chat.store.read().projects["xen"]?.currentRelease).toBe("4.3");
    expect(await chat.say("!project use constructor")).not.toMatch(/Object|uses/);
    expect(await chat.say("!show __proto__")).not.toMatch(APOLOGY);
    expect(await chat.say("!status constructor done")).not.toMatch(APOLOGY);
    expect(await chat.say("!alias __proto__ y")).not.toMatch(APOLOGY);
    expect(await chat.say("!stock")).toContain("blktap3");
  });

  for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    it(`work as a feature name: ${name} can be added, shown, changed, aliased, reloaded and removed`, async () => {
      const { chat } = await plan();
      // A title becomes a slug id: "__proto__" is added as "proto", "toString" as "tostring".
      const id = /\(id ([^)]+)\)/.exec((await chat.say(`!add ${name}`)) ?? "")?.[1] ?? "";
      const features = chat.store.read().projects["xen"]!.releases["4.3"]!.features;
      expect(Object.hasOwn(features, id)).toBe(true);
      expect(await chat.say(`!show ${name}`)).toMatch(/status: /);
      expect(await chat.say(`!status ${name} done`)).toMatch(/finished/);
      expect(await chat.say(`!alias ${name} ctor`)).toMatch(/can now be called “ctor”/);
      expect(await chat.say("!show ctor")).toMatch(/status: finished/);
      const reloaded = loadState(JSON.parse(JSON.stringify(chat.store.read())));
      expect(reloaded.ok && Object.hasOwn(reloaded.value.projects["xen"]!.releases["4.3"]!.features, id)).toBe(true);
      expect(await chat.say(`!remove ${name} --yes`)).toMatch(/Removed/i);
      expect(Object.hasOwn(features, id)).toBe(false);
    });

    it(`work as project and release names: ${name}`, async () => {
      const { chat } = await plan();
      // Release names keep their case; project ids are lower case; neither may start with "_".
      if (!name.startsWith("_")) await chat.setup(`!release new ${name}`, `!release use 4.3`, `!release use ${name}`, `!add blktap3`);
      const project = name.replace(/^_+|_+$/g, "").toLowerCase();
      await chat.setup(`!project new ${project}`, `!project use ${project}`, "!release new 1.0", "!add blktap3");
      expect(Object.hasOwn(chat.store.read().projects, project)).toBe(true);
      expect(await chat.say("!stock")).not.toMatch(APOLOGY);
    });
  }

  it("in the config: a project called __proto__ or constructor is kept as one, and none is found by accident", () => {
    const config = CoreConfigSchema.parse(JSON.parse('{"projects":{"__proto__":{"maintainers":["a"]}}}'));
    expect(Object.keys(config.projects)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(config.projects)).toBe(Object.prototype);
  });

  it("every command that takes an id, with every such name, leaves a plan that answers every command", async () => {
    for (const template of TEMPLATES) {
      for (const name of PROTO_NAMES) {
        const { chat, clock } = await plan();
        const line = template.replaceAll("NAME", name);
        expect((await chat.say(line)) ?? "", line).not.toMatch(APOLOGY);
        await stillWorks(chat, clock, line);
      }
    }
  }, 60_000);

  it("and so does any sequence of them, by anyone", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...TEMPLATES), fc.constantFrom(...PROTO_NAMES), fc.boolean()), { minLength: 1, maxLength: 5 }),
        async (steps) => {
          const { chat, clock } = await plan();
          for (const [template, name, asRm] of steps) {
            const line = template.replaceAll("NAME", name);
            const answer = (asRm ? await chat.say(line, RM) : await chat.say(line)) ?? "";
            expect(answer, line).not.toMatch(APOLOGY);
          }
          await stillWorks(chat, clock, steps.map(([template, name]) => template.replaceAll("NAME", name)).join("; "));
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
