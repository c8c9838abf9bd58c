import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../support/temp.js";
import { account, homeserver, inReplyTo, person, startBot, testLogger, type Account, type MatrixEvent, type Person, type RunningBot } from "./support.js";

const JUNE = readFileSync(new URL("../../fixtures/reimport/4.5-june.txt", import.meta.url));

/**
 * `!import` as the caption of a text file (an m.file event whose body is not the file's name): the
 * bot downloads the file from the homeserver's media repository and reads it as a pasted mail.
 */
describe.skipIf(!homeserver)("!import with a status mail attached, on a real homeserver", () => {
  const hs = homeserver!;
  const temp = tempDir("stocktake-matrix-import-");
  let bot: Account;
  let running: RunningBot;
  let alice: Person;
  let room: string;

  /** Uploads `data` and sends it as a file with `caption`; the bot's reply to it. */
  async function sendFile(caption: string, name: string, data: Buffer, mimetype = "text/plain"): Promise<MatrixEvent> {
    const url = await alice.client.uploadContent(data, mimetype, name);
    const recording = alice.record(room);
    try {
      const sent = await alice.client.sendMessage(room, { msgtype: "m.file", body: caption, filename: name, url, info: { size: data.length, mimetype } });
      return await recording.until((events) => events.find((event) => event.sender === bot.userId && inReplyTo(event) === sent));
    } finally {
      recording.stop();
    }
  }

  beforeAll(async () => {
    bot = await account("stocktake", hs);
    alice = await person("alice", hs);
    running = await startBot({ hs, bot, dir: temp.dir, logger: testLogger("matrix-import-file"), config: { admins: [`matrix:${alice.userId}`] } });
    const joined = alice.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "join");
    room = await alice.client.createRoom({ preset: "private_chat", invite: [bot.userId] });
    await joined;
    for (const command of ["!project new xen Xen", "!release new 4.5"]) {
      const { reply } = await alice.ask(room, bot.userId, command);
      expect(reply.content.body, command).not.toMatch(/^Only|Sorry/);
    }
  });

  afterAll(async () => {
    await running?.stop();
    alice?.stop();
    temp.cleanup();
  });

  it("reads the attached file after the caption: the dry run, then !yes imports it", async () => {
    const dry = await sendFile("!import", "xen-4.5-june.txt", JUNE);
    expect(dry.content.body).toContain("Would import 7 features (in 1 area grouping) into xen 4.5 (nothing is written yet).");
    expect(running.app.store.read().projects["xen"]!.releases["4.5"]!.features).toEqual({});
    const { reply } = await alice.ask(room, bot.userId, "!yes");
    expect(reply.content.body).toContain("Imported 7 features (in 1 area grouping) into xen 4.5.");
    expect(running.app.store.read().projects["xen"]!.releases["4.5"]!.features["pvh-dom0"]?.bucket).toBe("on-track");
  });

  it("leaves files without a command caption alone, and answers a file that is no mail in one line", async () => {
    const quiet = alice.record(room);
    await alice.client.sendMessage(room, { msgtype: "m.file", body: "notes.txt", filename: "notes.txt", url: await alice.client.uploadContent(JUNE, "text/plain", "notes.txt"), info: { size: JUNE.length, mimetype: "text/plain" } });
    const reply = await sendFile("!import", "junk.txt", Buffer.from("just some chatter\nwith no headings\n"));
    // The bot answered the second file only.
    expect(quiet.events.filter((event) => event.sender === bot.userId)).toHaveLength(1);
    quiet.stop();
    expect(reply.content.body).toContain("Nothing could be read");
  });
});
