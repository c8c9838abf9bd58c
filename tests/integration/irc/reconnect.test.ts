import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textReply } from "../../../src/reply/reply.js";
import { CHANNEL, startStocktakeOnIrc, XEN_ROOM, type IrcHarness } from "../../support/irc-harness.js";
import { IrcPerson, type IrcLine } from "../../support/irc-person.js";
import { ircServerOrSkip, privateIrcd } from "./ircd.js";

// This file restarts its server, so it runs a private ngIRCd of its own beside the shared one.
const shared = await ircServerOrSkip();
const canStart = shared !== null && existsSync(process.env["STOCKTAKE_NGIRCD"] ?? "/usr/sbin/ngircd");

const stockHead = (from: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === from && line.text === "Xen 4.3: taking stock";
const quiet = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canStart)("the IRC adapter across nick collisions, keyed channels and a server restart", () => {
  let ircd: Awaited<ReturnType<typeof privateIrcd>>;
  let harness: IrcHarness;
  let squatter: IrcPerson;
  let carol: IrcPerson;

  beforeAll(async () => {
    ircd = await privateIrcd("reconnect");
    // Someone already holds the bot's nick, and a channel it must join has a key.
    squatter = await IrcPerson.connect(ircd.server, "stocktake");
    await squatter.join("#keyed");
    squatter.send("MODE #keyed +k sesame");
    await squatter.waitFor((line) => line.command === "MODE" && line.params.includes("+k"));
    carol = await IrcPerson.connect(ircd.server, "carol");
    await carol.join(CHANNEL);
    harness = await startStocktakeOnIrc({
      server: ircd.server,
      irc: { channels: [{ name: CHANNEL }, { name: "#keyed", key: "sesame" }], reconnect: { initialMs: 3_000, maxMs: 6_000 } },
    });
  }, 60_000);

  afterAll(async () => {
    await carol?.quit();
    await squatter?.quit();
    await harness?.stop();
    await ircd?.stop();
  });

  it("takes an alternate nick within the server's nick length, joins a keyed channel, and regains its nick", async () => {
    // ngIRCd allows 9 characters: "stocktake_" would be refused.
    const joined = await squatter.waitFor((line) => line.command === "JOIN" && line.from !== "stocktake" && line.text.toLowerCase() === "#keyed", 15_000);
    expect(joined.from).toBe("stocktak_");
    const mark = carol.mark();
    carol.say(CHANNEL, "stocktak_: stock");
    await carol.waitFor(stockHead("stocktak_"), 15_000, mark);
    const nickMark = carol.mark();
    await squatter.quit("the nick is free again");
    const renamed = await carol.waitFor((line) => line.command === "NICK" && line.from === "stocktak_", 15_000, nickMark);
    expect(renamed.text).toBe("stocktake");
  }, 60_000);

  it("reconnects after the server restarts: rejoins, sends what was queued once, loses no command and repeats none", async () => {
    let mark = carol.mark();
    carol.say(CHANNEL, "!stock");
    await carol.waitFor(stockHead("stocktake"), 15_000, mark);

    await ircd.restart();
    expect(harness.adapter.status()).toBe("connecting");
    // A scheduled post while the network is away waits for it instead of being lost.
    const queued = harness.adapter.send(XEN_ROOM, textReply("Posted while the network was away"));
    carol = await IrcPerson.connect(ircd.server, "carol");
    mark = carol.mark();
    await carol.join(CHANNEL);
    await carol.waitFor((line) => line.command === "JOIN" && line.from === "stocktake", 30_000, mark);
    await queued;
    await carol.waitFor((line) => line.command === "NOTICE" && line.text === "Posted while the network was away", 15_000, mark);
    expect(harness.adapter.status()).toBe("connected");

    const asked = carol.mark();
    carol.say(CHANNEL, "!stock");
    await carol.waitFor(stockHead("stocktake"), 15_000, asked);
    await carol.waitFor((line) => line.command === "NOTICE" && line.text.startsWith("Full list"), 15_000, asked);
    await quiet(2_000);
    // One answer to the command after the restart, none replayed from before it, the post once.
    expect(carol.seen(stockHead("stocktake"), mark)).toHaveLength(1);
    expect(carol.seen((line) => line.text === "Posted while the network was away", mark)).toHaveLength(1);
  }, 90_000);
});
