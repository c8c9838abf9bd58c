// The real Stocktake and the real Discord adapter (discord.js v14) against the fake Discord
// server on loopback, over a lowdb store on a temp dir. Assertions are on what the server
// received and on the store; waiters are armed before the action that satisfies them.

import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChannelType, GatewayIntentBits, GatewayOpcodes, InteractionResponseType, MessageFlags, type APIEmbed, type APIMessage } from "discord-api-types/v10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../../adapters/discord/deploy-commands.js";
import { DISCORD_MESSAGE_LIMITS as LIMITS } from "../../../adapters/discord/render.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { stockReply } from "../../../src/plan/stock-summary.js";
import { DiscordConfigSchema } from "../../../adapters/discord/config.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { systemClock } from "../../../src/ports.js";
import { DEFAULT_WORLD, startDiscordServer, type DiscordServer, type RecordedRequest } from "../../discord-server/server.ts";
import { CONSOLE_ADMIN, FREEZE_DATE, startStocktakeOnDiscord, type Harness } from "../../support/discord-harness.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

interface Body {
  type?: number;
  data?: MessageBody;
}
interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: { parse?: string[] };
  choices?: { name: string; value: string }[];
  message_reference?: { message_id?: string };
}

const body = (request: RecordedRequest) => request.body as Body;
const message = (request: RecordedRequest) => request.body as MessageBody;

function feature(harness: Harness, id: string, project = "xen", release = "4.3") {
  return harness.store.read().projects[project]?.releases[release]?.features[id];
}

async function eventsFrom(harness: Harness, origin: string) {
  return (await harness.store.history({ limit: 5_000, includeQuiet: true })).filter((event) => event.origin === origin);
}

/** Everything Discord would refuse in a message body we sent. */
function limitProblems(data: MessageBody | undefined): string[] {
  const problems: string[] = [];
  if (!data) return ["no body"];
  if ((data.content?.length ?? 0) > LIMITS.content) problems.push(`content ${data.content?.length}`);
  let total = 0;
  for (const embed of data.embeds ?? []) {
    if ((embed.description?.length ?? 0) > LIMITS.description) problems.push("description");
    if ((embed.fields?.length ?? 0) > LIMITS.fields) problems.push("fields");
    for (const field of embed.fields ?? []) if (field.value.length > LIMITS.fieldValue || field.name.length > LIMITS.fieldName) problems.push("field");
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    total += (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  }
  if (total > LIMITS.embedTotal) problems.push(`total ${total}`);
  if (JSON.stringify(data.allowed_mentions) !== JSON.stringify({ parse: [] })) problems.push(`allowed_mentions ${JSON.stringify(data.allowed_mentions)}`);
  return problems;
}

describe("slash commands", () => {
  let server: DiscordServer;
  let harness: Harness;
  let general: string;
  let user: (name: string) => string;

  beforeAll(async () => {
    server = await startDiscordServer();
    general = server.world.channelId("general");
    user = (name) => server.world.userId(name);
    harness = await startStocktakeOnDiscord({ server });
    await deployCommands({ config: harness.config.discord, commands: CORE_COMMANDS, guildId: server.world.guildId() });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("are registered from the specs by deploy-commands, in one bulk overwrite", () => {
    const registered = [...(server.world.guildCommands.get(server.world.guildId())?.values() ?? [])];
    expect(registered.map((command) => command.name)).toEqual(expect.arrayContaining(["stock", "status", "release", "milestone", "help"]));
    expect(server.requests({ method: "PUT", route: "/applications/:application_id/guilds/:guild_id/commands" })).toHaveLength(1);
    // The application id came from the token: GET /applications/@me.
    expect(server.requests({ method: "GET", route: "/applications/@me" }).length).toBeGreaterThanOrEqual(1);
  });

  it("autocompletes feature names from the channel's release", async () => {
    const handle = server.sendInteraction({ type: "autocomplete", name: "status", userId: user("bob"), options: [{ name: "feature", value: "persistent gr", focused: true }] });
    const callback = await handle.callback();
    expect(body(callback).type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(body(callback).data?.choices).toEqual([
      { name: "Persistent grants for blk (Linux) (finished)", value: "persistent-grants-for-blk-linux" },
      { name: "Persistent grants for blk (qemu) (on track)", value: "persistent-grants-for-blk-qemu" },
      { name: "Persistent grants for net (at risk)", value: "persistent-grants-for-net" },
    ]);
  });

  it("round-trips /status: the reply, no pings, and the change in the store with its interaction id", async () => {
    const handle = server.sendInteraction({ name: "status", userId: user("bob"), options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: "fair" }] });
    const callback = await handle.callback();
    expect(body(callback)).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: "🟡 blktap3: at risk → fair *(fair)*", allowed_mentions: { parse: [] } },
    });
    expect(body(callback).data?.flags).toBeUndefined();
    expect(feature(harness, "blktap3")?.bucket).toBe("fair");
    expect(feature(harness, "blktap3")?.updatedBy).toBe(`discord:${user("bob")}`);
    const events = await eventsFrom(harness, `discord:${handle.id}`);
    expect(events.map((event) => [event.entity, event.by, event.command])).toEqual([["feature", `discord:${user("bob")}`, "/status feature:blktap3 bucket:fair"]]);
  });

  it("answers /stock with an embed: title with release and milestone, live countdown, a field per bucket, health colour", async () => {
    const handle = server.sendInteraction({ name: "stock", userId: user("carol") });
    const data = body(await handle.callback()).data;
    expect(data?.flags).toBeUndefined();
    expect(limitProblems(data)).toEqual([]);
    const embed = data?.embeds?.[0];
    expect(embed?.title).toMatch(/^Xen 4\.3: taking stock · Feature freeze \d+ \w+ \d{4}$/);
    const deadline = Date.parse(`${FREEZE_DATE}T12:00:00Z`) / 1000 + 24 * 3600; // end of the day AoE
    expect(embed?.description?.split("\n")[0]).toBe(`**Feature freeze** <t:${deadline}:R>`);
    expect(embed?.fields?.map((field) => field.name)).toEqual(["Finished features (7)", "Features on-track (12)", "Features marked as Fair (6)", "Features at risk (15)"]);
    // 15 of 40 at risk: the release as a whole is at risk.
    expect(embed?.color).toBe(0xc62828);
  });

  it("gives refusals privately (ephemeral) and changes nothing", async () => {
    const before = feature(harness, "vtpm-updates")?.bucket;
    const handle = server.sendInteraction({ name: "status", userId: user("carol"), options: [{ name: "feature", value: "vtpm-updates" }, { name: "bucket", value: "done" }] });
    const data = body(await handle.callback()).data;
    expect(data?.flags).toBe(MessageFlags.Ephemeral);
    // The hint shows the command as Discord users type it.
    expect(data?.content).toContain(`Only maintainers, release managers and admins of xen can use \`/status\``);
    expect(data?.content).toContain(`discord:${user("carol")}`);
    expect(data?.allowed_mentions).toEqual({ parse: [] });
    expect(handle.state.ephemeral).toBe(true);
    expect(feature(harness, "vtpm-updates")?.bucket).toBe(before);
  });

  it("maps Discord roles onto Stocktake's: a Release Manager (by name) may start a release, a Developer (by id) may not", async () => {
    const bob = server.sendInteraction({ name: "release", userId: user("bob"), options: [{ name: "new", options: [{ name: "version", value: "4.4" }] }] });
    expect(body(await bob.callback()).data).toMatchObject({ flags: MessageFlags.Ephemeral, content: expect.stringContaining("Only release managers and admins") });
    expect(harness.store.read().projects["xen"]?.releases["4.4"]).toBeUndefined();

    const alice = server.sendInteraction({ name: "release", userId: user("alice"), options: [{ name: "new", options: [{ name: "version", value: "4.4" }, { name: "cycle", value: "9" }] }] });
    expect(body(await alice.callback()).data?.content).toMatch(/^Xen 4\.4 is the current release now \(was 4\.3\)/);
    expect(harness.store.read().projects["xen"]?.releases["4.4"]?.cycleMonths).toBe(9);

    const back = server.sendInteraction({ name: "release", userId: user("alice"), options: [{ name: "use", options: [{ name: "version", value: "4.3" }] }] });
    await back.callback();
    expect(harness.store.read().projects["xen"]?.currentRelease).toBe("4.3");
  });

  it("makes guild administrators maintainers, unless the config says otherwise", async () => {
    // carol gets Administrator through a new role; the config names no role of hers.
    const guild = server.world.guild();
    const adminRole = { id: "999999999999999991", guildId: guild.id, name: "Admins", permissions: 8n, position: 9, color: 0, hoist: false, mentionable: false, managedBy: null };
    guild.roles.set(adminRole.id, adminRole);
    guild.members.get(user("carol"))!.roleIds.push(adminRole.id);
    try {
      const handle = server.sendInteraction({ name: "status", userId: user("carol"), options: [{ name: "feature", value: "vtpm-updates" }, { name: "bucket", value: "done" }] });
      expect(body(await handle.callback()).data?.flags).toBeUndefined();
      expect(feature(harness, "vtpm-updates")?.bucket).toBe("done");
    } finally {
      guild.members.get(user("carol"))!.roleIds.pop();
      guild.roles.delete(adminRole.id);
    }
  });

  it("shows a feature named @everyone as text that pings nobody, escaped in the embed", async () => {
    const add = server.sendInteraction({ name: "add", userId: user("bob"), options: [{ name: "title", value: "@everyone **release** party" }, { name: "bucket", value: "at-risk" }] });
    const callback = await add.callback();
    expect(body(callback).data?.allowed_mentions).toEqual({ parse: [] });
    expect(body(callback).data?.content).toContain("@everyone \\*\\*release\\*\\* party");
    const posted = server.world.message(general, add.state.originalMessageId!);
    expect(posted?.mention_everyone).toBe(false);
    expect(posted?.mentions).toEqual([]);

    const stock = server.sendInteraction({ name: "stock", userId: user("bob"), options: [{ name: "bucket", value: "at-risk" }] });
    const data = body(await stock.callback()).data;
    expect(data?.allowed_mentions).toEqual({ parse: [] });
    expect(data?.embeds?.[0]?.fields?.[0]?.value).toContain("• @everyone \\*\\*release\\*\\* party");
    expect(server.world.message(general, stock.state.originalMessageId!)?.mention_everyone).toBe(false);
  });

  it("answers a command Discord still lists but Stocktake no longer has, privately", async () => {
    const handle = server.sendInteraction({ name: "frobnicate", userId: user("bob") });
    expect(body(await handle.callback()).data).toMatchObject({ flags: MessageFlags.Ephemeral, content: expect.stringContaining("deploy-commands") });
  });

  it("left no request unanswered by a route and logged no error", () => {
    expect(server.unknownRoutes()).toEqual([]);
    expect(harness.errors).toEqual([]);
  });
});

describe("deferred replies", () => {
  let server: DiscordServer;
  let harness: Harness;

  beforeAll(async () => {
    server = await startDiscordServer();
    // Defer every command, to exercise the path slow commands take.
    harness = await startStocktakeOnDiscord({ server, deferAfterMs: 0 });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("defers, then edits the reply into the answer", async () => {
    const handle = server.sendInteraction({ name: "stock", options: [{ name: "since", value: "7d" }] });
    expect(body(await handle.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edit = await handle.originalEdit();
    expect(message(edit).embeds?.[0]?.title).toMatch(/^Xen 4\.3: taking stock/);
    expect(message(edit).allowed_mentions).toEqual({ parse: [] });
  });

  it("keeps a late error private: the public 'thinking' message is deleted, the answer is ephemeral", async () => {
    const handle = server.sendInteraction({ name: "show", userId: server.world.userId("carol"), options: [{ name: "feature", value: "no such thing at all" }] });
    const followUp = await handle.followUp(0);
    expect(message(followUp)).toMatchObject({ flags: MessageFlags.Ephemeral, content: expect.stringContaining("No feature called") });
    const methods = handle.requests().map((request) => `${request.method} ${request.route}`);
    expect(methods).toEqual([
      "POST /interactions/:interaction_id/:interaction_token/callback",
      "DELETE /webhooks/:application_id/:token/messages/:message_id",
      "POST /webhooks/:application_id/:token",
    ]);
    expect(server.world.message(handle.state.channelId, followUp.response ? (followUp.response as APIMessage).id : "")?.flags).toBe(MessageFlags.Ephemeral);
  });
});

describe("an answer later than the defer delay", () => {
  let server: DiscordServer;
  let harness: Harness;

  beforeAll(async () => {
    server = await startDiscordServer();
    harness = await startStocktakeOnDiscord({ server, deferAfterMs: 50 });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("is deferred once the delay is up, then edited into the answer when it comes", async () => {
    // The change waits until the test lets it go: the answer is late for certain.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const update = harness.store.update.bind(harness.store);
    harness.store.update = (async (...args: Parameters<typeof update>) => {
      await gate;
      return update(...args);
    }) as typeof harness.store.update;
    try {
      const handle = server.sendInteraction({ name: "status", userId: server.world.userId("bob"), options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: "fair" }] });
      expect(body(await handle.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
      expect(feature(harness, "blktap3")?.bucket).toBe("at-risk");
      const edit = handle.originalEdit();
      release();
      expect(message(await edit).content).toBe("🟡 blktap3: at risk → fair *(fair)*");
      expect(feature(harness, "blktap3")?.bucket).toBe("fair");
      expect(handle.requests().map((request) => `${request.method} ${request.route}`)).toEqual([
        "POST /interactions/:interaction_id/:interaction_token/callback",
        "PATCH /webhooks/:application_id/:token/messages/:message_id",
      ]);
    } finally {
      release();
      harness.store.update = update;
    }
    expect(harness.errors).toEqual([]);
  });
});

describe("a release of 2 000 features", () => {
  let server: DiscordServer;
  let harness: Harness;
  const seed = DEFAULT_WORLD.guilds![0]!;

  beforeAll(async () => {
    server = await startDiscordServer({ world: { ...DEFAULT_WORLD, guilds: [{ ...seed, channels: [...seed.channels!, { name: "big-release", parent: "Releases" }] }] } });
    const channel = `discord:${server.world.channelId("big-release")}`;
    harness = await startStocktakeOnDiscord({
      server,
      seed: false,
      config: { projects: { big: { rooms: [channel] } } },
      discord: { announcements: {} },
      before: async (store) => {
        const lines = Array.from({ length: 2_000 }, (_, i) => `* Feature number ${i + 1} with a longish title\n  owner: Owner ${i % 37}`);
        const mail = `== Features on-track ==\n\n${lines.slice(0, 900).join("\n")}\n\n== Features at risk ==\n\n${lines.slice(900).join("\n")}\n`;
        const imported = await importIntoStore(store, mail, { by: CONSOLE_ADMIN.id, project: "big", release: "1.0" }, systemClock);
        if (!imported.ok || imported.value.added !== 2_000) throw new Error("could not seed 2 000 features");
      },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("sends all of it when asked, as a reply and follow-ups that each stay within Discord's limits", async () => {
    const handle = server.sendInteraction({ name: "stock", channelId: server.world.channelId("big-release"), options: [{ name: "full", value: true }] });
    const first = body(await handle.callback()).data;
    // Arm for the last follow-up: count fields until every feature has been seen.
    const bodies: MessageBody[] = [first!];
    for (let n = 0; ; n++) {
      const seen = bodies.flatMap((data) => data.embeds ?? []).flatMap((embed) => embed.fields ?? []).reduce((sum, field) => sum + (field.value.match(/^• /gm)?.length ?? 0), 0);
      if (seen >= 2_000) break;
      bodies.push(message(await handle.followUp(n)));
    }
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.flatMap(limitProblems)).toEqual([]);
    const text = bodies.flatMap((data) => data.embeds ?? []).flatMap((embed) => embed.fields ?? []).map((field) => field.value).join("\n");
    expect(new Set(text.match(/Feature number \d+ /g))).toHaveProperty("size", 2_000);
  });

  it("condenses to three messages otherwise, and says how to see the rest", async () => {
    const handle = server.sendInteraction({ name: "stock", channelId: server.world.channelId("big-release") });
    const bodies = [body(await handle.callback()).data!, message(await handle.followUp(0)), message(await handle.followUp(1))];
    expect(bodies.flatMap(limitProblems)).toEqual([]);
    expect(bodies[2]?.embeds?.[0]?.footer?.text).toMatch(/^\d+ more items not shown: \/stock full:True lists everything/);
  });
});

describe("typed commands", () => {
  let server: DiscordServer;
  let harness: Harness;
  let general: string;

  beforeAll(async () => {
    server = await startDiscordServer();
    general = server.world.channelId("general");
    // Bob is a person of the config: an owner naming him is shown as his mention.
    harness = await startStocktakeOnDiscord({ server, discord: { prefixCommands: true }, config: { people: { bob: { name: "Bob Builder", discord: server.world.userId("bob") } } } });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("asks for the Message Content intent only because prefix commands are on", () => {
    const [identify] = server.gatewayPayloads({ op: GatewayOpcodes.Identify });
    const intents = (identify?.d as { intents: number }).intents;
    expect(intents & GatewayIntentBits.MessageContent).toBe(GatewayIntentBits.MessageContent);
  });

  it("runs !status as a reply to the person's message, and records the message id", async () => {
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const incoming = server.sendMessage({ content: "!status persistent grants for net fair", authorId: server.world.userId("bob") });
    const reply = await posted;
    expect(reply.params["channel_id"]).toBe(general);
    expect(message(reply)).toMatchObject({
      content: "🟡 Persistent grants for net: at risk → fair *(fair)*",
      allowed_mentions: { parse: [] },
      message_reference: { message_id: incoming.id },
    });
    expect(feature(harness, "persistent-grants-for-net")?.bucket).toBe("fair");
    expect(await eventsFrom(harness, `discord:${incoming.id}`)).toHaveLength(1);
  });

  it("answers !stock with the embed, and a refusal as a reply (no ephemeral messages outside interactions)", async () => {
    const bob = server.world.userId("bob");
    const carol = server.world.userId("carol");
    let posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    // Bob by his key, and two owners typed to look like mentions, which must stay text.
    server.sendMessage({ content: `!owner blktap3 bob, <@${carol}>, @everyone`, authorId: bob });
    const owned = await posted;
    expect(message(owned).content).toBe(`🔴 blktap3: owner <@${bob}>, \\<@${carol}>, @everyone. *(at risk)*`);
    expect(owned.response).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
    expect(feature(harness, "blktap3")?.owners).toEqual(["bob", `<@${carol}>`, "@everyone"]);

    posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!stock", authorId: server.world.userId("carol") });
    const stock = await posted;
    expect(message(stock).embeds?.[0]?.title).toMatch(/^Xen 4\.3: taking stock/);
    // The owner as Discord shows a person, in the message the server received, pinging nobody.
    const fields = (message(stock).embeds ?? []).flatMap((embed) => embed.fields ?? []);
    expect(fields.find((field) => field.name.startsWith("Features at risk"))?.value).toContain(`• blktap3\n\u2003owner: <@${bob}>, \\<@${carol}>, @everyone\n`);
    expect(message(stock).allowed_mentions).toEqual({ parse: [] });
    expect(stock.response).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });

    posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!status blktap3 done", authorId: server.world.userId("carol") });
    expect(message(await posted).content).toContain("Only maintainers");
    expect(feature(harness, "blktap3")?.bucket).toBe("at-risk");
  });

  it("shows a title with @everyone typed in chat without pinging anyone", async () => {
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!add @everyone @here free pizza --bucket fair", authorId: server.world.userId("bob") });
    const reply = await posted;
    expect(message(reply).allowed_mentions).toEqual({ parse: [] });
    expect(message(reply).content).toContain("@everyone @here free pizza");
    expect(reply.response).toMatchObject({ mention_everyone: false, mentions: [] });
  });

  it("ignores its own messages and those of other bots", async () => {
    const before = server.requests({ method: "POST", route: "/channels/:channel_id/messages" }).length;
    // Its own reply to the next command comes back as MESSAGE_CREATE; answering it would loop.
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const echo = server.waitFor((event) => event.kind === "gateway" && event.direction === "out" && event.t === "MESSAGE_CREATE" && (event.d as APIMessage).author.bot === true);
    server.sendMessage({ content: "!freeze", authorId: server.world.userId("bob") });
    await posted;
    await echo;
    // Then a command of ours the bot must answer proves the echo was seen and passed over.
    const second = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!schedule", authorId: server.world.userId("bob") });
    expect(message(await second).content).toMatch(/^\*\*Xen 4\.3 schedule\*\*/);
    expect(server.requests({ method: "POST", route: "/channels/:channel_id/messages" }).length).toBe(before + 2);
  });

  it("honours a 429 with retry_after before posting the reply", async () => {
    server.rateLimit({ method: "POST", route: "/channels/:channel_id/messages", retryAfter: 1, count: 1 });
    const done = server.waitFor((event) => event.kind === "rest" && event.route === "/channels/:channel_id/messages" && event.method === "POST" && (event as RecordedRequest).status === 200, 10_000);
    server.sendMessage({ content: "!status blktap3 fair", authorId: server.world.userId("bob") });
    await done;
    const attempts = server.requests({ method: "POST", route: "/channels/:channel_id/messages" }).slice(-2);
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(message(attempts[1]!).content).toBe("🟡 blktap3: at risk → fair *(fair)*");
    expect(feature(harness, "blktap3")?.bucket).toBe("fair");
  });

  it("resumes after a dropped gateway connection without losing, or repeating, a command sent meanwhile", async () => {
    const resumed = server.waitForGatewayOp(GatewayOpcodes.Resume, 10_000);
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages", 10_000);
    server.dropGateway();
    const missed = server.sendMessage({ content: "!status blktap3 done", authorId: server.world.userId("bob") });
    const interaction = server.sendInteraction({ name: "status", userId: server.world.userId("bob"), options: [{ name: "feature", value: "vtpm-updates" }, { name: "bucket", value: "fair" }] });
    await resumed;
    expect(message(await posted)).toMatchObject({ message_reference: { message_id: missed.id } });
    expect(body(await interaction.callback(10_000)).data?.content).toContain("vTPM updates");
    expect(feature(harness, "blktap3")?.bucket).toBe("done");
    expect(feature(harness, "vtpm-updates")?.bucket).toBe("fair");
    expect(await eventsFrom(harness, `discord:${missed.id}`)).toHaveLength(1);
    expect(await eventsFrom(harness, `discord:${interaction.id}`)).toHaveLength(1);
    // A session resumed, not a new one.
    expect(server.gatewayPayloads({ op: GatewayOpcodes.Identify })).toHaveLength(1);
  });

  it("logged no error", () => {
    expect(harness.errors).toEqual([]);
  });
});

describe("typed commands without the Message Content intent", () => {
  let server: DiscordServer;
  let harness: Harness;

  beforeAll(async () => {
    server = await startDiscordServer();
    harness = await startStocktakeOnDiscord({ server });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("answers only when mentioned, and shows command hints as slash commands", async () => {
    const [identify] = server.gatewayPayloads({ op: GatewayOpcodes.Identify });
    expect((identify?.d as { intents: number }).intents & GatewayIntentBits.MessageContent).toBe(0);

    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!status blktap3 done", authorId: server.world.userId("bob") });
    server.sendMessage({ content: `<@${server.world.bot.id}> freeze`, authorId: server.world.userId("bob") });
    expect(message(await posted).content).toMatch(/^Xen 4\.3: Feature freeze in \d+ days/);
    expect(feature(harness, "blktap3")?.bucket).toBe("at-risk");

    const hint = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: `<@${server.world.bot.id}> show nothing like this`, authorId: server.world.userId("bob") });
    expect(message(await hint).content).toBe("No feature called “nothing like this” in release 4.3. `/stock` lists them all.");
  });
});

describe("announcements", () => {
  let server: DiscordServer;
  let harness: Harness;
  let announcements: string;

  beforeAll(async () => {
    server = await startDiscordServer();
    announcements = server.world.channelId("release-announcements");
    // A long window: the test says when the batch closes, so it never depends on timing.
    harness = await startStocktakeOnDiscord({ server, discord: { announceBatchMs: 600_000 } });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it("batches ten quick changes into one post in the announcement channel, and publishes it", async () => {
    const ids = ["blktap3", "vtpm-updates", "guest-efi-booting", "vm-cloning", "full-vm-snapshotting", "pvh-mode-xen-linux", "arm-v7-server-port", "wait-queues-for-mm", "make-storage-migration-possible", "numa-memory-migration"];
    for (const id of ids) {
      const handle = server.sendInteraction({ name: "status", userId: server.world.userId("bob"), options: [{ name: "feature", value: id }, { name: "bucket", value: "done" }] });
      expect(body(await handle.callback()).data?.flags).toBeUndefined();
    }
    expect(server.requests({ method: "POST", route: "/channels/:channel_id/messages" })).toEqual([]);

    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const crossposted = server.waitForRequest("POST", "/channels/:channel_id/messages/:message_id/crosspost");
    await harness.app.announcer.flush();
    const post = await posted;
    expect(post.params["channel_id"]).toBe(announcements);
    const lines = message(post).content!.split("\n");
    expect(lines[0]).toBe("**Xen 4.3: 10 changes**");
    expect(lines.slice(2)).toHaveLength(10);
    expect(lines[2]).toBe(`✅ blktap3: status at risk → finished — <@${server.world.userId("bob")}> *(finished)*`);
    expect(message(post).allowed_mentions).toEqual({ parse: [] });
    const publish = await crossposted;
    expect(publish.params).toEqual({ channel_id: announcements, message_id: (post.response as APIMessage).id });
    expect(server.world.channel(announcements).type).toBe(ChannelType.GuildAnnouncement);
    expect(((server.world.message(announcements, publish.params["message_id"]!)?.flags ?? 0) & MessageFlags.Crossposted) !== 0).toBe(true);
    expect(server.requests({ method: "POST", route: "/channels/:channel_id/messages" })).toHaveLength(1);
  });

  it("offers the announcements channel to the scheduler, which posts the summary there, published", async () => {
    expect(harness.adapter.announcementTargets()).toEqual([{ conversation: `discord:${announcements}`, project: "xen" }]);
    const project = harness.store.read().projects["xen"]!;
    let posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const published = server.waitForRequest("POST", "/channels/:channel_id/messages/:message_id/crosspost");
    await harness.adapter.send(`discord:${announcements}`, stockReply(project, project.releases["4.3"]!, new Date()));
    const summary = await posted;
    expect(summary.params["channel_id"]).toBe(announcements);
    expect(message(summary).embeds?.[0]?.title).toMatch(/^Xen 4\.3: taking stock/);
    expect((await published).params["message_id"]).toBe((summary.response as APIMessage).id);

    const general = server.world.channelId("general");
    posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    const crossposts = server.requests({ route: "/channels/:channel_id/messages/:message_id/crosspost" }).length;
    await harness.adapter.send(`discord:${general}`, { tone: "info", blocks: [{ type: "text", text: "Feature freeze is today." }] });
    const plain = await posted;
    expect(plain.params["channel_id"]).toBe(general);
    expect(message(plain)).toMatchObject({ content: "Feature freeze is today.", allowed_mentions: { parse: [] } });
    // Only announcement channels publish (send() has returned, so a crosspost would be recorded).
    expect(server.requests({ route: "/channels/:channel_id/messages/:message_id/crosspost" })).toHaveLength(crossposts);
  });

  it("closes the batch window by itself", async () => {
    const quick = await startDiscordServer();
    const bot = await startStocktakeOnDiscord({ server: quick, discord: { announceBatchMs: 50 } });
    try {
      const posted = quick.waitForRequest("POST", "/channels/:channel_id/messages", 10_000);
      const handle = quick.sendInteraction({ name: "status", userId: quick.world.userId("bob"), options: [{ name: "feature", value: "blktap3" }, { name: "bucket", value: "fair" }] });
      await handle.callback();
      expect(message(await posted).content).toContain("blktap3: status at risk → fair");
    } finally {
      await bot.stop();
      await quick.close();
    }
  });

  it("logged no error", () => {
    expect(harness.errors).toEqual([]);
  });
});

describe("stocktake discord deploy-commands", () => {
  let server: DiscordServer;
  let dir: string;

  beforeAll(async () => {
    server = await startDiscordServer();
    dir = await mkdtemp(join(tmpdir(), "stocktake-deploy-"));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, "bin/stocktake.js"), ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("registers the commands in one server over REST alone, with the token from the environment", async () => {
    const config = join(dir, "stocktake.yaml");
    await writeFile(config, `discord:\n  token: \${DISCORD_TOKEN}\n  restApi: ${server.restUrl}\n`);
    const guild = server.world.guildId();
    const result = await run(["discord", "deploy-commands", "--guild", guild, "--config", config], { DISCORD_TOKEN: server.token });
    expect(result.stderr).toBe("");
    // One slash command per first word of the specs: "release new" and "release use" are /release.
    const count = new Set(CORE_COMMANDS.map((spec) => spec.path[0])).size;
    expect(result.stdout).toMatch(new RegExp(`^Registered ${count} slash commands in server ${guild} \\(available now\\): /stock /status`));
    expect(result.code).toBe(0);
    expect(server.world.guildCommands.get(guild)?.size).toBe(count);
    // No gateway connection was made.
    expect(server.recorder.events.filter((event) => event.kind === "connection")).toEqual([]);
  });

  it("says what Discord answered when the token is wrong", async () => {
    const config = join(dir, "stocktake.yaml");
    const result = await run(["discord", "deploy-commands", "--config", config], { DISCORD_TOKEN: "not-the-token" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^stocktake: could not register the slash commands: .*401/);
  });

  it("registers globally without a guild", async () => {
    const deployed = await deployCommands({ config: DiscordConfigSchema.parse({ token: server.token, restApi: server.restUrl }), commands: CORE_COMMANDS });
    expect(deployed).toMatchObject({ scope: "global", applicationId: server.world.applicationId });
    expect([...server.world.globalCommands.values()].map((command) => command.name)).toEqual(deployed.names);
  });
});
