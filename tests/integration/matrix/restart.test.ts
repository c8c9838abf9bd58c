import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { systemClock } from "../../../src/ports.js";
import { FIXTURE } from "../../support/fixture.js";
import { tempDir } from "../../support/temp.js";
import { REPO_ROOT, SYNAPSE_SCRIPT, type HomeserverInfo } from "./homeserver.js";
import { account, homeserver, inReplyTo, person, Person, startBot, testLogger, type Account, type MatrixEvent, type RunningBot } from "./support.js";
import { plainText } from "../../../src/reply/inline.js";

const run = promisify(execFile);

/** A room bound to Xen 4.3 (the fixture mail), with the bot in it. */
async function xenRoom(running: RunningBot, owner: Person, bot: Account): Promise<string> {
  const imported = await importIntoStore(running.app.store, FIXTURE, { by: "test" }, systemClock);
  if (!imported.ok) throw new Error(plainText(imported.error.message));
  const joined = owner.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "join");
  const room = await owner.client.createRoom({ preset: "private_chat", invite: [bot.userId] });
  await joined;
  for (const command of ["!project use xen", "!release use 4.3"]) await owner.ask(room, bot.userId, command);
  return room;
}

describe.skipIf(!homeserver)("the Matrix bot across restarts", () => {
  const hs = homeserver!;
  const temp = tempDir("stocktake-matrix-restart-");
  const logger = testLogger("matrix-restart");
  let bot: Account;
  let alice: Person;
  let running: RunningBot | undefined;
  let room: string;

  const start = async (login: "password" | "kept", sync?: { timelineLimit: number }) => {
    running = await startBot({ hs, bot, dir: temp.dir, logger, login, config: { admins: [`matrix:${alice.userId}`] }, ...(sync ? { sync } : {}) });
    return running;
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };
  const feature = (id: string) => running!.app.store.read().projects["xen"]?.releases["4.3"]?.features[id];
  const botMessages = (events: readonly MatrixEvent[]) => events.filter((event) => event.type === "m.room.message" && event.sender === bot.userId);

  beforeAll(async () => {
    bot = await account("stocktake", hs);
    alice = await person("alice", hs);
    // The first start logs in with the password; every later one uses the kept token.
    room = await xenRoom(await start("password"), alice, bot);
  });

  afterAll(async () => {
    await stop();
    alice?.stop();
    temp.cleanup();
  });

  it("keeps the token of a password login, so the password is needed once", async () => {
    const kept = JSON.parse(readFileSync(join(temp.dir, "stocktake.matrix.json"), "utf8")) as { login: { userId: string; accessToken: string } };
    expect(kept.login.userId).toBe(bot.userId);
    await stop();
    await start("kept");
    expect((await alice.ask(room, bot.userId, "!freeze")).reply.content.body).toMatch(/milestone|freeze/i);
  });

  it("applies once, after the restart, the commands sent while it was down", async () => {
    await stop();
    const recording = alice.record(room);
    const change = await alice.say(room, "!status blktap3 done");
    const read = await alice.say(room, "!show blktap3");
    await start("kept");
    const replies = await recording.until((events) => (botMessages(events).length >= 2 ? botMessages(events) : undefined));
    recording.stop();
    expect(replies.map(inReplyTo)).toEqual([change, read]);
    expect(replies[0]!.content.body).toBe("* blktap3: at risk → finished [finished]");
    expect(feature("blktap3")?.bucket).toBe("done");
    const events = await running!.app.store.history({ feature: "blktap3", limit: 10 });
    expect(events.filter((event) => event.origin === `matrix:${change}`)).toHaveLength(1);
  });

  it("replays nothing after a restart: the next answer is to the next command", async () => {
    const recording = alice.record(room);
    await stop();
    await start("kept");
    const sentinel = await alice.say(room, "!freeze");
    const replies = await recording.until((events) => (botMessages(events).some((event) => inReplyTo(event) === sentinel) ? botMessages(events) : undefined));
    recording.stop();
    expect(replies.map(inReplyTo)).toEqual([sentinel]);
    const events = await running!.app.store.history({ feature: "blktap3", limit: 10 });
    expect(events.filter((event) => event.origin !== undefined)).toHaveLength(1);
  });

  it("after a long absence, reads the gap: more commands than one sync returns, in order", async () => {
    await stop();
    const recording = alice.record(room);
    const sent: string[] = [];
    for (let i = 1; i <= 7; i++) sent.push(await alice.say(room, `!note blktap3: step ${i}`));
    await start("kept", { timelineLimit: 3 });
    const replies = await recording.until((events) => (botMessages(events).length >= 7 ? botMessages(events) : undefined), 30_000);
    recording.stop();
    expect(replies.map(inReplyTo)).toEqual(sent);
    expect(feature("blktap3")?.note).toBe("step 7");
    const log = readFileSync(join(REPO_ROOT, "tests", "artifacts", "matrix-restart.log"), "utf8");
    expect(log).toMatch(/filled a gap in the timeline/);
  });
});

describe.skipIf(!homeserver)("the Matrix bot's very first start", () => {
  it("treats what was said before it ever ran as history, not as commands", async () => {
    const hs = homeserver!;
    const temp = tempDir("stocktake-matrix-first-");
    const bot = await account("stocktake", hs);
    const alice = await person("alice", hs);
    let running: RunningBot | undefined;
    try {
      // The bot's account is in the room before the bot first runs (a migrated account, a lost state file).
      const room = await alice.client.createRoom({ preset: "private_chat", invite: [bot.userId] });
      await new Person(bot, hs).client.joinRoom(room);
      await alice.say(room, "!project list");
      const recording = alice.record(room);
      running = await startBot({ hs, bot, dir: temp.dir, logger: testLogger("matrix-first-start"), config: { admins: [`matrix:${alice.userId}`] } });
      const sentinel = await alice.say(room, "!help status");
      const replies = await recording.until((events) => {
        const mine = events.filter((event) => event.type === "m.room.message" && event.sender === bot.userId);
        return mine.some((event) => inReplyTo(event) === sentinel) ? mine : undefined;
      });
      recording.stop();
      expect(replies.map(inReplyTo)).toEqual([sentinel]);
    } finally {
      await running?.stop();
      alice.stop();
      temp.cleanup();
    }
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A real homeserver restart needs a Synapse of its own (restarting the shared one would break the
 * other tests): scripts/synapse.sh starts one on a free port, restarts it, and removes it.
 */
const required = process.env["STOCKTAKE_REQUIRE_SYNAPSE"] === "1";
describe.skipIf(!homeserver || (!homeserver.canStartSynapse && !required))("the Matrix bot across a homeserver restart", () => {
  const temp = tempDir("stocktake-matrix-hs-");
  const logger = testLogger("matrix-homeserver-restart");
  let env: NodeJS.ProcessEnv;
  let own: HomeserverInfo;
  let running: RunningBot | undefined;
  let alice: Person | undefined;

  const synapse = (command: string) => run("bash", [SYNAPSE_SCRIPT, command], { env, timeout: 90_000 });

  beforeAll(async () => {
    const port = await freePort();
    env = { ...process.env, STOCKTAKE_SYNAPSE_PORT: String(port), STOCKTAKE_SYNAPSE_ENV: join(temp.dir, "synapse.env") };
    await synapse("start");
    const values = Object.fromEntries(
      readFileSync(join(temp.dir, "synapse.env"), "utf8")
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    own = { url: values["MATRIX_HOMESERVER_URL"]!, registrationSecret: values["MATRIX_REGISTRATION_SECRET"]!, serverName: "localhost", source: "own", canStartSynapse: true };
  });

  afterAll(async () => {
    await running?.stop();
    alice?.stop();
    await synapse("stop").catch(() => undefined);
    temp.cleanup();
  });

  it("reconnects by itself and answers the first command after the restart", async () => {
    const bot = await account("stocktake", own);
    const aliceAccount = await account("alice", own);
    alice = await new Person(aliceAccount, own).start();
    running = await startBot({ hs: own, bot, dir: temp.dir, logger, config: { admins: [`matrix:${alice.userId}`] } });
    const room = await xenRoom(running, alice, bot);
    expect((await alice.ask(room, bot.userId, "!status blktap3 fair")).reply.content.body).toMatch(/→ fair/);

    alice.stop();
    await synapse("restart");
    // A fresh client for the person (the SDK's own client backs off for up to 15 s); the bot keeps its own.
    alice = await new Person(aliceAccount, own).start();
    const { reply } = await alice.ask(room, bot.userId, "!status blktap3 on-track", 30_000);
    expect(reply.content.body).toBe("* blktap3: fair → on track [on track]");
    expect(running.app.store.read().projects["xen"]?.releases["4.3"]?.features["blktap3"]?.bucket).toBe("on-track");
    const log = readFileSync(join(REPO_ROOT, "tests", "artifacts", "matrix-homeserver-restart.log"), "utf8");
    expect(log).toMatch(/sync failed; retrying from the same token/);
    expect(log).toMatch(/sync works again/);
  }, 90_000);
});
