import { createHmac } from "node:crypto";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PostgresStore } from "../../../../adapters/store/postgres/postgres-store.js";
import type { PlanEvent, PlanState } from "../../../../src/model/schema.js";
import type { ChangeRequest } from "../../../../src/plan/reducer.js";
import type { Draft } from "../../../../src/ports.js";
import { StoreUnavailableError } from "../../../../src/store/unavailable.js";
import { ok, type Result } from "../../../../src/util/result.js";
import { makeFeature } from "../../../support/plan.js";
import { connect, databaseUrl, draft, features, freshSchema, increment, openStore, setup } from "./support.js";

const AT = "2013-01-23T12:00:00.000Z";

/** Another writer's `!note` on blktap3, as the event a store would write at `seq`. */
function noteEvent(seq: number, note: string): PlanEvent {
  return {
    entity: "feature",
    project: "xen",
    release: "4.3",
    feature: "blktap3",
    before: { note: null },
    after: { note },
    seq,
    txn: seq,
    at: AT,
    by: "test:other",
    command: `!note blktap3: ${note}`,
  } as PlanEvent;
}

describe.skipIf(!databaseUrl)("PostgreSQL store: what notifications carry, and writing without the lock", () => {
  const url = databaseUrl!;
  let schema: string;
  let drop: () => Promise<void>;
  let client: pg.Client;
  const opened: PostgresStore[] = [];
  const open = async (options: Parameters<typeof openStore>[2] = {}) => {
    const store = await openStore(url, schema, options);
    opened.push(store);
    return store;
  };
  const channel = () => `stocktake_events_${schema}`;
  /** A payload carrying events as a Stocktake signs it, with the plan row's key. */
  const signed = async (seq: number, events: PlanEvent[]) => {
    const key = (await client.query<{ notify_key: string }>("SELECT notify_key FROM plan")).rows[0]!.notify_key;
    const body = JSON.stringify({ seq, events });
    return createHmac("sha256", key).update(body).digest("hex") + body;
  };
  /** Writes events as another process would, but tells nobody (no notification). */
  const writeUnheard = async (...events: PlanEvent[]) => {
    await client.query("BEGIN");
    for (const event of events) await client.query("INSERT INTO events (seq, txn, at, origin, event) VALUES ($1, $2, $3, NULL, $4)", [event.seq, event.txn, event.at, JSON.stringify(event)]);
    await client.query("UPDATE plan SET seq = $1", [events[events.length - 1]!.seq]);
    await client.query("COMMIT");
  };

  beforeEach(async () => {
    ({ schema, drop } = await freshSchema(url));
    const first = await open();
    await first.update({ by: "a", command: "setup" }, draft(...setup));
    client = await connect(url, schema);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await client.end();
    await drop();
  });

  it("applies the events a notification carries without reading them from the table", async () => {
    const store = await open();
    expect(store.read().seq).toBe(3);
    // An event that is in no table: the store can only have it from the payload.
    const event = noteEvent(4, "from the payload");
    await client.query("SELECT pg_notify($1, $2)", [channel(), await signed(4, [event])]);
    await vi.waitFor(() => expect(features(store.read())["blktap3"]!.note).toBe("from the payload"), { timeout: 2000, interval: 10 });
    expect(store.read().seq).toBe(4);
  });

  it("ignores events in a notification not signed with the plan's key, and reads the table instead", async () => {
    const store = await open();
    await writeUnheard(noteEvent(4, "in the table"));
    // Anyone who can connect can notify: unsigned (or signed with another key), its events are not believed.
    const body = JSON.stringify({ seq: 4, events: [noteEvent(4, "forged")] });
    await client.query("SELECT pg_notify($1, $2)", [channel(), body]);
    await client.query("SELECT pg_notify($1, $2)", [channel(), createHmac("sha256", "guessed").update(body).digest("hex") + body]);
    await vi.waitFor(() => expect(store.read().seq).toBe(4), { timeout: 2000, interval: 10 });
    expect(features(store.read())["blktap3"]!.note).toBe("in the table");
  });

  it("carries a commit's events in its notification, and only its seq when they would not fit", async () => {
    const writer = await open();
    const reader = await open();
    await client.query(`LISTEN ${channel()}`);
    const payloads: string[] = [];
    client.on("notification", (message) => payloads.push(message.payload ?? ""));

    await writer.update({ by: "w", command: "bump" }, increment);
    await vi.waitFor(() => expect(payloads).toHaveLength(1), { timeout: 2000, interval: 10 });
    const small = JSON.parse(payloads[0]!.slice(64)) as { seq: number; events?: PlanEvent[] };
    expect(small.seq).toBe(4);
    expect(small.events?.map((event) => event.seq)).toEqual([4]);

    // Forty features with long titles in one change: well over PostgreSQL's 8000-byte payload.
    const many = Array.from({ length: 40 }, (_, i): ChangeRequest => ({
      entity: "feature",
      project: "xen",
      release: "4.3",
      feature: `big${i}`,
      op: "create",
      value: makeFeature(`big${i}`, { title: `A feature with a long title, number ${i}, ${"é".repeat(150)}`, order: i + 2 }),
    }));
    const written = await writer.update({ by: "w", command: "import" }, draft(...many));
    expect(written.ok).toBe(true);
    await vi.waitFor(() => expect(payloads).toHaveLength(2), { timeout: 2000, interval: 10 });
    expect(JSON.parse(payloads[1]!)).toEqual({ seq: 44 });
    // The other store read them from the table instead.
    await vi.waitFor(() => expect(Object.keys(features(reader.read()))).toHaveLength(41), { timeout: 2000, interval: 10 });
    expect(reader.read()).toEqual(writer.read());
  });

  it("reads the table when a notification's events follow a gap in what it has heard", async () => {
    const store = await open();
    await writeUnheard(noteEvent(4, "first"), noteEvent(5, "second"));
    // Carries 5 only: 4 was never announced to this store.
    await client.query("SELECT pg_notify($1, $2)", [channel(), await signed(5, [noteEvent(5, "second")])]);
    await vi.waitFor(() => expect(store.read().seq).toBe(5), { timeout: 2000, interval: 10 });
    expect(features(store.read())["blktap3"]!.note).toBe("second");
    const history = await store.history({ feature: "blktap3", limit: 10 });
    expect(history.map((event) => event.seq).slice(0, 2)).toEqual([5, 4]);
  });

  it("makes a change again on the latest plan when the plan moved on unheard, and writes it after", async () => {
    const store = await open();
    await writeUnheard(noteEvent(4, "unheard"));
    expect(store.read().seq).toBe(3);
    const result = await store.update({ by: "s", command: "bump" }, increment);
    expect(result.ok && result.value.events.map((event) => event.seq)).toEqual([5]);
    expect(features(store.read())["blktap3"]).toMatchObject({ note: "unheard", order: 2 });
    const rows = await client.query<{ count: string; max: string }>("SELECT count(*), max(seq) FROM events");
    expect(rows.rows[0]).toEqual({ count: "5", max: "5" });
    expect((await client.query<{ seq: string }>("SELECT seq FROM plan")).rows[0]?.seq).toBe("5");
  });

  it("waits for a writer holding the plan row, then writes after what it wrote", async () => {
    const store = await open();
    await client.query("BEGIN");
    await client.query("SELECT seq FROM plan FOR UPDATE");
    const pending = store.update({ by: "s", command: "bump" }, increment);
    await vi.waitFor(
      async () => {
        const waiting = await client.query<{ count: string }>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        expect(waiting.rows[0]?.count).toBe("1");
      },
      { timeout: 5000, interval: 20 },
    );
    // The holder writes 4 and commits; the waiting change goes after it, on a plan that has it.
    const event = noteEvent(4, "held");
    await client.query("INSERT INTO events (seq, txn, at, origin, event) VALUES (4, 4, $1, NULL, $2)", [AT, JSON.stringify(event)]);
    await client.query("UPDATE plan SET seq = 4");
    await client.query("COMMIT");
    const result = await pending;
    expect(result.ok && result.value.events.map((written) => written.seq)).toEqual([5]);
    expect(features(store.read())["blktap3"]).toMatchObject({ note: "held", order: 2 });
  });

  it("writes bookkeeping that skips the disk's sync, with the lock or without it", async () => {
    const quiet = (state: Readonly<PlanState>): Result<Draft<undefined>> => {
      const drafted = increment(state);
      return drafted.ok ? ok({ ...drafted.value, durable: false }) : drafted;
    };
    const store = await open();
    // Without the lock (nothing else writes), then under it (the plan moved on unheard).
    expect((await store.update({ by: "s", command: "quiet 1" }, quiet)).ok).toBe(true);
    await writeUnheard(noteEvent(5, "unheard"));
    expect((await store.update({ by: "s", command: "quiet 2" }, quiet)).ok).toBe(true);
    const rows = await client.query<{ seq: string; command: string }>("SELECT seq, event->>'command' AS command FROM events WHERE seq >= 4 ORDER BY seq");
    expect(rows.rows).toEqual([
      { seq: "4", command: "quiet 1" },
      { seq: "5", command: "!note blktap3: unheard" },
      { seq: "6", command: "quiet 2" },
    ]);
    expect(features(store.read())["blktap3"]!.order).toBe(3);
  });

  it.each([
    ["does not listen", false],
    ["listens", true],
  ])("lets go of the plan row when what it folds in under the lock cannot be applied (a store that %s)", async (_, listen) => {
    const store = await open({ listen });
    // Another writer's event this Stocktake cannot read, committed unheard.
    await client.query("INSERT INTO events (seq, txn, at, origin, event) VALUES (4, 4, $1, NULL, '{\"entity\": \"nonsense\"}')", [AT]);
    await client.query("UPDATE plan SET seq = 4");
    await expect(store.update({ by: "s", command: "bump" }, increment)).rejects.toThrow(/events row 4 is not a valid Stocktake event/);
    // Nothing holds the row: another writer takes it at once.
    await client.query("BEGIN");
    await expect(client.query("SELECT seq FROM plan FOR UPDATE NOWAIT")).resolves.toMatchObject({ rows: [{ seq: "4" }] });
    await client.query("ROLLBACK");
  });

  it.each([
    ["its notification connection", true],
    ["a pooled connection", false],
  ])("answers 'not saved' when %s ends while the change waits for the lock, and carries on", async (_, listen) => {
    const store = await open({ listen });
    await client.query("BEGIN");
    await client.query("SELECT seq FROM plan FOR UPDATE");
    const pending = store.update({ by: "s", command: "bump" }, increment);
    let pid: string | undefined;
    await vi.waitFor(
      async () => {
        const waiting = await client.query<{ pid: string }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        expect(waiting.rows).toHaveLength(1);
        pid = waiting.rows[0]!.pid;
      },
      { timeout: 5000, interval: 20 },
    );
    await client.query("SELECT pg_terminate_backend($1)", [pid]);
    const error = await pending.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).saved).toBe("no");
    await client.query("ROLLBACK");
    expect(store.read().seq).toBe(3);
    // The next change finds a connection (a pooled one while the notification connection reconnects).
    const next = await store.update({ by: "s", command: "bump" }, increment);
    expect(next.ok && next.value.events.map((event) => event.seq)).toEqual([4]);
  });
});
