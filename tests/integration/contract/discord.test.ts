import type { APIEmbed } from "discord-api-types/v10";
import { DiscordConfigSchema } from "../../../adapters/discord/config.js";
import { DiscordAdapter } from "../../../adapters/discord/discord-adapter.js";
import { renderReply } from "../../../adapters/discord/render.js";
import { describeCommands } from "../../../src/commands/catalogue.js";
import { localId, qualify } from "../../../src/ids.js";
import type { ChatAdapter, ChatHost } from "../../../src/ports.js";
import type { Reply } from "../../../src/reply/reply.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { startDiscordServer, type RecordedEvent, type RecordedRequest } from "../../discord-server/server.ts";
import { chatAdapterContract, startContractApp, type ChatDriver, type Outbound, type SizeLimit } from "../../support/chat-adapter-contract.js";

interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: unknown;
}

const EPHEMERAL = 1 << 6;

function outbound(conversation: string, data: MessageBody, response?: unknown): Outbound {
  const embedTexts = (data.embeds ?? []).flatMap((embed) => [embed.title, embed.description, ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]), embed.footer?.text]);
  const text = [data.content, ...embedTexts].filter((part): part is string => part !== undefined).join("\n");
  return { conversation, raw: { ...data, ...(response === undefined ? {} : { response }) }, text, private: ((data.flags ?? 0) & EPHEMERAL) !== 0 };
}

const body = (message: Outbound) => message.raw as MessageBody;
const embeds = (message: Outbound) => body(message).embeds ?? [];
const most = (values: number[]) => Math.max(0, ...values);

/** Discord's limits on one message (developer docs, "Embed Limits" and "Create Message"). */
const LIMITS: SizeLimit[] = [
  { name: "content, characters", measure: (message) => body(message).content?.length ?? 0, max: 2_000 },
  { name: "embeds per message", measure: (message) => embeds(message).length, max: 10 },
  { name: "embed title", measure: (message) => most(embeds(message).map((embed) => embed.title?.length ?? 0)), max: 256 },
  { name: "embed description", measure: (message) => most(embeds(message).map((embed) => embed.description?.length ?? 0)), max: 4_096 },
  { name: "fields per embed", measure: (message) => most(embeds(message).map((embed) => embed.fields?.length ?? 0)), max: 25 },
  { name: "field name", measure: (message) => most(embeds(message).flatMap((embed) => (embed.fields ?? []).map((field) => field.name.length))), max: 256 },
  { name: "field value", measure: (message) => most(embeds(message).flatMap((embed) => (embed.fields ?? []).map((field) => field.value.length))), max: 1_024 },
  { name: "embed footer", measure: (message) => most(embeds(message).map((embed) => embed.footer?.text.length ?? 0)), max: 2_048 },
  {
    name: "all embeds of a message, characters",
    measure: (message) =>
      embeds(message).reduce(
        (sum, embed) => sum + (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, field) => n + field.name.length + field.value.length, 0),
        0,
      ),
    max: 6_000,
  },
];

/**
 * The real Discord adapter, passing what the bot answered each message or interaction to the driver.
 * Discord handles messages side by side, so a marker message proves nothing about the one before it;
 * knowing the answer, the driver knows how many posts to wait for.
 */
class AnswerWatch implements ChatAdapter {
  readonly name: string;
  private readonly answers = new Map<string, { promise: Promise<Reply | undefined>; resolve: (reply: Reply | undefined) => void }>();

  constructor(readonly inner: DiscordAdapter) {
    this.name = inner.name;
  }

  start(host: ChatHost): Promise<void> {
    return this.inner.start({
      ...host,
      handle: async (message) => this.settle(message.id, await host.handle(message)),
      execute: async (path, args, origin) => this.settle(origin.id, await host.execute(path, args, origin))!,
    });
  }

  send(conversation: string, reply: Reply): Promise<void> {
    return this.inner.send(conversation, reply);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  /** What the bot answered the message or interaction with this id. */
  answer(id: string): Promise<Reply | undefined> {
    return this.slot(id).promise;
  }

  private settle<T extends Reply | undefined>(id: string | undefined, reply: T): T {
    if (id !== undefined) this.slot(id).resolve(reply);
    return reply;
  }

  private slot(id: string) {
    let slot = this.answers.get(id);
    if (!slot) {
      let resolve!: (reply: Reply | undefined) => void;
      const promise = new Promise<Reply | undefined>((done) => (resolve = done));
      this.answers.set(id, (slot = { promise, resolve }));
    }
    return slot;
  }
}

chatAdapterContract("discord", { everyLineAddressed: false, onePerson: false }, async ({ commands }): Promise<ChatDriver> => {
  const server = await startDiscordServer();
  const general = server.world.channelId("general");
  const conversation = qualify("discord", general);
  const persona = (name: string) => ({ id: qualify("discord", server.world.userId(name)), displayName: name });
  const admin = persona("alice");
  const member = persona("carol");
  const discord = { enabled: true, token: server.token, restApi: server.restUrl, prefixCommands: true };
  const adapter = new AnswerWatch(
    new DiscordAdapter({ config: DiscordConfigSchema.parse(discord), prefix: "!", commands: describeCommands(commands), logger: silentLogger }),
  );
  const { store, stop } = await startContractApp({ adapter, admin, conversation, commands, config: { discord } });
  const user = (who: { id: string }) => localId("discord", who.id)!;
  const posts = (from: number) => (event: RecordedEvent) =>
    event.kind === "rest" && event.index >= from && event.method === "POST" && event.route === "/channels/:channel_id/messages" && event.params["channel_id"] === general && event.fault === undefined;
  const postedSince = (from: number) => server.recorder.events.filter(posts(from)).map((event) => outbound(conversation, (event as RecordedRequest).body as MessageBody, (event as RecordedRequest).response));
  const messagesFor = (reply: Reply, slash: boolean) => renderReply(reply, { embeds: true, slashHints: slash, prefix: "!" }).length;

  return {
    platform: adapter.name,
    conversationId: conversation,
    people: { admin, member },
    store,
    facts: {
      limits: LIMITS,
      command: (typed) => `\`${typed}\``,
      person: (who) => `<@${user(who)}>`,
      privateErrors: true,
      pings: (message) => {
        const problems: string[] = [];
        const raw = message.raw as MessageBody & { response?: { mention_everyone?: boolean } };
        if (JSON.stringify(raw.allowed_mentions) !== JSON.stringify({ parse: [] })) problems.push(`allowed_mentions ${JSON.stringify(raw.allowed_mentions)}`);
        if (raw.response?.mention_everyone) problems.push("mention_everyone");
        return problems;
      },
    },
    async say(text, { as, addressed }) {
      const from = server.recorder.events.length;
      const incoming = server.sendMessage({ channelId: general, authorId: user(as), content: addressed ? `<@${server.world.bot.id}> ${text}` : text });
      const reply = await adapter.answer(qualify("discord", incoming.id));
      if (!reply) return [];
      await server.recorder.waitForNth(posts(from), messagesFor(reply, false) - 1, 10_000);
      return postedSince(from);
    },
    async invoke(path, args, { as }) {
      const handle = server.sendInteraction({ name: path[0]!, userId: user(as), channelId: general, options: Object.entries(args).map(([name, value]) => ({ name, value })) });
      const reply = await adapter.answer(qualify("discord", handle.id));
      const head = ((await handle.callback()).body as { data: MessageBody }).data;
      const rest: MessageBody[] = [];
      for (let n = 0; n < messagesFor(reply!, true) - 1; n++) rest.push((await handle.followUp(n)).body as MessageBody);
      return [head, ...rest].map((data) => outbound(conversation, data));
    },
    async sendUnprompted(reply) {
      const from = server.recorder.events.length;
      await adapter.send(conversation, reply);
      return postedSince(from);
    },
    stop: async () => {
      await stop();
      await server.close();
    },
  };
});
