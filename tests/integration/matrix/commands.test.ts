import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteRatelimitOverride, overrideRatelimit } from "../../../scripts/synapse-admin.mjs";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { systemClock } from "../../../src/ports.js";
import { FIXTURE } from "../../support/fixture.js";
import { tempDir } from "../../support/temp.js";
import { REPO_ROOT } from "./homeserver.js";
import { account, homeserver, inReplyTo, person, plainLines, startBot, testLogger, unique, type Account, type MatrixEvent, type Person, type RunningBot } from "./support.js";
import { plainText } from "../../../src/reply/inline.js";
import { bridgedTextBytes } from "../../../src/reply/irc-lines.js";

/**
 * The real bot (config → startApp → lowdb on disk → Matrix adapter) against a real Synapse, driven by
 * real clients acting as people. One room bound to Xen 4.3 from the fixture mail; more rooms where a
 * test needs its own (encrypted, bridged to IRC, a large plan).
 */
describe.skipIf(!homeserver)("Matrix adapter against a real homeserver", () => {
  const hs = homeserver!;
  const temp = tempDir("stocktake-matrix-");
  const logName = "matrix-commands";
  let bot: Account;
  let running: RunningBot;
  let alice: Person; // admin (config)
  let bob: Person; // power level 50 in the room: a maintainer there
  let carol: Person; // power level 0
  let dave: Person; // an IRC puppet (@irc_…) with power level 50: no role
  let erin: Person; // an IRC puppet whose exact id is a maintainer in the config
  let room: string;

  /** How IRC users know a bridged IRC user: the id without the bridge's prefix ("@irc_dave_1f:server" → dave_1f). */
  const nick = (someone: Person) => someone.userId.replace(/^@(irc|oftc)_/, "").replace(/:.*$/, "");
  const feature = (id: string) => running.app.store.read().projects["xen"]?.releases["4.3"]?.features[id];
  const replyTo = inReplyTo;

  /** Creates a room as `owner`, invites the bot (and others) and waits until the bot is in. */
  async function roomWithBot(owner: Person, options: { invite?: Person[]; levels?: Record<string, number>; initialState?: { type: string; state_key: string; content: object }[] } = {}): Promise<string> {
    const joined = owner.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "join");
    const roomId = await owner.client.createRoom({
      preset: "private_chat",
      invite: [bot.userId, ...(options.invite ?? []).map((p) => p.userId)],
      power_level_content_override: { users: { [owner.userId]: 100, ...options.levels } },
      ...(options.initialState ? { initial_state: options.initialState } : {}),
    });
    await joined;
    for (const guest of options.invite ?? []) await guest.join(roomId);
    return roomId;
  }

  beforeAll(async () => {
    const logger = testLogger(logName);
    bot = await account("stocktake", hs);
    [alice, bob, carol, dave, erin] = await Promise.all([
      person("alice", hs),
      person("bob", hs),
      person("carol", hs),
      person("dave", hs, { localpart: unique("irc_dave") }),
      person("erin", hs, { localpart: unique("oftc_erin") }),
    ]);
    running = await startBot({
      hs,
      bot,
      dir: temp.dir,
      logger,
      config: {
        admins: [`matrix:${alice.userId}`],
        projects: { xen: { maintainers: [`matrix:${erin.userId}`] } },
        // People owners can name: Bob on Matrix, Dave from IRC (his Matrix id is the bridge's puppet).
        people: { bob: { name: "Bob Builder", matrix: bob.userId }, dave: { name: "Dave Null", matrix: dave.userId } },
      },
      matrix: { invites: { fromUsers: [bob.userId] } },
    });
    const imported = await importIntoStore(running.app.store, FIXTURE, { by: `matrix:${alice.userId}` }, systemClock);
    if (!imported.ok) throw new Error(plainText(imported.error.message));
    room = await roomWithBot(alice, { invite: [bob, carol], levels: { [bob.userId]: 50 } });
    for (const command of ["!project use xen", "!release use 4.3", "!milestone set feature-freeze 2013-03-25"]) {
      const { reply } = await alice.ask(room, bot.userId, command);
      expect(reply.content.body, command).not.toMatch(/^Only|Sorry/);
    }
  });

  afterAll(async () => {
    await running?.stop();
    for (const someone of [alice, bob, carol, dave, erin]) someone?.stop();
    temp.cleanup();
  });

  it("answers a command as an m.notice reply, with HTML and a plain body, and changes the store", async () => {
    const { sent, reply } = await alice.ask(room, bot.userId, "!status blktap3 fair");
    expect(reply.content.msgtype).toBe("m.notice");
    expect(reply.content.body).toBe("* blktap3: at risk → fair [fair]");
    expect(reply.content.format).toBe("org.matrix.custom.html");
    expect(reply.content.formatted_body).toMatch(/^<ul><li>blktap3: at risk → fair <font color="#b26a00" data-mx-color="#b26a00">\[fair\]<\/font><\/li><\/ul>$/);
    expect(replyTo(reply)).toBe(sent);
    expect(reply.content["m.mentions"]).toEqual({});
    expect(feature("blktap3")).toMatchObject({ bucket: "fair", updatedBy: `matrix:${alice.userId}` });
    const [event] = await running.app.store.history({ feature: "blktap3", limit: 1 });
    expect(event).toMatchObject({ origin: `matrix:${sent}`, by: `matrix:${alice.userId}`, command: "!status blktap3 fair" });
  });

  it("runs every command family", async () => {
    const cases: [string, RegExp][] = [
      ["!stock", /^Xen 4\.3: taking stock\n\n.*40 features/s],
      ["!stock at risk", /== Features at risk ==/],
      ["!add Live patching --bucket fair --owner Ross", /Live patching/],
      ["!rename Live patching to Live patching v2", /Live patching v2/],
      ["!owner live-patching Ross, Konrad", /Ross, Konrad/],
      ["!note live-patching: needs a design review", /needs a design review/],
      ["!alias live-patching lp", /lp/],
      ["!link lp https://lists.xen.org/lp", /link added/],
      ["!move lp under blktap3", /blktap3/],
      ["!move lp top", /lp|Live patching/],
      ["!show lp", /Live patching v2/],
      ["!status lp on-track", /on track/],
      ["!undo", /./],
      ["!history --limit 3", /./],
      ["!remove lp --yes", /Removed|removed/],
      ["!schedule", /Feature freeze/i],
      ["!freeze", /milestone|freeze/i],
      ["!milestone set code-freeze 2013-04-15", /Code freeze/i],
      ["!milestone remove code-freeze", /./],
      ["!release list", /4\.3/],
      ["!project list", /xen/],
      ["!export markdown", /./],
      ["!room", /Project: xen/],
      ["!help", /!stock/],
      ["!help status", /Usage: !status FEATURE/],
    ];
    for (const [command, expected] of cases) {
      const { sent, reply } = await alice.ask(room, bot.userId, command);
      expect(reply.content.body, command).toMatch(expected);
      expect(reply.content.body, command).not.toMatch(/^Sorry, something went wrong/);
      expect(replyTo(reply), command).toBe(sent);
    }
    expect(feature("live-patching")).toBeUndefined();
    expect(running.app.store.read().projects["xen"]?.releases["4.3"]?.milestones.map((m) => m.key)).toEqual(["feature-freeze"]);
  });

  it("grants maintainer from the room's power level, and refuses people below it", async () => {
    const byBob = await bob.ask(room, bot.userId, "!status blktap3 on-track");
    expect(byBob.reply.content.body).toBe("* blktap3: fair → on track [on track]");
    expect(feature("blktap3")?.updatedBy).toBe(`matrix:${bob.userId}`);
    const byCarol = await carol.ask(room, bot.userId, "!status blktap3 dropped");
    expect(byCarol.reply.content.body).toMatch(new RegExp(`^Only maintainers, release managers and admins of xen can use !status\\..*matrix:${carol.userId.replace(/[.]/g, "\\.")}`));
    expect(feature("blktap3")?.bucket).toBe("on-track");
    // A power level of 50 makes a maintainer, not a release manager.
    const release = await bob.ask(room, bot.userId, "!release new 4.4");
    expect(release.reply.content.body).toMatch(/^Only release managers and admins of xen/);
  });

  it("escapes titles and notes: no HTML and no mentions get through", async () => {
    const title = `<b>bold</b> @room <a href='https://matrix.to/#/${carol.userId}'>carol</a>`;
    const { reply } = await alice.ask(room, bot.userId, `!add "${title}" --bucket fair --note "<script>alert(1)</script>"`);
    expect(reply.content.formatted_body).not.toMatch(/<b>bold|<a |<script/);
    expect(reply.content.formatted_body).toContain("&lt;b&gt;bold&lt;/b&gt; @room &lt;a href=&#39;https://matrix.to/#/");
    expect(reply.content.body).toContain(title);
    expect(reply.content["m.mentions"]).toEqual({});
    const stock = await alice.ask(room, bot.userId, "!stock fair");
    expect(stock.reply.content.formatted_body).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(stock.reply.content.formatted_body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(stock.reply.content.formatted_body).not.toMatch(/<script|<b>bold/);
  });

  it("names an owner who is a person as a pill in !stock and !show, and pings nobody: Synapse does not highlight them", async () => {
    // Bob goes by the config's name for him in this room: a message saying it highlights him unless
    // it says whom it mentions. Replies as m.text, which notify (m.notice never does), so the
    // homeserver's push rules really look at them.
    const renamed = bob.next(room, (event) => event.type === "m.room.member" && event.state_key === bob.userId && event.content["displayname"] === "Bob Builder");
    await bob.client.sendStateEvent(room, "m.room.member", bob.userId, { membership: "join", displayname: "Bob Builder" });
    await renamed;
    const control = await alice.say(room, "Bob Builder, a word?");
    await alice.ask(room, bot.userId, "!room msgtype text");
    try {
      await alice.ask(room, bot.userId, "!add Owned by people --bucket fair");
      const owned = await alice.ask(room, bot.userId, "!owner owned-by-people bob, <b>x</b>");
      expect(owned.reply.content.body).toBe("* Owned by people: owner Bob Builder, <b>x</b>. [fair]");
      const pill = `<a href="https://matrix.to/#/${encodeURIComponent(bob.userId)}">Bob Builder</a>`;
      const stock = await alice.ask(room, bot.userId, "!stock fair");
      expect(stock.reply.content.msgtype).toBe("m.text");
      expect(stock.reply.content.formatted_body).toContain(`<li>Owned by people<br><i>owner: ${pill}, &lt;b&gt;x&lt;/b&gt;</i></li>`);
      expect(stock.reply.content.body).toContain("* Owned by people\n  owner: Bob Builder, <b>x</b>");
      expect(stock.reply.content["m.mentions"]).toEqual({});
      const show = await alice.ask(room, bot.userId, "!show owned-by-people");
      expect(show.reply.content.formatted_body).toContain(`owner: ${pill}, &lt;b&gt;x&lt;/b&gt;<br>`);
      expect(show.reply.content["m.mentions"]).toEqual({});
      // What the homeserver made of them for Bob: the plain message is a highlight, the bot's replies are not.
      const { notifications } = (await bob.client.doRequest("GET", "/_matrix/client/v3/notifications", { limit: 100 })) as { notifications: { event: { event_id: string }; actions: unknown[] }[] };
      const actions = (eventId: string) => notifications.find((entry) => entry.event.event_id === eventId)?.actions;
      const highlight = (eventId: string) => actions(eventId)?.some((action) => typeof action === "object" && action !== null && (action as { set_tweak?: string }).set_tweak === "highlight" && (action as { value?: unknown }).value !== false);
      expect(highlight(control)).toBe(true);
      for (const reply of [owned.reply, stock.reply, show.reply]) {
        // Notified, as any m.text in the room is, but not highlighted.
        expect(actions(reply.event_id), String(reply.content.body)).toContain("notify");
        expect(highlight(reply.event_id), String(reply.content.body)).toBe(false);
      }
      expect(feature("owned-by-people")?.owners).toEqual(["bob", "<b>x</b>"]);
    } finally {
      await alice.ask(room, bot.userId, "!room msgtype notice");
    }
  });

  it("ignores edits, notices and its own messages: nothing is applied twice", async () => {
    const { sent } = await alice.ask(room, bot.userId, "!status blktap3 done");
    expect(feature("blktap3")?.bucket).toBe("done");
    await alice.say(room, "* !status blktap3 dropped", {
      "m.new_content": { msgtype: "m.text", body: "!status blktap3 dropped" },
      "m.relates_to": { rel_type: "m.replace", event_id: sent },
    });
    await bob.client.sendMessage(room, { msgtype: "m.notice", body: "!status blktap3 at-risk" });
    // The next thing the bot says answers the sentinel: the edit and the notice got no answer.
    const sentinel = await alice.ask(room, bot.userId, "!freeze");
    expect(replyTo(sentinel.reply)).toBe(sentinel.sent);
    expect(feature("blktap3")?.bucket).toBe("done");
    const changes = await running.app.store.history({ feature: "blktap3", limit: 10 });
    expect(changes.filter((event) => event.origin === `matrix:${sent}`)).toHaveLength(1);
  });

  it("accepts commands addressed IRC-style, by name", async () => {
    const freeze = await alice.ask(room, bot.userId, "stocktake: freeze");
    expect(freeze.reply.content.body).toMatch(/milestone|freeze/i);
    const status = await alice.ask(room, bot.userId, "Stocktake, status blktap3 fair");
    expect(status.reply.content.body).toBe("* blktap3: finished → fair [fair]");
    const byId = await alice.ask(room, bot.userId, `${bot.userId}: show blktap3`);
    expect(byId.reply.content.body).toMatch(/blktap3/);
  });

  it("answers a command sent in a thread in that thread", async () => {
    const root = await alice.say(room, "thread about blktap3");
    const recording = alice.record(room);
    const sent = await alice.say(room, "!show blktap3", { "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } } });
    const reply = await recording.until((events) => events.find((event) => event.sender === bot.userId && event.type === "m.room.message" && replyTo(event) === sent));
    recording.stop();
    expect(reply.content["m.relates_to"]).toEqual({ rel_type: "m.thread", event_id: root, is_falling_back: false, "m.in_reply_to": { event_id: sent } });
    expect(reply.content.body).toMatch(/blktap3/);
  });

  it("posts to a room unprompted (announcements, scheduled summaries)", async () => {
    const recording = alice.record(room);
    await running.adapter.send(`matrix:${room}`, { tone: "info", blocks: [{ type: "text", text: "Feature freeze is in 7 days." }] });
    const said = await recording.until((events) => events.find((event) => event.sender === bot.userId && event.content.body === "Feature freeze is in 7 days."));
    recording.stop();
    expect(said.content.msgtype).toBe("m.notice");
    expect(said.content["m.relates_to"]).toBeUndefined();
  });

  it("sends m.text in a room that asks for it, and notices again when asked", async () => {
    const set = await alice.ask(room, bot.userId, "!room msgtype text");
    expect(set.reply.content.msgtype).toBe("m.text");
    expect((await alice.ask(room, bot.userId, "!freeze")).reply.content.msgtype).toBe("m.text");
    const back = await alice.ask(room, bot.userId, "!room msgtype notice");
    expect(back.reply.content.msgtype).toBe("m.notice");
  });

  it("joins only on invites from allowed inviters", async () => {
    const carolRoom = await carol.client.createRoom({ preset: "private_chat" });
    const declined = carol.next(carolRoom, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "leave");
    await carol.client.inviteUser(bot.userId, carolRoom);
    await declined;
    // Bob is listed in matrix.invites.fromUsers.
    const bobRoom = await roomWithBot(bob);
    expect((await bob.ask(bobRoom, bot.userId, "!project list")).reply.content.body).toMatch(/xen/);
  });

  it("says in an encrypted room that it cannot read there", async () => {
    const notice = alice.next(undefined, (event) => event.type === "m.room.message" && event.sender === bot.userId && /encrypted/.test(String(event.content.body)));
    const encrypted = await roomWithBot(alice, { initialState: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] });
    const said = await notice;
    expect(said.content.msgtype).toBe("m.notice");
    expect(said.content.body).toMatch(/end-to-end encrypted, and I cannot read encrypted messages/);
    expect(encrypted).toMatch(/^!/);
  });

  it("retries after M_LIMIT_EXCEEDED and loses no reply", async () => {
    const admin = await account("admin", hs, { admin: true });
    // Activity before the override counts against it: start from a quiet second.
    await overrideRatelimit(hs.url, admin.accessToken, bot.userId, { messagesPerSecond: 1, burstCount: 1 });
    try {
      const recording = alice.record(room);
      const sent: string[] = [];
      for (const command of ["!freeze", "!schedule", "!freeze", "!schedule"]) sent.push(await alice.say(room, command));
      const got = await recording.until((events) => {
        const replies = events.filter((event) => event.sender === bot.userId && event.type === "m.room.message");
        return replies.length >= 4 ? replies : undefined;
      }, 30_000);
      recording.stop();
      expect(got.map(replyTo)).toEqual(sent);
    } finally {
      await deleteRatelimitOverride(hs.url, admin.accessToken, bot.userId);
    }
    const log = readFileSync(join(REPO_ROOT, "tests", "artifacts", `${logName}.log`), "utf8");
    expect(log).toMatch(/rate limited; waiting as the server asks/);
  });

  it("splits a summary too large for one event, each part under the size limit", async () => {
    const bigRoom = await roomWithBot(alice);
    await alice.ask(bigRoom, bot.userId, "!project new Big");
    await alice.ask(bigRoom, bot.userId, "!release new 1.0");
    const note = "x".repeat(150);
    const mail = ["== Features at risk ==", "", ...Array.from({ length: 400 }, (_, i) => `* Feature ${i} with a reasonably long descriptive title, number ${i}\n  status: ${note}`)].join("\n");
    const imported = await importIntoStore(running.app.store, mail, { by: "test", project: "big", release: "1.0" }, systemClock);
    if (!imported.ok) throw new Error(plainText(imported.error.message));
    const { sent, messages } = await alice.collect(bigRoom, bot.userId, "!stock full", (found) => found.length >= 2, 30_000);
    const [first, second] = messages;
    expect(replyTo(first!)).toBe(sent);
    for (const part of [first!, second!]) expect(Buffer.byteLength(JSON.stringify(part.content))).toBeLessThan(60_000);
    expect(first!.content.body).toMatch(/^Big 1\.0: taking stock/);
    expect(second!.content.body).toMatch(/== Features at risk \(continued\) ==/);
  });

  describe("in a room bridged to IRC", () => {
    let ircRoom: string;

    beforeAll(async () => {
      ircRoom = await roomWithBot(alice, { invite: [dave, erin], levels: { [dave.userId]: 50 } });
      await alice.ask(ircRoom, bot.userId, "!project use xen");
    });

    it("detects the bridge from puppet members and answers in plain lines", async () => {
      expect(await running.adapter.bridged(ircRoom)).toBe(true);
      const { reply } = await dave.ask(ircRoom, bot.userId, "stocktake: freeze");
      expect(reply.content.format).toBeUndefined();
      expect(reply.content.formatted_body).toBeUndefined();
      expect(reply.content["m.relates_to"]).toBeUndefined();
      expect(reply.content.body).toMatch(/milestone|freeze/i);
    });

    it("detects a bridge from its m.bridge state event, and follows !room irc", async () => {
      const bridge = { type: "m.bridge", state_key: "org.matrix.appservice-irc://irc/libera/#xen", content: { bridgebot: "@libera:localhost", protocol: { id: "irc", displayname: "IRC" }, channel: { id: "#xen" } } };
      const bridged = await roomWithBot(alice, { initialState: [bridge] });
      expect(await running.adapter.bridged(bridged)).toBe(true);
      // A room without bridge or puppets, switched by hand.
      await alice.ask(room, bot.userId, "!room irc on");
      const plain = await alice.ask(room, bot.userId, "!freeze");
      expect(plain.reply.content.formatted_body).toBeUndefined();
      expect(plain.reply.content["m.relates_to"]).toBeUndefined();
      const back = await alice.ask(room, bot.userId, "!room irc auto");
      expect(back.reply.content.formatted_body).toBeDefined();
      expect(await running.adapter.bridged(room)).toBe(false);
    });

    it("gives bridged IRC users no role from power levels, unless their exact id is in the config", async () => {
      const byDave = await dave.ask(ircRoom, bot.userId, "!status blktap3 at-risk");
      expect(byDave.reply.content.body).toMatch(new RegExp(`^${nick(dave)}: Only maintainers, release managers and admins of xen`));
      const byErin = await erin.ask(ircRoom, bot.userId, "stocktake, status blktap3 at-risk");
      // No reply quote reaches IRC: the confirmation names whom it answers, by IRC nick.
      expect(byErin.reply.content.body).toMatch(new RegExp(`^${nick(erin)}: blktap3: .*→ at risk`));
      expect(feature("blktap3")).toMatchObject({ bucket: "at-risk", updatedBy: `matrix:${erin.userId}` });
    });

    it("names people by their IRC nicks, not their Matrix ids", async () => {
      const { reply } = await dave.ask(ircRoom, bot.userId, "!history blktap3 --limit 1");
      expect(String(reply.content.body)).toContain(`${nick(erin)}: `);
      expect(String(reply.content.body)).not.toContain(erin.userId);
    });

    it("answers !help with the command names and “!help COMMAND for one”, within the line budget", async () => {
      const { messages } = await dave.collect(ircRoom, bot.userId, "!help", (found) => /for one\.$/.test(String(found.at(-1)?.content.body)));
      const lines = messages.flatMap(plainLines);
      expect(lines.length).toBeLessThanOrEqual(8);
      expect(lines[0]).toMatch(/^Commands: !stock, /);
      expect(lines.at(-1)).toBe("!help COMMAND for one.");
      for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(bridgedTextBytes());
    });

    it("sees a portal room as bridged before any IRC user is in it: by the bridge's bot, by a bridge-form alias", async () => {
      const bridgeBot = await person("oftc", hs, { localpart: `${unique("oftc")}-irc` });
      try {
        const byBot = await roomWithBot(alice, { invite: [bridgeBot] });
        await alice.ask(byBot, bot.userId, "!project use xen");
        expect(await running.adapter.bridged(byBot)).toBe(true);
        const room = await alice.ask(byBot, bot.userId, "!room");
        expect(room.reply.content.body).toContain(`Bridged to IRC: detected automatically: yes, the IRC bridge's bot ${bridgeBot.userId} is a member`);
        // The first !stock there is plain lines within the budget, not HTML a bridge would turn into a paste link.
        const { messages } = await alice.collect(byBot, bot.userId, "!stock", (found) => pointer(found.at(-1)!));
        expect(messages.every((message) => message.content.formatted_body === undefined && plainLines(message).length <= 3)).toBe(true);
        for (const line of messages.flatMap(plainLines)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(bridgedTextBytes());
      } finally {
        bridgeBot.stop();
      }
      const alias = unique("irc_xen");
      const joined = alice.next(undefined, (event) => event.type === "m.room.member" && event.state_key === bot.userId && event.content["membership"] === "join");
      const byAlias = await alice.client.createRoom({ preset: "private_chat", invite: [bot.userId], room_alias_name: alias });
      await joined;
      expect(await running.adapter.bridged(byAlias)).toBe(true);
      const room = await alice.ask(byAlias, bot.userId, "!room");
      expect(room.reply.content.body).toContain(`the room alias #${alias}:`);
    });

    const pointer = (event: MatrixEvent) => /^Full list \(\d+ lines\)/m.test(String(event.content.body));

    it("condenses a long summary to the line budget, with a pointer to the full text", async () => {
      const { messages } = await dave.collect(ircRoom, bot.userId, "stocktake: stock", (found) => pointer(found.at(-1)!));
      expect(messages.every((message) => message.content.formatted_body === undefined && plainLines(message).length <= 3)).toBe(true);
      const lines = messages.flatMap(plainLines);
      expect(lines.length).toBeLessThanOrEqual(8);
      expect(lines[0]).toBe("Xen 4.3: taking stock");
      expect(lines.some((line) => /^At risk \(\d+\): /.test(line))).toBe(true);
      expect(lines.at(-1)).toMatch(/^Full list \(\d+ lines\): !stock full$/);
    });

    it("sends the whole summary as plain lines when asked for all of it, owners who are people by IRC nick or name", async () => {
      await alice.ask(ircRoom, bot.userId, "!owner blktap3 dave, bob");
      const condensed = await dave.collect(ircRoom, bot.userId, "!stock at-risk", (found) => pointer(found.at(-1)!));
      const last = plainLines(condensed.messages.at(-1)!).at(-1)!;
      expect(last).toMatch(/: !stock at-risk full$/);
      const total = Number(/\((\d+) lines\)/.exec(last)?.[1] ?? "0");
      expect(total).toBeGreaterThan(8);
      const { messages } = await dave.collect(ircRoom, bot.userId, "!stock at-risk full", (found) => found.length >= Math.ceil(total / 3));
      expect(messages.every((message) => message.content.formatted_body === undefined && plainLines(message).length <= 3)).toBe(true);
      expect(messages.flatMap(plainLines)).toHaveLength(total);
      // Dave speaks from IRC: his nick there. Bob is on Matrix: the config's name for him. No pill, nobody mentioned.
      const lines = messages.flatMap(plainLines);
      expect(lines[lines.indexOf("* blktap3") + 1]).toBe(`  owner: ${nick(dave)}, Bob Builder`);
      for (const message of messages) expect(message.content["m.mentions"]).toEqual({});
    });
  });
});
