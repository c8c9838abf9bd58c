import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../../adapters/store/lowdb-store.js";
import { defaultCoreConfig } from "../../../../src/config/core-config.js";
import { importIntoStore } from "../../../../src/mail/import-into.js";
import type { PlanEvent, PlanState } from "../../../../src/model/schema.js";
import type { PlanStore } from "../../../../src/ports.js";
import { Stocktake } from "../../../../src/stocktake.js";
import { FIXTURE } from "../../../support/fixture.js";
import { tempDir } from "../../../support/temp.js";
import { connect, databaseUrl, freshSchema, openStore } from "./support.js";

const BIN = fileURLToPath(new URL("../../../../bin/stocktake.js", import.meta.url));
const clock = { now: () => new Date("2013-01-23T12:00:00Z") };

function stocktake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STOCKTAKE_CONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const plain = (state: Readonly<PlanState>) => JSON.parse(JSON.stringify(state)) as PlanState;

async function allEvents(store: PlanStore): Promise<PlanEvent[]> {
  const events: PlanEvent[] = [];
  for await (const event of store.events()) events.push(event);
  return events;
}

/** The Xen 4.3 mail imported, then changed from chat: a name like __proto__, an undo, a message id. */
async function makePlan(file: string): Promise<{ state: PlanState; events: PlanEvent[] }> {
  const store = await LowdbStore.open(file, { clock });
  const imported = await importIntoStore(store, FIXTURE, { by: "cli:import", project: "xen", release: "4.3" }, clock);
  expect(imported.ok).toBe(true);
  const admin = { id: "test:admin", displayName: "admin" };
  const bot = new Stocktake({ store, clock, config: defaultCoreConfig({ admins: [admin.id], defaultProject: "xen" }) });
  const say = (text: string, id?: string) => bot.handle({ text, invoker: admin, conversation: "test:room", ...(id ? { id } : {}) });
  expect((await say("!status blktap3 fair", "test:$m1"))?.tone).toBe("ok");
  expect((await say("!add __proto__ --bucket at-risk --owner toString"))?.tone).toBe("ok");
  expect((await say("!note __proto__: a name like any other"))?.tone).toBe("ok");
  expect((await say("!undo"))?.tone).toBe("ok");
  const result = { state: plain(store.read()), events: await allEvents(store) };
  await store.close();
  return result;
}

describe.skipIf(!databaseUrl)("stocktake migrate between a data file and PostgreSQL", () => {
  const url = databaseUrl!;
  const temp = tempDir();
  afterAll(() => temp.cleanup());
  let schema: string;
  let drop: () => Promise<void>;
  let n = 0;
  const fileName = () => join(temp.dir, `plan-${++n}.json`);

  beforeEach(async () => {
    ({ schema, drop } = await freshSchema(url));
  });
  afterEach(async () => {
    await drop();
  });

  it("copies the plan and every event into an empty database and back, and both open to the same plan", async () => {
    const source = fileName();
    const original = await makePlan(source);
    expect(original.events.length).toBeGreaterThan(40);

    const there = await stocktake(["migrate", "--from", source, "--to", url, "--schema", schema]);
    expect(there.stderr).toBe("");
    expect(there.code).toBe(0);
    expect(there.stdout).toContain(`Copied ${original.events.length} events`);
    const password = new URL(url).password;
    if (password) expect(there.stdout).not.toContain(password);

    const db = await openStore(url, schema, { listen: false });
    try {
      expect(plain(db.read())).toEqual(original.state);
      expect(await allEvents(db)).toEqual(original.events);
      // The message id came along: the database still refuses it a second time.
      expect(db.hasOrigin("test:$m1")).toBe(true);
      const history = await db.history({ feature: "blktap3", limit: 10 });
      expect(history[0]).toMatchObject({ by: "test:admin", command: "!status blktap3 fair", at: "2013-01-23T12:00:00.000Z" });
    } finally {
      await db.close();
    }

    const back = fileName();
    const returned = await stocktake(["migrate", "--from", url, "--schema", schema, "--to", back]);
    expect(returned.stderr).toBe("");
    expect(returned.code).toBe(0);
    const file = await LowdbStore.open(back);
    try {
      expect(plain(file.read())).toEqual(original.state);
      expect(await allEvents(file)).toEqual(original.events);
    } finally {
      await file.close();
    }
    // JSONB keeps no key order, so the lines are the same events, not the same bytes.
    const lines = (path: string) => readFileSync(LowdbStore.historyPathFor(path), "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(lines(back)).toEqual(lines(source));
  }, 60_000);

  it("refuses a target that holds a plan unless --force, in one line, and leaves it as it was", async () => {
    const first = fileName();
    const second = fileName();
    const a = await makePlan(first);
    expect((await stocktake(["migrate", "--from", first, "--to", url, "--schema", schema])).code).toBe(0);

    // A different plan: one more change.
    const store = await LowdbStore.open(second, { clock });
    await store.update({ by: "t", command: "x" }, () => ({ ok: true, value: { changes: [{ entity: "project", project: "kvm", op: "create", value: { id: "kvm", name: "KVM", currentRelease: null, lastStockAt: null, createdAt: "2013-01-23T12:00:00.000Z", createdBy: "t" } }], value: undefined } }));
    await store.close();

    const refused = await stocktake(["migrate", "--from", second, "--to", url, "--schema", schema]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^stocktake migrate: postgres:\/\/.* already holds a plan; add --force to replace it\n$/);
    const db = await openStore(url, schema, { listen: false });
    expect(plain(db.read())).toEqual(a.state);
    await db.close();

    const forced = await stocktake(["migrate", "--from", second, "--to", url, "--schema", schema, "--force"]);
    expect(forced.stderr).toBe("");
    expect(forced.stdout).toContain("Copied 1 events (0 features)");
    expect(forced.stdout).toContain("replacing the plan it held");
    const replaced = await openStore(url, schema, { listen: false });
    try {
      expect(Object.keys(replaced.read().projects)).toEqual(["kvm"]);
      expect(await allEvents(replaced)).toHaveLength(1);
    } finally {
      await replaced.close();
    }

    // The other way: a data file with a plan is refused too, and kept byte for byte.
    const before = readFileSync(LowdbStore.historyPathFor(first), "utf8");
    const toFile = await stocktake(["migrate", "--from", url, "--schema", schema, "--to", first]);
    expect(toFile.code).toBe(1);
    expect(toFile.stderr).toBe(`stocktake migrate: ${first} already holds a plan; add --force to replace it\n`);
    expect(readFileSync(LowdbStore.historyPathFor(first), "utf8")).toBe(before);
    expect((await stocktake(["migrate", "--from", url, "--schema", schema, "--to", first, "--force"])).code).toBe(0);
    const kvm = await LowdbStore.open(first);
    expect(Object.keys(kvm.read().projects)).toEqual(["kvm"]);
    await kvm.close();
  }, 60_000);

  it("refuses a source whose history is broken and keeps nothing of the attempt", async () => {
    const source = fileName();
    await makePlan(source);
    // A line lost from the middle of the history: the copy would not be the whole history.
    const history = LowdbStore.historyPathFor(source);
    const lines = readFileSync(history, "utf8").split("\n");
    writeFileSync(history, [...lines.slice(0, 10), ...lines.slice(11)].join("\n"));
    writeFileSync(source, "null");

    const refused = await stocktake(["migrate", "--from", source, "--to", url, "--schema", schema]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^stocktake migrate: .*event 12 follows 10; the history has a gap\. Run `stocktake repair`[^\n]*\n$/);
    const client = await connect(url, schema);
    try {
      // The source is read before the target is touched: not even the tables were made.
      const tables = await client.query<{ count: string }>("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1", [schema]);
      expect(tables.rows[0]?.count).toBe("0");
    } finally {
      await client.end();
    }
  }, 60_000);

  it("says in one line what is wrong with the places it was given", async () => {
    const missing = join(temp.dir, "no-such-plan.json");
    const noFile = await stocktake(["migrate", "--from", missing, "--to", url, "--schema", schema]);
    expect(noFile).toMatchObject({ code: 1, stderr: `stocktake migrate: there is no data file at ${missing}\n` });

    const source = fileName();
    await makePlan(source);
    const noServer = await stocktake(["migrate", "--from", source, "--to", "postgres://stocktake:secret@127.0.0.1:1/stocktake"]);
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toMatch(/^stocktake migrate: cannot open postgres:\/\/127\.0\.0\.1:1\/stocktake: .*ECONNREFUSED.*\n$/);
    expect(noServer.stderr).not.toContain("secret");

    const same = await stocktake(["migrate", "--from", source, "--to", source]);
    expect(same).toMatchObject({ code: 1, stderr: `stocktake migrate: --from and --to are the same place (${source})\n` });
    const usage = await stocktake(["migrate", "--from", source]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("migrate needs --from and --to");
  }, 60_000);
});
