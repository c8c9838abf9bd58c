import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK, startStocktakeOnIrc, type IrcHarness } from "../../support/irc-harness.js";
import type { IrcLine, IrcPerson } from "../../support/irc-person.js";
import { TcpProxy } from "../../support/tcp-proxy.js";
import { nickServ, registered, servicesOrSkip } from "./services.js";

const network = servicesOrSkip();

/**
 * A netsplit-style loss of the link between the bot and the network (InspIRCd + Atheme, through a
 * relay the test cuts): the server quits the bot, the bot's socket closes, the network refuses it
 * for a few attempts. The bot must come back on its own with a growing backoff, rejoin, answer
 * again, and trust no account it heard of before the split: a role comes back only once the
 * network vouches for the account again.
 */
describe.skipIf(network === null)("the IRC adapter across a netsplit-style disconnect", () => {
  const net = network!;
  const run = randomBytes(3).toString("hex");
  const botNick = `ns${run}`;
  const channel = `#split${run}`;
  const room = `irc:${NETWORK}/${channel}`;
  const ian = `ian${run}`;
  const password = `pw-${run}-secret`;
  const initialMs = 300;
  const logs: { level: string; msg: string; obj: object }[] = [];
  let proxy: TcpProxy;
  let harness: IrcHarness;
  let ianOnIrc: IrcPerson;

  const feature = () => harness.store.read().projects["xen"]?.releases["4.3"]?.features["blktap3"];
  const fromBot = (target: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === botNick && line.params[0]?.toLowerCase() === target.toLowerCase();

  beforeAll(async () => {
    proxy = await TcpProxy.start({ host: net.host, port: net.port });
    ianOnIrc = await registered(net, ian, password);
    await ianOnIrc.join(channel);
    const mark = ianOnIrc.mark();
    harness = await startStocktakeOnIrc({
      server: { host: "127.0.0.1", port: proxy.port },
      config: { projects: { xen: { rooms: [room], maintainers: [`irc:${NETWORK}/${ian}`] } } },
      irc: { nick: botNick, channels: [{ name: channel }], announcements: { xen: channel }, reconnect: { initialMs, maxMs: 10_000 } },
      logs,
    });
    await ianOnIrc.waitFor((line) => line.command === "JOIN" && line.from === botNick, 15_000, mark);
  }, 60_000);

  afterAll(async () => {
    await ianOnIrc?.quit();
    await harness?.stop();
    await proxy?.stop();
  });

  it("reconnects with backoff, rejoins, answers again, and gives a role back only when the account is confirmed again", async () => {
    let mark = ianOnIrc.mark();
    ianOnIrc.say(channel, "!status blktap3 fair");
    expect((await ianOnIrc.waitFor(fromBot(channel), 10_000, mark)).text).toMatch(new RegExp(`^${ian}: blktap3: .*→ fair`));
    expect(feature()).toMatchObject({ bucket: "fair", updatedBy: `irc:${NETWORK}/${ian}` });

    // The split: the network quits the bot, and turns away its next three attempts.
    const before = proxy.accepted.length;
    mark = ianOnIrc.mark();
    proxy.split(3);
    await ianOnIrc.waitFor((line) => line.command === "QUIT" && line.from === botNick, 10_000, mark);
    expect(harness.adapter.status()).toBe("connecting");
    // While the bot is away, ian logs out: nothing tells the bot, which must not remember ian's role.
    await nickServ(ianOnIrc, "LOGOUT", /logged out/i);

    await ianOnIrc.waitFor((line) => line.command === "JOIN" && line.from === botNick && line.text.toLowerCase() === channel, 30_000, mark);
    expect(harness.adapter.status()).toBe("connected");
    const waits = logs.filter((line) => line.msg === "IRC connection lost; reconnecting").map((line) => (line.obj as { waitMs: number }).waitMs);
    expect(waits).toEqual([initialMs, 2 * initialMs, 4 * initialMs, 8 * initialMs]);
    // Seen from the network's side: four attempts after the split, each after the wait before it.
    const attempts = proxy.accepted.slice(before);
    expect(attempts).toHaveLength(4);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(waits[i]! * 0.9);

    mark = ianOnIrc.mark();
    ianOnIrc.say(channel, "!show blktap3");
    expect((await ianOnIrc.waitFor(fromBot(channel), 10_000, mark)).text).toMatch(/blktap3/);

    mark = ianOnIrc.mark();
    ianOnIrc.say(channel, "!status blktap3 at-risk");
    expect((await ianOnIrc.waitFor(fromBot(ian), 10_000, mark)).text).toMatch(/^Only maintainers/);
    expect(feature()?.bucket).toBe("fair");

    await nickServ(ianOnIrc, `IDENTIFY ${password}`, /now identified/i);
    mark = ianOnIrc.mark();
    ianOnIrc.say(channel, "!status blktap3 at-risk");
    expect((await ianOnIrc.waitFor(fromBot(channel), 10_000, mark)).text).toMatch(new RegExp(`^${ian}: blktap3: fair → at risk`));
    expect(feature()).toMatchObject({ bucket: "at-risk", updatedBy: `irc:${NETWORK}/${ian}` });
  }, 90_000);
});
