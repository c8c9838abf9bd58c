import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "../../../src/web/health.js";
import { startDiscordServer, type DiscordServer } from "../../discord-server/server.ts";
import { startStocktakeOnDiscord, type Harness } from "../../support/discord-harness.js";

/** Resolves when `predicate` holds, checking every 20 ms; fails after `ms`. */
async function until(predicate: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the Discord gateway connection (issue 11, item 10)", () => {
  let server: DiscordServer;
  let harness: Harness;
  const logs: { level: string; msg: string; obj: object }[] = [];

  beforeAll(async () => {
    server = await startDiscordServer();
    harness = await startStocktakeOnDiscord({ server, logs });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  const health = () => checkHealth(harness.store, [{ adapter: harness.adapter, started: true }]);

  it("logs a dropped connection and its resume, and counts them in /metrics and /healthz", async () => {
    expect((await health()).connections["discord"]).toEqual({ disconnects: 0, reconnects: 0 });
    server.dropGateway();
    await until(() => logs.some((entry) => /reconnected/.test(entry.msg)));
    expect(logs.map((entry) => entry.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/connection lost; reconnecting/), expect.stringMatching(/reconnected \(resumed/)]));
    const report = await health();
    expect(report.adapters["discord"]).toBe("connected");
    expect(report.connections["discord"]).toMatchObject({ disconnects: 1, reconnects: 1, lastDisconnectReason: "connection lost" });
    expect(harness.app.metrics.render()).toContain('stocktake_adapter_reconnects_total{adapter="discord"} 1');
    expect(harness.app.metrics.render()).toContain('stocktake_adapter_disconnects_total{adapter="discord"} 1');
  });

  it("logs each refused attempt during an outage, says it is reconnecting meanwhile, and the reconnect after it", async () => {
    logs.length = 0;
    server.rejectGateway(3);
    server.dropGateway();
    await until(() => logs.some((entry) => /reconnected/.test(entry.msg)), 60_000);
    // Each refusal is a line, and so is each new attempt, numbered.
    expect(logs.filter((entry) => entry.msg === "discord gateway error; retrying")).toHaveLength(3);
    const attempts = logs.filter((entry) => /reconnecting/.test(entry.msg)).map((entry) => (entry.obj as { attempt: number }).attempt);
    expect(attempts).toEqual([1, 2, 3, 4]);
    const report = await health();
    expect(report.connections["discord"]).toMatchObject({ disconnects: 2, reconnects: 2 });
    expect(report.adapters["discord"]).toBe("connected");
  }, 70_000);
});
