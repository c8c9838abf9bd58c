import { describe, expect, it } from "vitest";
import { IrcConfigSchema } from "../../../adapters/irc/config.js";
import { TokenBucket } from "../../../adapters/irc/flood.js";
import { conversationId, personId, targetOf, unregisteredNick } from "../../../adapters/irc/ids.js";
import { fitLine, stripFormatting, textBytes } from "../../../adapters/irc/lines.js";
import { parseConfig } from "../../../src/config/config.js";
import { utf8Bytes } from "../../../src/util/utf8.js";

describe("the token bucket", () => {
  /** A bucket on a fake clock: sleeping moves the clock. Returns when each take was granted. */
  async function grants(rate: number, burst: number, takes: number): Promise<number[]> {
    let now = 0;
    const bucket = new TokenBucket(rate, burst, () => now, async (ms) => void (now += ms));
    const times: number[] = [];
    for (let i = 0; i < takes; i++) await bucket.take().then(() => times.push(now));
    return times;
  }

  it("lets the burst go at once, then one line per 1/rate seconds", async () => {
    expect(await grants(2, 3, 6)).toEqual([0, 0, 0, 500, 1000, 1500]);
  });

  it("hands a token over at once when one is there, and never ahead of a taker already waiting", async () => {
    let now = 0;
    const wakes: (() => void)[] = [];
    // The test moves the clock; a sleep ends when the test says so.
    const bucket = new TokenBucket(1, 2, () => now, () => new Promise<void>((wake) => wakes.push(wake)));
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    const served: string[] = [];
    const waiting = bucket.take().then(() => served.push("waiting taker"));
    await Promise.resolve();
    // A token has come back meanwhile, but it is the waiting taker's.
    now += 1000;
    expect(bucket.tryTake()).toBe(false);
    while (wakes.length > 0) wakes.shift()!();
    await waiting;
    expect(served).toEqual(["waiting taker"]);
    expect(bucket.tryTake()).toBe(false);
    now += 1000;
    expect(bucket.tryTake()).toBe(true);
  });

  it("serves takers in order even when they ask at once", async () => {
    let now = 0;
    const bucket = new TokenBucket(1, 1, () => now, async (ms) => void (now += ms));
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });
});

describe("IRC lines", () => {
  it("leave room for the longest prefix the server may put before them", () => {
    // 510 - ":stocktake!" - 10 user - "@" - 63 host - " NOTICE " - the channel - " :"
    const channel = `#${"x".repeat(60)}`;
    expect(textBytes("stocktake", "NOTICE", channel)).toBe(510 - (1 + 9 + 1 + 10 + 1 + 63 + 1 + 6 + 1 + 61 + 2));
    // Never more than the renderers pack a line to.
    expect(textBytes("s", "NOTICE", "#x")).toBe(400);
  });

  it("break at a space within the byte budget, never inside a character", () => {
    const line = "Υποστήριξη για ελληνικά 日本語の機能 🚀 ".repeat(12).trim();
    const parts = fitLine(line, 100);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(utf8Bytes(part)).toBeLessThanOrEqual(100);
    expect(parts.join(" ")).toBe(line);
    const unbroken = "日本語".repeat(50);
    const pieces = fitLine(unbroken, 100);
    for (const piece of pieces) expect(utf8Bytes(piece)).toBeLessThanOrEqual(100);
    expect(pieces.join("")).toBe(unbroken);
    expect(fitLine("short", 100)).toEqual(["short"]);
  });

  it("carry no formatting codes from what people typed", () => {
    expect(stripFormatting("\u0002bold\u0002 \u000304,12red\u0003 \u001Ditalic\u001D \u000Freset\u0016\r\nnext\ttab")).toBe("bold red italic resetnext tab");
  });
});

describe("IRC ids", () => {
  it("name people by account, and someone without one by an id no account can have", () => {
    expect(personId("oftc", "George", "gd")).toBe("irc:oftc/george");
    expect(personId("oftc", undefined, "George")).toBe("irc:oftc/~george");
    expect(unregisteredNick("oftc", "irc:oftc/~george")).toBe("george");
    expect(unregisteredNick("oftc", "irc:oftc/george")).toBeUndefined();
  });

  it("read a conversation id of the same network only", () => {
    expect(targetOf("oftc", conversationId("oftc", "#xen-devel"))).toBe("#xen-devel");
    expect(targetOf("oftc", "irc:libera/#xen-devel")).toBeUndefined();
    expect(targetOf("oftc", "irc:oftc/~george")).toBeUndefined();
    expect(targetOf("oftc", "matrix:!a:b")).toBeUndefined();
  });
});

describe("the irc config section", () => {
  it("defaults to off, NOTICE replies and a gentle rate", () => {
    const irc = IrcConfigSchema.parse({});
    expect(irc).toMatchObject({ enabled: false, replyAs: "notice", tls: true, port: 6697, flood: { linesPerSecond: 1, burst: 4 } });
  });

  it("says what an enabled section lacks, by key path, with secrets unechoed", () => {
    expect(() => parseConfig({ irc: { enabled: true } }, "t", {})).toThrow(/irc\.network: required[\s\S]*irc\.host: required/);
    expect(() => parseConfig({ irc: { sasl: { mechanism: "PLAIN", account: "stocktake" } } }, "t", {})).toThrow(/irc\.sasl\.password: required for SASL PLAIN/);
    expect(() => parseConfig({ irc: { enabled: true, network: "oftc", host: "irc.oftc.net", tls: false, sasl: { mechanism: "EXTERNAL", certFile: "c", keyFile: "k" } } }, "t", {})).toThrow(
      /irc\.sasl\.mechanism: SASL EXTERNAL needs tls: true/,
    );
    expect(() => parseConfig({ irc: { channels: [{ name: "xen" }] } }, "t", {})).toThrow(/irc\.channels\.0\.name/);
  });

  it("accepts a full section", () => {
    const config = parseConfig(
      { irc: { enabled: true, network: "oftc", host: "irc.oftc.net", sasl: { account: "stocktake", password: "pw" }, channels: [{ name: "#xen-devel" }, { name: "#secret", key: "k" }], announcements: { xen: "#xen-devel" } } },
      "t",
      {},
    );
    expect(config.irc.channels).toEqual([{ name: "#xen-devel" }, { name: "#secret", key: "k" }]);
  });
});

describe("role ids in the config", () => {
  it("refuse an IRC nick without an account (irc:NETWORK/~nick): anyone can take it", () => {
    expect(() => parseConfig({ admins: ["irc:oftc/~george"], projects: { xen: { maintainers: ["irc:oftc/ian", "irc:oftc/~ian"] } } }, "t", {})).toThrow(
      /admins\.0: irc:oftc\/~george is a nick without a services account[\s\S]*projects\.xen\.maintainers\.1: irc:oftc\/~ian/,
    );
    expect(parseConfig({ admins: ["irc:oftc/george"] }, "t", {}).admins).toEqual(["irc:oftc/george"]);
  });
});
