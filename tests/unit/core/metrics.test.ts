import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../../../src/metrics/registry.js";
import { FakeChat } from "../../support/fake-chat.js";
import { Stocktake } from "../../../src/stocktake.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";

describe("the metrics registry", () => {
  it("renders declared counters and an empty latency histogram before anything happened", () => {
    const text = new MetricsRegistry().render();
    expect(text).toContain("# HELP stocktake_commands_total Commands answered");
    expect(text).toContain("# TYPE stocktake_commands_total counter");
    expect(text).toContain("# TYPE stocktake_command_duration_seconds histogram");
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="+Inf"} 0\nstocktake_command_duration_seconds_sum 0\nstocktake_command_duration_seconds_count 0\n');
    expect(text.endsWith("\n")).toBe(true);
  });

  it("adds up counters per label set, labels in declared order, values escaped", () => {
    const metrics = new MetricsRegistry();
    metrics.count("stocktake_commands_total", { outcome: "ok", command: "status" });
    metrics.count("stocktake_commands_total", { command: "status", outcome: "ok" });
    metrics.count("stocktake_commands_total", { command: "stock", outcome: "error" }, 3);
    metrics.count("stocktake_posts_total", { adapter: 'we"ird\\name\nx' });
    const text = metrics.render();
    expect(text).toContain('stocktake_commands_total{command="status",outcome="ok"} 2\n');
    expect(text).toContain('stocktake_commands_total{command="stock",outcome="error"} 3\n');
    expect(text).toContain('stocktake_posts_total{adapter="we\\"ird\\\\name\\nx"} 1\n');
  });

  it("keeps histogram buckets cumulative, with the sum and count", () => {
    const metrics = new MetricsRegistry();
    for (const seconds of [0.0002, 0.003, 0.003, 0.2, 9]) metrics.observe("stocktake_command_duration_seconds", seconds);
    const text = metrics.render();
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="0.0005"} 1\n');
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="0.0025"} 1\n');
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="0.005"} 3\n');
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="0.25"} 4\n');
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="5"} 4\n');
    expect(text).toContain('stocktake_command_duration_seconds_bucket{le="+Inf"} 5\n');
    expect(text).toContain("stocktake_command_duration_seconds_count 5\n");
    expect(text).toMatch(/stocktake_command_duration_seconds_sum 9\.206\d*\n/);
  });

  it("is fed by the dispatcher: every command counted by outcome and timed", async () => {
    const metrics = new MetricsRegistry();
    const chat = new FakeChat();
    const bot = new Stocktake({ store: chat.store, config: defaultCoreConfig({ admins: ["console:admin"] }), clock: chat.clock, metrics });
    const say = (text: string, id = "console:admin") => bot.handle({ text, invoker: { id, displayName: id }, conversation: "test:room" });
    await say("!project new xen");
    await say("!release new 4.3");
    await say("!add blktap3", "matrix:@eve:evil.example");
    await say("!status");
    await say("!stock");
    const text = metrics.render();
    expect(text).toContain('stocktake_commands_total{command="project new",outcome="ok"} 1\n');
    expect(text).toContain('stocktake_commands_total{command="add",outcome="forbidden"} 1\n');
    expect(text).toContain('stocktake_commands_total{command="status",outcome="usage"} 1\n');
    expect(text).toContain('stocktake_commands_total{command="stock",outcome="ok"} 1\n');
    expect(text).toContain("stocktake_command_duration_seconds_count 5\n");
  });
});
