import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMessage } from "../../discord-server/payloads.ts";
import { startDiscordServer, type DiscordServer, type RecordedRequest } from "../../discord-server/server.ts";
import { startStocktakeOnDiscord, type Harness } from "../../support/discord-harness.js";

const reference = (request: RecordedRequest) => (request.body as { message_reference?: { message_id?: string } }).message_reference?.message_id;

describe("commands typed while the bot was down (issue 11, item 9)", () => {
  let server: DiscordServer;
  let dir: string;
  let harness: Harness | undefined;
  let general: string;
  let announcements: string;

  beforeAll(async () => {
    server = await startDiscordServer();
    general = server.world.channelId("general");
    announcements = server.world.channelId("release-announcements");
    dir = await mkdtemp(join(tmpdir(), "stocktake-catch-up-"));
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (seed: boolean) => {
    harness = await startStocktakeOnDiscord({ server, dir, seed, discord: { prefixCommands: true } });
    await harness.adapter.settled();
    return harness;
  };
  const blktap3 = () => harness!.store.read().projects["xen"]?.releases["4.3"]?.features["blktap3"];
  const replies = () => server.requests({ method: "POST", route: "/channels/:channel_id/messages" });

  it("applies each, once, after the restart, answering each; what was answered before is left alone", async () => {
    await start(true);
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const live = server.sendMessage({ content: "!status blktap3 fair", authorId: server.world.userId("bob") });
    expect(reference(await posted)).toBe(live.id);
    await harness!.stop();
    harness = undefined;

    // While it is down: a change and a question in its project's channel, a command elsewhere.
    const bob = server.world.userId("bob");
    const change = createMessage(server.world, { channelId: general, authorId: bob, content: "!status blktap3 done" });
    const question = createMessage(server.world, { channelId: general, authorId: server.world.userId("carol"), content: "!show blktap3" });
    const chatter = createMessage(server.world, { channelId: general, authorId: bob, content: "lunch?" });
    const elsewhere = createMessage(server.world, { channelId: announcements, authorId: bob, content: "!status blktap3 on-track" });
    const before = replies().length;

    await start(false);
    // The news of the caught-up change goes to the announcements channel when its batch is due,
    // which may be before or after the answers: only what is not an announcement is an answer.
    const answers = replies()
      .slice(before)
      .filter((request) => !(request.params["channel_id"] === announcements && reference(request) === undefined));
    expect(answers.map(reference)).toEqual([change.id, question.id]);
    expect(answers.every((request) => request.params["channel_id"] === general)).toBe(true);
    expect(blktap3()?.bucket).toBe("done");
    const origins = (await harness!.store.history({ limit: 1_000, includeQuiet: true })).map((event) => event.origin);
    expect(origins.filter((origin) => origin === `discord:${change.id}`)).toHaveLength(1);
    expect(origins.filter((origin) => origin === `discord:${live.id}`)).toHaveLength(1);
    expect(origins).not.toContain(`discord:${elsewhere.id}`);
    expect(origins).not.toContain(`discord:${chatter.id}`);
    expect(harness!.errors).toEqual([]);
    await harness!.stop();
    harness = undefined;

    // A third start finds every command answered.
    const again = replies().length;
    await start(false);
    expect(replies().length).toBe(again);
  });

  it("after a reconnect that could not resume, applies what the lost session missed", async () => {
    harness ??= await start(false);
    // Sent while the session is lost: the gateway never delivers it.
    const missed = createMessage(server.world, { channelId: general, authorId: server.world.userId("bob"), content: "!status blktap3 fair" });
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages", 10_000);
    server.invalidateSession(false);
    expect(reference(await posted)).toBe(missed.id);
    await harness.adapter.settled();
    expect(blktap3()?.bucket).toBe("fair");
  });
});
