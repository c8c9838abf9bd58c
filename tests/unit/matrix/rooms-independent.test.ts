import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { MatrixConfigSchema } from "../../../adapters/matrix/config.js";
import { MatrixAdapter } from "../../../adapters/matrix/matrix-adapter.js";
import type { MatrixStateFile } from "../../../adapters/matrix/state-file.js";
import { defineCommand } from "../../../src/commands/spec.js";
import { CORE_COMMANDS } from "../../../src/commands/index.js";
import { qualify } from "../../../src/ids.js";
import { textReply } from "../../../src/reply/reply.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { CONTRACT_COMMANDS, PONG, startContractApp, type ContractApp } from "../../support/chat-adapter-contract.js";
import { FakeMatrixClient } from "../../support/fake-matrix-client.js";
import { tempDir } from "../../support/temp.js";

const BOT = "@stocktake:example.org";
const ADA = "@ada:example.org";
const ROOM_A = "!a:example.org";
const ROOM_B = "!b:example.org";
const SLOW_DONE = "slow command done";

/**
 * Two rooms of one project, on a fake client whose posts go through a sync loop, and a command that
 * answers only once the test lets it. Each test starts its own, so no test depends on another's
 * sync positions or gate.
 */
async function twoRooms(temp: { dir: string }) {
  const client = new FakeMatrixClient(BOT, "Stocktake");
  const path = join(temp.dir, `matrix-${Math.random().toString(36).slice(2)}.json`);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const holding = new Promise<void>((resolve) => (reached = resolve));
  let state!: MatrixStateFile;
  const slow = defineCommand({
    path: ["test-slow"],
    summary: "Answers once the test lets it.",
    args: z.object({}),
    permission: "read",
    run: async () => {
      reached();
      await gate;
      return textReply(SLOW_DONE, "info");
    },
  });
  for (const room of [ROOM_A, ROOM_B]) client.addRoom(room, [{ userId: ADA, displayName: "Ada", powerLevel: 100 }]);
  const matrix = MatrixConfigSchema.parse({ homeserverUrl: "http://matrix.invalid", accessToken: "unused" });
  const core = { prefix: "!", botName: "stocktake", admins: [qualify("matrix", ADA)], projects: {} };
  const adapter = new MatrixAdapter({
    matrix,
    core,
    storageFile: path,
    logger: silentLogger,
    connect: (opened) => {
      state = opened;
      return client.connection(opened);
    },
  });
  const app: ContractApp = await startContractApp({
    adapter,
    admin: { id: qualify("matrix", ADA), displayName: "Ada" },
    conversation: qualify("matrix", ROOM_A),
    commands: [...CORE_COMMANDS, ...CONTRACT_COMMANDS, slow],
    config: { projects: { xen: { rooms: [qualify("matrix", ROOM_A), qualify("matrix", ROOM_B)] } } },
  });
  const saved = () => JSON.parse(readFileSync(path, "utf8")) as { syncToken: string | null; handled: string[] };
  return { client, state, app, release, holding, saved };
}

/** Issue 13, item 3: a slow command in one room holds up neither the sync nor another room. */
describe("Matrix rooms are independent of each other", () => {
  const temp = tempDir("stocktake-matrix-rooms-");
  const running: Awaited<ReturnType<typeof twoRooms>>[] = [];
  const start = async () => {
    const rooms = await twoRooms(temp);
    running.push(rooms);
    return rooms;
  };

  afterEach(async () => {
    for (const rooms of running.splice(0)) {
      rooms.release();
      await rooms.app.stop();
    }
  });
  afterAll(() => temp.cleanup());

  it("answers room B while room A's command is still running, and saves no sync position past A's command until it is done", async () => {
    const { client, state, release, saved } = await start();
    const pongB = client.nextSent((event) => event.roomId === ROOM_B && event.content["body"] === PONG);
    const slowA = client.nextSent((event) => event.roomId === ROOM_A && event.content["body"] === SLOW_DONE);
    const slowId = client.post(ROOM_A, ADA, "!test-slow");
    const pingId = client.post(ROOM_B, ADA, "!contract-ping");

    // B's reply came while A's command waits: nothing from A has been sent yet.
    await pongB;
    expect(client.sent.filter((event) => event.roomId === ROOM_A)).toEqual([]);
    // A write queued behind any premature token save shows what a crash now would leave on disk:
    // no sync position past A's unhandled command, so a restart delivers it again.
    await state.storeValue("probe", "1");
    expect(saved().syncToken).toBeNull();

    release();
    await slowA;
    await state.tokensSaved();
    const after = saved();
    expect(after.syncToken).toBe("s2");
    expect(after.handled).toEqual(expect.arrayContaining([slowId, pingId]));
  });

  it("keeps a room's own commands in order: a ping behind a slow command waits for it", async () => {
    const { client, release, holding } = await start();
    const slowA = client.nextSent((event) => event.roomId === ROOM_A && event.content["body"] === SLOW_DONE);
    const pong = client.nextSent((event) => event.roomId === ROOM_A && event.content["body"] === PONG);
    client.post(ROOM_A, ADA, "!test-slow");
    client.post(ROOM_A, ADA, "!contract-ping");
    // The ping arrives while the slow command is held, then the slow command is let go.
    await holding;
    release();
    await Promise.all([slowA, pong]);
    const bodies = client.sent.filter((event) => event.roomId === ROOM_A && event.type === "m.room.message").map((event) => event.content["body"]);
    expect(bodies).toEqual([SLOW_DONE, PONG]);
  });
});

describe("stopping with commands still queued", () => {
  it("keeps the sync position before the commands it skipped, so the next start answers them", async () => {
    const client = new FakeMatrixClient(BOT, "Stocktake");
    const temp = tempDir("stocktake-matrix-stop-");
    const path = join(temp.dir, "matrix.json");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const running = new Promise<void>((resolve) => (reached = resolve));
    const slow = defineCommand({
      path: ["test-slow"],
      summary: "Answers once the test lets it.",
      args: z.object({}),
      permission: "read",
      run: async () => {
        reached();
        await gate;
        return textReply(SLOW_DONE, "info");
      },
    });
    client.addRoom(ROOM_A, [{ userId: ADA, displayName: "Ada", powerLevel: 100 }]);
    const adapter = new MatrixAdapter({
      matrix: MatrixConfigSchema.parse({ homeserverUrl: "http://matrix.invalid", accessToken: "unused" }),
      core: { prefix: "!", botName: "stocktake", admins: [qualify("matrix", ADA)], projects: {} },
      storageFile: path,
      logger: silentLogger,
      connect: (opened) => client.connection(opened),
    });
    const app = await startContractApp({
      adapter,
      admin: { id: qualify("matrix", ADA), displayName: "Ada" },
      conversation: qualify("matrix", ROOM_A),
      commands: [...CORE_COMMANDS, ...CONTRACT_COMMANDS, slow],
    });
    try {
      const slowId = client.post(ROOM_A, ADA, "!test-slow");
      const queuedId = client.post(ROOM_A, ADA, "!contract-ping");
      await running;
      const stopping = app.stop();
      release();
      await stopping;
      const saved = JSON.parse(readFileSync(path, "utf8")) as { syncToken: string | null; handled: string[] };
      // The ping queued behind the slow command was skipped at stop: no position past it is saved,
      // and it is not remembered as handled, so the next start gets it again and answers it.
      expect(saved.handled).toContain(slowId);
      expect(saved.handled).not.toContain(queuedId);
      expect(saved.syncToken).toBeNull();
    } finally {
      release();
      temp.cleanup();
    }
  });
});
