import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LATEST_SCHEMA, migrateSchema, SchemaVersionError } from "../../../../adapters/store/postgres/migrations.js";
import type { PostgresStore } from "../../../../adapters/store/postgres/postgres-store.js";
import { defaultCoreConfig } from "../../../../src/config/core-config.js";
import { Announcer } from "../../../../src/announce/announcer.js";
import { Scheduler } from "../../../../src/schedule/scheduler.js";
import { Stocktake } from "../../../../src/stocktake.js";
import { silentLogger } from "../../../../src/util/silent-logger.js";
import { ok } from "../../../../src/util/result.js";
import { makeFeature } from "../../../support/plan.js";
import { connect, databaseUrl, draft, features, freshSchema, increment, openStore, setup, xen } from "./support.js";

const CHILD = fileURLToPath(new URL("./writer-child.ts", import.meta.url));
const AT = "2013-01-23T12:00:00.000Z";


describe.skipIf(!databaseUrl)("PostgreSQL store shared by several processes", () => {
  const url = databaseUrl!;
  let schema: string;
  let drop: () => Promise<void>;
  const opened: PostgresStore[] = [];
  const open = async (options: Parameters<typeof openStore>[2] = {}) => {
    const store = await openStore(url, schema, options);
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    ({ schema, drop } = await freshSchema(url));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await drop();
  });

  it("brings a database up from the first schema version, once, and refuses one from a newer Stocktake", async () => {
    const client = await connect(url, schema);
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      expect(await migrateSchema(client, 1)).toEqual([1]);
      // A plan written under version 1, before messages were deduplicated by the database.
      const event = { entity: "project", project: "xen", before: null, after: xen, seq: 1, txn: 1, at: AT, by: "t", command: "setup", origin: "test:m1" };
      await client.query("INSERT INTO events (seq, txn, at, origin, event) VALUES (1, 1, $1, 'test:m1', $2)", [AT, JSON.stringify(event)]);
      await client.query("UPDATE plan SET seq = 1");

      const store = await open();
      expect(store.read().projects["xen"]?.name).toBe("Xen");
      expect(store.hasOrigin("test:m1")).toBe(true);
      const versions = await client.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(versions.rows.map((row) => row.version)).toEqual([1, 2, 3, 4]);
      expect(LATEST_SCHEMA).toBe(4);
      expect(await migrateSchema(client)).toEqual([]);

      await client.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
      await expect(open()).rejects.toThrow(SchemaVersionError);
    } finally {
      await client.end();
    }
  });

  it("shows each store's changes in the other, at once after an update and within a second otherwise", async () => {
    const a = await open();
    const b = await open();
    await a.update({ by: "a", command: "setup" }, draft(...setup));
    await vi.waitFor(() => expect(features(b.read())["blktap3"]).toBeDefined(), { timeout: 1000, interval: 10 });

    // Without the notification connection, the next update still starts from the latest plan.
    const deaf = await open({ listen: false });
    await a.update({ by: "a", command: "s" }, draft({ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", op: "update", fields: { bucket: "done" } }));
    const result = await deaf.update({ by: "d", command: "x" }, (state) => ok({ changes: [], value: features(state)["blktap3"]!.bucket }));
    expect(result.ok && result.value.value).toBe("done");
    expect(deaf.read().seq).toBe(4);
    await deaf.update({ by: "d", command: "add" }, draft({ entity: "feature", project: "xen", release: "4.3", feature: "vtpm", op: "create", value: makeFeature("vtpm", { order: 2 }) }));
    expect(deaf.read().seq).toBe(5);
    await vi.waitFor(
      () => {
        expect(a.read()).toEqual(deaf.read());
        expect(b.read()).toEqual(deaf.read());
      },
      { timeout: 1000, interval: 10 },
    );
  });

  it("refuses a person's change to what another process changed after the plan they saw, and says who did", async () => {
    const admin = { id: "test:admin", displayName: "admin" };
    const alice = { id: "test:alice", displayName: "alice" };
    const bots = async () => {
      // Deaf stores: neither hears the other's commits until its own next change looks.
      const [a, b] = [await open({ listen: false }), await open({ listen: false })];
      const botOn = (store: PostgresStore) => new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id, alice.id], defaultProject: "xen" }) });
      return { a, b, botA: botOn(a), botB: botOn(b) };
    };
    const setupStore = await open();
    await setupStore.update({ by: "setup", command: "setup" }, draft(...setup));
    const { a, b, botA, botB } = await bots();
    const say = (bot: Stocktake, text: string, who = admin) => bot.handle({ text, invoker: who, conversation: "test:room" });

    expect((await say(botA, "!status blktap3 at-risk", alice))?.tone).toBe("ok");
    // b's person saw blktap3 fair: their change would silently overwrite alice's.
    const refused = await say(botB, "!status blktap3 done");
    expect(refused?.tone).toBe("error");
    expect(JSON.stringify(refused)).toContain("was just changed by");
    expect(JSON.stringify(refused)).toContain('{"person":{"ids":["test:alice"]}}');
    expect(JSON.stringify(refused)).toContain("!status blktap3 at-risk");
    // Refused, not lost: b now has alice's change, and the same command again is applied on it.
    expect(features(b.read())["blktap3"]!.bucket).toBe("at-risk");
    const again = await say(botB, "!status blktap3 done");
    expect(again?.tone).toBe("ok");
    expect(JSON.stringify(again)).toMatch(/at risk → (finished|done)/i);

    // Another field of the same feature is no conflict: a's note and b's status both stand.
    expect((await say(botA, "!note blktap3: needs review", alice))?.tone).toBe("ok");
    expect((await say(botB, "!status blktap3 on-track"))?.tone).toBe("ok");
    const check = await a.update({ by: "x", command: "read" }, (state) => ok({ changes: [], value: features(state)["blktap3"] }));
    expect(check.ok && check.value.value).toMatchObject({ bucket: "on-track", note: "needs review" });

    // Two at once from two processes: one is applied, the other told; never both, never lost.
    const [one, two] = await Promise.all([say(botA, "!status blktap3 at-risk"), say(botB, "!status blktap3 fair")]);
    expect([one?.tone, two?.tone].sort()).toEqual(["error", "ok"]);
    const history = await a.history({ feature: "blktap3", limit: 100 });
    expect(history.filter((event) => event.before?.["bucket"] !== undefined).map((event) => event.after?.["bucket"])).toEqual([one?.tone === "ok" ? "at-risk" : "fair", "on-track", "done", "at-risk"]);
  });

  it("tells listeners of other processes' changes, as it folds them in, and not of its own", async () => {
    const a = await open();
    const b = await open();
    const heardByA: number[] = [];
    const heardByB: number[] = [];
    a.onForeignChange((events) => heardByA.push(...events.map((event) => event.seq)));
    b.onForeignChange((events) => heardByB.push(...events.map((event) => event.seq)));
    await a.update({ by: "a", command: "setup" }, draft(...setup));
    await vi.waitFor(() => expect(heardByB).toEqual([1, 2, 3]), { timeout: 1000, interval: 10 });
    await b.update({ by: "b", command: "bump" }, increment);
    await vi.waitFor(() => expect(heardByA).toEqual([4]), { timeout: 1000, interval: 10 });
    expect(heardByB).toEqual([1, 2, 3]);
  });

  it("serialises concurrent changes to one feature from two stores, so that none is lost", async () => {
    const a = await open();
    const b = await open({ listen: false });
    await a.update({ by: "a", command: "setup" }, draft(...setup));
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).update({ by: "x", command: `bump ${i}` }, increment)));
    const check = await b.update({ by: "x", command: "read" }, (state) => ok({ changes: [], value: features(state)["blktap3"]!.order }));
    expect(check.ok && check.value.value).toBe(41);
    const client = await connect(url, schema);
    try {
      const rows = await client.query<{ count: string; max: string }>("SELECT count(*), max(seq) FROM events");
      expect(rows.rows[0]).toEqual({ count: "43", max: "43" });
    } finally {
      await client.end();
    }
  });

  it("refuses a chat message applied twice by a unique constraint, in another store too", async () => {
    const a = await open();
    const b = await open({ listen: false });
    await a.update({ by: "a", command: "setup" }, draft(...setup));
    const first = await a.update({ by: "a", command: "bump", origin: "matrix:$m1" }, increment);
    expect(first.ok).toBe(true);
    // b has not heard of it: the database refuses it, and b keeps nothing of the attempt.
    expect(b.hasOrigin("matrix:$m1")).toBe(false);
    const again = await b.update({ by: "a", command: "bump", origin: "matrix:$m1" }, increment);
    expect(again).toEqual({ ok: false, error: { code: "conflict", message: "That was done already." } });
    expect(features(b.read())["blktap3"]!.order).toBe(2);
    expect(b.hasOrigin("matrix:$m1")).toBe(true);
    expect(b.read().seq).toBe(4);

    const client = await connect(url, schema);
    try {
      expect((await client.query("SELECT seq FROM events WHERE origin = 'matrix:$m1'")).rows).toEqual([{ seq: "4" }]);
      // The constraint itself, below the store.
      await expect(client.query("INSERT INTO events (seq, txn, at, origin, event) VALUES (99, 99, now(), 'matrix:$m1', '{}')")).rejects.toMatchObject({
        code: "23505",
        constraint: "events_origin_once",
      });
    } finally {
      await client.end();
    }
    // The next change carries on from where both stores agree.
    const next = await b.update({ by: "b", command: "bump" }, increment);
    expect(next.ok && next.value.events[0]?.seq).toBe(5);
  });

  it("stores snapshots in the plan row, and opens from one with the events after it", async () => {
    const a = await open({ snapshotEvery: 3 });
    await a.update({ by: "a", command: "setup" }, draft(...setup));
    for (let i = 0; i < 4; i++) await a.update({ by: "a", command: "bump" }, increment);
    const client = await connect(url, schema);
    try {
      expect((await client.query("SELECT seq, snapshot_seq FROM plan")).rows).toEqual([{ seq: "7", snapshot_seq: "6" }]);
    } finally {
      await client.end();
    }
    const reopened = await open();
    expect(reopened.read()).toEqual(a.read());
  });

  it.each([
    ["neither has heard of the other (no notifications)", false],
    ["each writes without the lock while it has heard of everything (notifications)", true],
  ])("posts a scheduled summary once when two schedulers on two stores wake for it together: %s", async (_, listen) => {
    const config = defaultCoreConfig({ schedule: { subscriptions: { "test:room": { cadence: "weekly", day: "wed", time: "09:00", zone: "UTC" } } }, defaultProject: "xen" });
    const schedulerOn = (store: PostgresStore, now: string, posts: string[]) =>
      new Scheduler({
        store,
        config,
        clock: { now: () => new Date(now) },
        timer: { at: () => ({ cancel: () => undefined }) },
        logger: silentLogger,
        send: async (conversation) => void posts.push(conversation),
      });
    const setupStore = await open();
    await setupStore.update({ by: "a", command: "setup" }, draft(...setup));
    // Wednesday 08:00: the room is seen subscribed; nothing was missed before that.
    await schedulerOn(setupStore, "2013-01-23T08:00:00Z", []).start();

    // 09:00:30: both wake for the 09:00 summary.
    const posts: string[] = [];
    const [a, b] = [await open({ listen }), await open({ listen })];
    await Promise.all([schedulerOn(a, "2013-01-23T09:00:30Z", posts).start(), schedulerOn(b, "2013-01-23T09:00:30Z", posts).start()]);
    expect(posts).toEqual(["test:room"]);
  });

  it("announces each change once to a target two processes share, and by the one with the target when only one has it", async () => {
    const admin = { id: "test:admin", displayName: "admin" };
    const posts: { by: string; conversation: string; text: string }[] = [];
    /** One process as src/app.ts wires it: its own changes and the others', and the store's claim. */
    const process = async (name: string, targets: string[]) => {
      const store = await open();
      const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id], defaultProject: "xen" }) });
      const announcer = new Announcer({
        targets: () => targets.map((conversation) => ({ project: "xen", conversation })),
        batchMs: 30,
        read: () => store.read(),
        post: async (conversation, reply) => void posts.push({ by: name, conversation, text: JSON.stringify(reply.blocks) }),
        logger: silentLogger,
        claim: (keys) => store.claimOnce(keys),
      });
      bot.onChange((events) => announcer.receive(events));
      store.onForeignChange((events) => announcer.receive(events));
      return { store, announcer, say: (text: string) => bot.handle({ text, invoker: admin, conversation: "test:room" }) };
    };
    const a = await process("a", ["test:news"]);
    const b = await process("b", ["test:news", "test:b-only"]);
    await a.store.update({ by: "a", command: "setup" }, draft(...setup));
    await vi.waitFor(() => expect(features(b.store.read())["blktap3"]).toBeDefined(), { timeout: 1000, interval: 10 });
    await Promise.all([a.announcer.flush(), b.announcer.flush()]);
    posts.length = 0;

    const statuses = ["at-risk", "done", "on-track", "at-risk", "fair", "done"];
    for (const [i, bucket] of statuses.entries()) {
      expect((await (i % 2 === 0 ? a : b).say(`!status blktap3 ${bucket}`))?.tone).toBe("ok");
      // Each person sees the other's change before making theirs (else theirs is refused: changed since).
      await vi.waitFor(() => expect(b.store.read().seq).toBe(a.store.read().seq), { timeout: 1000, interval: 5 });
    }
    await Promise.all([a.announcer.flush(), b.announcer.flush()]);

    // Each of the six changes reaches each target exactly once, whichever process posted it.
    const mentions = (conversation: string) => posts.filter((post) => post.conversation === conversation).flatMap((post) => post.text.match(/→ [A-Za-z ]+/g) ?? []);
    expect(mentions("test:news")).toHaveLength(6);
    expect(mentions("test:b-only")).toHaveLength(6);
    // Only b has test:b-only: it posted a's changes there too.
    expect(posts.filter((post) => post.conversation === "test:b-only").every((post) => post.by === "b")).toBe(true);
    const client = await connect(url, schema);
    try {
      // One claim per change per target, beside the setup's.
      const claims = await client.query<{ count: string }>("SELECT count(*) FROM claims WHERE (key::jsonb ->> 2)::int > 3");
      expect(claims.rows[0]?.count).toBe("12");
    } finally {
      await client.end();
    }
  });

  it("lets a child process and this one add features through the core at once, each seeing the other's", async () => {
    const admin = { id: "test:admin", displayName: "admin" };
    const store = await open();
    const bot = new Stocktake({ store, config: defaultCoreConfig({ admins: [admin.id], defaultProject: "xen" }) });
    const say = (text: string) => bot.handle({ text, invoker: admin, conversation: "test:room" });
    expect((await say("!project new xen"))?.tone).toBe("ok");
    expect((await say("!release new 4.3"))?.tone).toBe("ok");

    const child = spawn(process.execPath, ["--import", "tsx", CHILD, url, schema, "c", "20"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await vi.waitFor(() => expect(out).toContain("READY"), { timeout: 15_000, interval: 20 });
    for (let n = 0; n < 20; n++) expect((await say(`!add p${n}`))?.tone).toBe("ok");
    expect(await exited, err).toBe(0);
    expect(out).toContain("DONE");

    await vi.waitFor(() => expect(Object.keys(features(store.read()))).toHaveLength(40), { timeout: 1000, interval: 10 });
    const orders = Object.values(features(store.read())).map((feature) => feature.order);
    // `!add` numbers a feature after the highest so far: a lost update would repeat a number.
    expect(new Set(orders).size).toBe(40);
    expect(Math.max(...orders)).toBe(40);
  }, 60_000);
});
