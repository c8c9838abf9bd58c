import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixConfigSchema } from "../../../adapters/matrix/config.js";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { qualify } from "../../../src/ids.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { startContractApp, type ContractApp } from "../../support/chat-adapter-contract.js";
import { FakeMatrixClient } from "../../support/fake-matrix-client.js";
import { tempDir } from "../../support/temp.js";

const BOT = "@stocktake:example.org";
const ADMIN = { id: "matrix:@admin:example.org", displayName: "Ada" };
const admin = "@admin:example.org";
const members = [{ userId: admin, displayName: "Ada", powerLevel: 100 }];

/**
 * A portal room is bridged before any IRC user has spoken or even joined: the bridge's own bot is
 * a member, or the room has an alias of the bridge's form. The real adapter, on a fake client.
 */
describe("a room bridged to IRC, seen before any IRC user is in it", () => {
  const client = new FakeMatrixClient(BOT, "Stocktake");
  const state = tempDir("stocktake-matrix-bridge-");
  const matrix = MatrixConfigSchema.parse({ homeserverUrl: "http://matrix.invalid", accessToken: "unused" });
  const adapter = new MatrixAdapter({ matrix, core: { prefix: "!", botName: "stocktake", admins: [ADMIN.id], projects: {} }, storageFile: join(state.dir, "matrix.json"), logger: silentLogger, connect: () => client.connection() });
  let app: ContractApp;

  client.addRoom("!bot:example.org", [...members, { userId: "@oftc-irc:matrix.org" }]);
  client.addRoom("!alias:example.org", members, [{ type: "m.room.canonical_alias", state_key: "", content: { alias: "#xen:example.org", alt_aliases: ["#_oftc_#xen-devel:matrix.org"] } }]);
  client.addRoom("!plain:example.org", [...members, { userId: "@bob-irc-fan:example.org" }]);

  beforeAll(async () => {
    app = await startContractApp({ adapter, admin: ADMIN, conversation: qualify("matrix", "!plain:example.org"), commands: CORE_COMMANDS });
  });
  afterAll(async () => {
    await app?.stop();
    state.cleanup();
  });

  async function ask(roomId: string, text: string): Promise<string> {
    const answer = client.nextSent((event) => event.roomId === roomId);
    client.post(roomId, admin, text);
    return String((await answer).content["body"]);
  }

  it("by the bridge's bot among the members: the first !stock is plain lines, and !room says why", async () => {
    expect(await adapter.bridged("!bot:example.org")).toBe(true);
    const room = await ask("!bot:example.org", "!room");
    expect(room).toContain("Bridged to IRC: detected automatically: yes, the IRC bridge's bot @oftc-irc:matrix.org is a member");
    const answer = client.nextSent((event) => event.roomId === "!bot:example.org");
    client.post("!bot:example.org", admin, "!help");
    const help = await answer;
    expect(help.content["formatted_body"]).toBeUndefined();
    expect(String(help.content["body"])).toMatch(/^Commands: !stock, /);
  });

  it("by a room alias of the bridge's form, canonical or alternative", async () => {
    expect(await adapter.bridged("!alias:example.org")).toBe(true);
    expect(await ask("!alias:example.org", "!room")).toContain("yes, the room alias #_oftc_#xen-devel:matrix.org is an IRC bridge's");
  });

  it("not in a room with neither, and says that nothing was seen; an alias added later counts", async () => {
    expect(await adapter.bridged("!plain:example.org")).toBe(false);
    expect(await ask("!plain:example.org", "!room")).toContain("Bridged to IRC: detected automatically: no bridge seen");
    client.emit("room.event", "!plain:example.org", { type: "m.room.canonical_alias", state_key: "", sender: admin, event_id: "$alias", content: { alias: "#irc_#xen:example.org" } });
    expect(await ask("!plain:example.org", "!room")).toContain("yes, the room alias #irc_#xen:example.org is an IRC bridge's");
  });
});
