import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixConfigSchema } from "../../../adapters/matrix/config.js";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { qualify } from "../../../src/ids.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { startContractApp, type ContractApp } from "../../support/chat-adapter-contract.js";
import { FakeMatrixClient, type SentEvent } from "../../support/fake-matrix-client.js";
import { tempDir } from "../../support/temp.js";

const BOT = "@stocktake:example.org";
const ADMIN = { id: "matrix:@admin:example.org", displayName: "Ada" };
const admin = "@admin:example.org";
const PLAIN_ROOM = "!plain:example.org";
const IRC_ROOM = "!irc:example.org";
/** George is a Matrix user; Ian speaks from IRC, so his Matrix id is the bridge's puppet. */
const PEOPLE = {
  george: { name: "George Dunlap", matrix: "@george:example.org", discord: "81234567" },
  ian: { name: "Ian Jackson", matrix: "@_oftc_ijc:matrix.org" },
};

/**
 * Owners who are people, as the real Matrix adapter sends them (on a fake client at the SDK seam):
 * pills with an empty `m.mentions`, and in a room bridged to IRC plain names and IRC nicks.
 */
describe("Matrix: owners who are people", () => {
  const client = new FakeMatrixClient(BOT, "Stocktake");
  const state = tempDir("stocktake-matrix-owners-");
  const matrix = MatrixConfigSchema.parse({ homeserverUrl: "http://matrix.invalid", accessToken: "unused", irc: { rooms: [IRC_ROOM], linesPerMessage: 40 } });
  const core = { prefix: "!", botName: "stocktake", admins: [ADMIN.id], projects: {} };
  const adapter = new MatrixAdapter({ matrix, core, storageFile: join(state.dir, "matrix.json"), logger: silentLogger, connect: () => client.connection() });
  let app: ContractApp;
  const members = [
    { userId: admin, displayName: "Ada", powerLevel: 100 },
    // In the room George goes by another display name: the config's name is the one replies use.
    { userId: "@george:example.org", displayName: "gd" },
  ];
  client.addRoom(PLAIN_ROOM, members);
  // An IRC user among the members would make a room count as bridged: only here.
  client.addRoom(IRC_ROOM, [...members, { userId: "@_oftc_ijc:matrix.org", displayName: "ijc (IRC)" }]);

  beforeAll(async () => {
    app = await startContractApp({ adapter, admin: ADMIN, conversation: qualify("matrix", PLAIN_ROOM), commands: CORE_COMMANDS, config: { people: PEOPLE, defaultProject: "xen" } });
    for (const command of ["!status blktap3 at-risk", "!owner blktap3 george, @_oftc_ijc:matrix.org, <b>Bold</b> @room"]) {
      const answer = client.nextSent((event) => event.roomId === PLAIN_ROOM);
      client.post(PLAIN_ROOM, admin, command);
      await answer;
    }
  });
  afterAll(async () => {
    await app?.stop();
    state.cleanup();
  });

  /** Every event the command's answer took, up to a marker the bot answers after it. */
  async function ask(roomId: string, text: string): Promise<SentEvent[]> {
    const from = client.sent.length;
    const marker = client.nextSent((event) => event.roomId === roomId && String(event.content["body"]).includes("taking stock, fair only"));
    client.post(roomId, admin, text);
    client.post(roomId, admin, "!stock fair");
    const end = client.sent.indexOf(await marker);
    return client.sent.slice(from, end).filter((event) => event.roomId === roomId);
  }

  it("!stock: pills named as the config names them, typed owners escaped, and m.mentions empty in every event", async () => {
    const events = await ask(PLAIN_ROOM, "!stock at-risk");
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.content["m.mentions"]).toEqual({});
    const html = events.map((event) => String(event.content["formatted_body"])).join("");
    expect(html).toContain(
      '<li>blktap3<br><i>owner: <a href="https://matrix.to/#/%40george%3Aexample.org">George Dunlap</a>, <a href="https://matrix.to/#/%40_oftc_ijc%3Amatrix.org">Ian Jackson</a>, &lt;b&gt;Bold&lt;/b&gt; @room</i></li>',
    );
    const body = events.map((event) => String(event.content["body"])).join("\n");
    expect(body).toContain("* blktap3\n  owner: George Dunlap, Ian Jackson, <b>Bold</b> @room");
  });

  it("!show: the same pill; the owners are stored as typed", async () => {
    const [event, ...rest] = await ask(PLAIN_ROOM, "!show blktap3");
    expect(rest).toEqual([]);
    expect(event!.content["m.mentions"]).toEqual({});
    expect(String(event!.content["formatted_body"])).toContain('owner: <a href="https://matrix.to/#/%40george%3Aexample.org">George Dunlap</a>, <a href="https://matrix.to/#/%40_oftc_ijc%3Amatrix.org">Ian Jackson</a>, &lt;b&gt;Bold&lt;/b&gt; @room<br>');
    expect(app.store.read().projects["xen"]!.releases["4.3"]!.features["blktap3"]!.owners).toEqual(["george", "@_oftc_ijc:matrix.org", "<b>Bold</b> @room"]);
  });

  it("bridged to IRC: no pill and no HTML; a person by their name, an IRC user by their nick", async () => {
    const events = await ask(IRC_ROOM, "!stock at-risk full");
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.content["formatted_body"]).toBeUndefined();
      expect(event.content["m.mentions"]).toEqual({});
    }
    const lines = events.flatMap((event) => String(event.content["body"]).split("\n"));
    expect(lines).toContain("* blktap3");
    expect(lines[lines.indexOf("* blktap3") + 1]).toBe("  owner: George Dunlap, ijc, <b>Bold</b> @room");
  });
});
