import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MatrixConfigSchema } from "../../../adapters/matrix/config.js";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import { MAX_CONTENT_BYTES } from "../../../adapters/matrix/render.js";
import { bridgedTextBytes } from "../../../src/reply/irc-lines.js";
import { localId, qualify } from "../../../src/ids.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { utf8Bytes } from "../../../src/util/utf8.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { chatAdapterContract, CONTRACT_COMMANDS, PONG, startContractApp, type ChatDriver, type Outbound, type SizeLimit } from "../../support/chat-adapter-contract.js";
import { FakeMatrixClient, type SentEvent } from "../../support/fake-matrix-client.js";
import { tempDir } from "../../support/temp.js";

const ROOM = "!contract:example.org";
const BOT = "@stocktake:example.org";
const ADMIN = { id: "matrix:@admin:example.org", displayName: "Ada" };
const MEMBER = { id: "matrix:@carol:example.org", displayName: "Carol" };
const LINES_PER_MESSAGE = 3;

/** What a person reads: the HTML where there is some, else the plain body (IRC-bridged rooms). */
function outbound(event: SentEvent): Outbound {
  const { content } = event;
  const text = typeof content["formatted_body"] === "string" ? content["formatted_body"] : String(content["body"]);
  return { conversation: qualify("matrix", event.roomId), raw: content, text, private: false };
}

/** The real Matrix adapter on a fake client at the SDK seam, in a room that is bridged to IRC or not. */
async function matrixDriver(commands: Parameters<typeof startContractApp>[0]["commands"], irc: boolean): Promise<ChatDriver> {
  const client = new FakeMatrixClient(BOT, "Stocktake");
  const user = (who: { id: string }) => localId("matrix", who.id)!;
  client.addRoom(ROOM, [
    { userId: user(ADMIN), displayName: ADMIN.displayName, powerLevel: 100 },
    { userId: user(MEMBER), displayName: MEMBER.displayName },
  ]);
  const state = tempDir("stocktake-matrix-state-");
  const matrix = MatrixConfigSchema.parse({ homeserverUrl: "http://matrix.invalid", accessToken: "unused", irc: { rooms: irc ? [ROOM] : [], linesPerMessage: LINES_PER_MESSAGE } });
  const core = { prefix: "!", botName: "stocktake", admins: [ADMIN.id], projects: {} };
  const adapter = new MatrixAdapter({ matrix, core, storageFile: join(state.dir, "matrix.json"), logger: silentLogger, connect: () => client.connection() });
  const conversation = qualify("matrix", ROOM);
  const { store, stop } = await startContractApp({ adapter, admin: ADMIN, conversation, commands });
  const contentBytes: SizeLimit = { name: "event content, UTF-8 bytes", measure: (message) => utf8Bytes(JSON.stringify(message.raw)), max: MAX_CONTENT_BYTES };
  const ircLimits: SizeLimit[] = [
    { name: "lines per message (the bridge pastes longer ones)", measure: (message) => message.text.split("\n").length, max: LINES_PER_MESSAGE },
    { name: "IRC line, UTF-8 bytes", measure: (message) => Math.max(...message.text.split("\n").map(utf8Bytes)), max: bridgedTextBytes() },
  ];
  return {
    platform: adapter.name,
    conversationId: conversation,
    people: { admin: ADMIN, member: MEMBER },
    store,
    facts: {
      limits: irc ? [contentBytes, ...ircLimits] : [contentBytes],
      command: (typed) => (irc ? typed : `<code>${typed}</code>`),
      person: (who) => (irc ? who.displayName : `<a href="https://matrix.to/#/${encodeURIComponent(user(who))}">${user(who)}</a>`),
      privateErrors: false,
      pings: (message) => {
        const mentions = JSON.stringify((message.raw as Record<string, unknown>)["m.mentions"]);
        return mentions === "{}" ? [] : [`m.mentions ${mentions}`];
      },
    },
    async say(text, { as, addressed }) {
      const from = client.sent.length;
      // One room's events are handled in order: once the marker is answered, so is the message before it.
      const pong = client.nextSent((event) => event.content["body"] === PONG);
      client.post(ROOM, user(as), addressed ? `stocktake: ${text}` : text);
      client.post(ROOM, user(ADMIN), "!contract-ping");
      const marker = client.sent.indexOf(await pong);
      return client.sent.slice(from, marker).map(outbound);
    },
    async sendUnprompted(reply) {
      const from = client.sent.length;
      await adapter.send(conversation, reply);
      return client.sent.slice(from).map(outbound);
    },
    stop: async () => {
      await stop();
      state.cleanup();
    },
  };
}

chatAdapterContract("matrix", { everyLineAddressed: false, onePerson: false }, ({ commands }) => matrixDriver(commands, false));
chatAdapterContract("matrix (IRC-bridged room)", { everyLineAddressed: false, onePerson: false }, ({ commands }) => matrixDriver(commands, true));

describe("Matrix adapter on the fake client, beyond the contract", () => {
  it("answers in an IRC-bridged room with plain lines: no HTML, no backticks, no reply quote, a refusal naming whom it answers", async () => {
    const driver = await matrixDriver([...CORE_COMMANDS, ...CONTRACT_COMMANDS], true);
    try {
      const answers = [...(await driver.say("!stok", { as: ADMIN })), ...(await driver.say("!contract-whoami", { as: ADMIN }))];
      expect(answers.map((answer) => answer.text)).toEqual([
        // No reply quote reaches IRC: a refusal or confirmation says whom it answers; other answers need not.
        "Ada: There is no command !stok. Did you mean !stock? (!help lists them.)",
        "You are Ada; try !stock.",
      ]);
      for (const answer of answers) expect(Object.keys(answer.raw as object).sort()).toEqual(["body", "m.mentions", "msgtype"]);
    } finally {
      await driver.stop();
    }
  });
});
