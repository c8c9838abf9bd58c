import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Announcer } from "../../../src/announce/announcer.js";
import { renderReply } from "../../../adapters/discord/render.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Reply } from "../../../src/reply/reply.js";
import type { Logger } from "../../../src/ports.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";

const CHANNEL = "discord:111111111111111111";

interface Posted {
  channel: string;
  text: string;
  reply: Reply;
}

async function setup(options: { post?: (channel: string, reply: Reply) => Promise<void>; logger?: Logger } = {}) {
  const chat = new FakeChat({ conversation: "discord:1" });
  await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair", "!add PVH mode --bucket on-track", "!project new other Other", "!project use xen");
  for (let i = 1; i <= 10; i++) await chat.setup(`!add feature ${i} --bucket fair`);
  const posted: Posted[] = [];
  const announcer = new Announcer({
    targets: () => [{ project: "xen", conversation: CHANNEL }],
    batchMs: 10_000,
    read: () => chat.store.read(),
    logger: options.logger ?? silentLogger,
    post:
      options.post ??
      (async (channel, reply) => {
        posted.push({ channel, reply, text: renderPlain(reply) });
      }),
  });
  chat.bot.onChange((events) => announcer.receive(events));
  return { chat, announcer, posted };
}

describe("the announcer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("makes one post of ten quick status changes, after the batch window", async () => {
    const { chat, posted } = await setup();
    for (let i = 1; i <= 10; i++) await chat.say(`!status feature ${i} ${i % 2 ? "at-risk" : "done"}`);
    expect(posted).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.channel).toBe(CHANNEL);
    const lines = posted[0]!.text.split("\n");
    expect(lines[0]).toBe("Xen 4.3: 10 changes");
    expect(lines.slice(2)).toHaveLength(10);
    expect(lines[2]).toBe("* feature 1: status fair → at risk — admin [at risk]");
  });

  it("waits, when flushing everything (shutdown), for a post already on its way as well as the batches still waiting", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const { chat, announcer } = await setup({
      post: async () => {
        order.push("post started");
        await gate;
        order.push("post done");
      },
    });
    await chat.say("!status blktap3 at-risk");
    // The batch window ends: the post starts, and is held at the gate.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(order).toEqual(["post started"]);
    const flushed = announcer.flush().then(() => order.push("flushed"));
    setImmediate(release);
    await vi.advanceTimersByTimeAsync(0);
    await flushed;
    expect(order).toEqual(["post started", "post done", "flushed"]);
  });

  it("starts a new batch after a post, and keeps a steady stream from waiting for ever", async () => {
    const { chat, posted } = await setup();
    await chat.say("!status blktap3 at-risk");
    await vi.advanceTimersByTimeAsync(6_000);
    await chat.say("!status blktap3 fair");
    await vi.advanceTimersByTimeAsync(4_000);
    expect(posted).toHaveLength(1);
    await chat.say("!status blktap3 done");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(posted.map((post) => post.text.split("\n")[0])).toEqual(["Xen 4.3: 2 changes", "Xen 4.3: 1 change"]);
  });

  it("leaves out bookkeeping, the planners' details, and projects without a channel", async () => {
    const { chat, posted } = await setup();
    await chat.say("!stock");
    await chat.say("!owner blktap3 Thanos");
    await chat.say("!note blktap3: v2 posted");
    await chat.say("!project use other");
    await chat.say("!release new 1.0");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(posted).toEqual([]);
    expect(chat.store.read().projects["other"]?.currentRelease).toBe("1.0");
  });

  it("announces schedule changes, new features, removals and undos in words people use", async () => {
    const { chat, posted } = await setup();
    await chat.setup("!milestone set feature-freeze 2013-03-25", "!milestone set feature-freeze 2013-04-01", "!add vTPM --bucket on-track", "!remove pvh mode --yes", "!status blktap3 done", "!undo");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(posted[0]?.text.split("\n").slice(2)).toEqual([
      "* 4.3: Feature freeze set for 25 March 2013 — admin",
      "* 4.3: Feature freeze moved from 25 March 2013 to 1 April 2013 — admin",
      "* added vTPM (on track) — admin [on track]",
      "* removed PVH mode — admin",
      "* blktap3: status fair → finished — admin [finished]",
      "* undo: blktap3: status finished → fair — admin [fair]",
    ]);
  });

  it("names Discord users as mentions (which render as names and ping nobody)", async () => {
    const { chat, posted } = await setup();
    await chat.say("!status blktap3 at-risk", { id: "discord:222222222222222222", displayName: "alice" });
    await chat.say("!status blktap3 at-risk", ADMIN);
    await vi.advanceTimersByTimeAsync(10_000);
    // alice is not a maintainer in this config: only the admin's change happened.
    expect(posted[0]?.text).toContain("blktap3: status fair → at risk — admin");
    const withGrant = { id: "discord:222222222222222222", displayName: "alice", grants: ["maintainer"] as const };
    await chat.say("!status blktap3 fair", withGrant);
    await vi.advanceTimersByTimeAsync(10_000);
    // The person is a piece of the reply: Discord renders it as a mention, plain text as the id.
    expect(posted[1]?.text).toContain("— 222222222222222222");
    const item = posted[1]?.reply.blocks.find((block) => block.type === "list");
    expect(item?.type === "list" && item.items[0]?.text).toContainEqual({ person: { ids: ["discord:222222222222222222"] } });
    expect(renderReply(posted[1]!.reply, { embeds: false, slashHints: true, prefix: "!" })[0]?.content).toContain("— <@222222222222222222>");
  });

  it("posts what is waiting on stop, and survives a failing post", async () => {
    const errors: object[] = [];
    const logger: Logger = { ...silentLogger, error: (obj) => void errors.push(obj), child: () => logger };
    let fail = true;
    const delivered: string[] = [];
    const { chat, announcer } = await setup({
      logger,
      post: async (_channel, reply) => {
        if (fail) throw new Error("discord is down");
        delivered.push(renderPlain(reply).split("\n")[0]!);
      },
    });
    await chat.say("!status blktap3 at-risk");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors).toHaveLength(1);
    fail = false;
    await chat.say("!status blktap3 done");
    await announcer.stop();
    expect(delivered).toEqual(["Xen 4.3: 1 change"]);
  });

  it("with a claim (a shared store), posts each change to a target once however many announcers hear it", async () => {
    const { chat, posted } = await setup();
    // A second process's announcer over the same plan and target, and the store's claim: one insert wins.
    const claimed = new Set<string>();
    const claim = async (keys: readonly string[]) => new Set(keys.filter((key) => !claimed.has(key) && claimed.add(key)));
    const make = () =>
      new Announcer({
        targets: () => [{ project: "xen", conversation: CHANNEL }],
        batchMs: 10_000,
        read: () => chat.store.read(),
        logger: silentLogger,
        post: async (channel, reply) => void posted.push({ channel, reply, text: renderPlain(reply) }),
        claim,
      });
    const [one, two] = [make(), make()];
    chat.bot.onChange((events) => {
      one.receive(events);
      two.receive(events);
    });
    await chat.say("!status blktap3 at-risk");
    await vi.advanceTimersByTimeAsync(5_000);
    await chat.say("!status PVH mode done");
    await vi.advanceTimersByTimeAsync(10_000);
    // The setup's announcer has no claim and posts both; of the two claiming ones, each change went out once.
    const claimedPosts = posted.slice(1);
    expect(posted[0]!.text.split("\n")[0]).toBe("Xen 4.3: 2 changes");
    expect(claimedPosts.flatMap((post) => post.text.split("\n").slice(2))).toEqual([
      "* blktap3: status fair → at risk — admin [at risk]",
      "* PVH mode: status on track → finished — admin [finished]",
    ]);
  });
});
