import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../support/fake-chat.js";
import { FakeTimer } from "../../support/fake-timer.js";
import { tempDir } from "../../support/temp.js";
import { account, homeserver, person, startBot, testLogger, type Account, type Person, type RunningBot } from "./support.js";

/**
 * A scheduled countdown reaching a real Matrix room: the room subscribes with !countdown on, the
 * scheduler's clock is moved to the slot, and the person's own client sees the post arrive.
 */
describe.skipIf(!homeserver)("scheduled posts in a Matrix room", () => {
  const hs = homeserver!;
  const temp = tempDir("stocktake-matrix-countdown-");
  const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
  const timer = new FakeTimer(clock);
  let bot: Account;
  let running: RunningBot;
  let alice: Person;
  let room: string;

  beforeAll(async () => {
    bot = await account("stocktake", hs);
    alice = await person("alice", hs);
    running = await startBot({ hs, bot, dir: temp.dir, logger: testLogger("matrix-countdown"), config: { admins: [`matrix:${alice.userId}`] }, clock, timer });
    const joined = alice.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "join");
    room = await alice.client.createRoom({ preset: "private_chat", invite: [bot.userId] });
    await joined;
    for (const command of [
      "!project new Xen",
      "!release new 4.3",
      "!milestone set feature freeze 2013-03-25 AoE",
      "!add blktap3 --bucket at-risk",
      "!countdown on daily 09:00 UTC",
    ]) {
      const { reply } = await alice.ask(room, bot.userId, command);
      expect(reply.content.body, command).not.toMatch(/^Only|^Sorry|not /);
    }
  });

  afterAll(async () => {
    await running?.stop();
    alice?.stop();
    temp.cleanup();
  });

  it("posts the Monday summary and Tuesday's countdown at their times, once each", async () => {
    const recording = alice.record(room);
    await timer.advanceTo(new Date("2013-03-12T09:00:30Z"), () => running.app.scheduler.settled());
    const countdown = "Xen 4.3: Feature freeze in 13 days (Mon 25 Mar 2013, AoE); 1 feature at risk: blktap3.";
    const posts = await recording.until((events) => {
      const fromBot = events.filter((event) => event.sender === bot.userId);
      return fromBot.some((event) => event.content.body === countdown) ? fromBot : undefined;
    });
    recording.stop();
    expect(posts.map((event) => event.content.body?.split("\n")[0])).toEqual(["Xen 4.3: taking stock, weekly summary", countdown]);
    expect(posts.every((event) => event.content.msgtype === "m.notice" && event.content["m.relates_to"] === undefined)).toBe(true);
    // Running the scheduler again at the same moment posts nothing new: the next thing the bot
    // says in the room is its answer to the preview.
    const after = alice.record(room);
    await running.app.scheduler.runDue();
    const { reply } = await alice.ask(room, bot.userId, "!countdown preview 1");
    expect(reply.content.body).toContain("Wed 13 Mar 2013 09:00 UTC: Xen 4.3: Feature freeze in 12 days");
    const said = await after.until((events) => {
      const fromBot = events.filter((event) => event.sender === bot.userId);
      return fromBot.some((event) => event.event_id === reply.event_id) ? fromBot : undefined;
    });
    after.stop();
    expect(said.map((event) => event.event_id)).toEqual([reply.event_id]);
  });
});
