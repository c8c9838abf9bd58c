import { execFile } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "../../support/discord-harness.js";
import { CHANNEL, NETWORK, startStocktakeOnIrc, XEN_ROOM, type IrcHarness } from "../../support/irc-harness.js";
import { IrcPerson, type IrcLine } from "../../support/irc-person.js";
import { nickServ, registered, servicesOrSkip } from "./services.js";

const network = servicesOrSkip();
const tag = () => randomBytes(3).toString("hex");

/**
 * The real bot on a network with services (InspIRCd linked to Atheme, scripts/services.sh): it logs
 * in to its own account with SASL over TLS, and roles follow the services account the network
 * reports (account-tag, account-notify), never the nick.
 */
describe.skipIf(network === null)("the IRC adapter on a network with services (InspIRCd + Atheme)", () => {
  const net = network!;
  const run = tag();
  const botNick = `st${run}`;
  const botAccount = `stbot${run}`;
  const password = `pw-${run}-secret`;
  const george = `george${run}`;
  const ian = `ian${run}`;
  let harness: IrcHarness;
  let georgeOnIrc: IrcPerson;
  let ianOnIrc: IrcPerson;

  const feature = (id: string) => harness.store.read().projects["xen"]?.releases["4.3"]?.features[id];
  const fromBot = (target: string) => (line: IrcLine) => line.command === "NOTICE" && line.from === botNick && line.params[0]?.toLowerCase() === target.toLowerCase();

  function start(sasl: { account: string; password: string } | { mechanism: "EXTERNAL"; certFile: string; keyFile: string }, nick = botNick) {
    return startStocktakeOnIrc({
      server: { host: net.host, port: net.tlsPort },
      config: {
        projects: { xen: { rooms: [XEN_ROOM], maintainers: [`irc:${NETWORK}/${george}`, `irc:${NETWORK}/${ian}`] } },
        // Ian is a person of the config by his services account: replies name him by the nick he was last seen with.
        people: { ian: { name: "Ian Jackson", irc: `${NETWORK}/${ian}` } },
      },
      irc: { port: net.tlsPort, tls: true, tlsInsecure: true, nick, sasl: "mechanism" in sasl ? sasl : { mechanism: "PLAIN", ...sasl } },
    });
  }

  /** Who the server says `nick` is logged in as (WHOIS 330), asked by `asker`. */
  async function loggedInAs(asker: IrcPerson, nick: string): Promise<string | undefined> {
    const mark = asker.mark();
    asker.send(`WHOIS ${nick}`);
    await asker.waitFor((line) => line.command === "318", 10_000, mark);
    return asker.lines.slice(mark).find((line) => line.command === "330")?.params[2];
  }

  beforeAll(async () => {
    // The bot's own account, registered by a person who then leaves.
    const registrar = await registered(net, botAccount, password);
    await registrar.quit();
    harness = await start({ account: botAccount, password });
    georgeOnIrc = await registered(net, george, password);
    ianOnIrc = await registered(net, ian, password);
    await georgeOnIrc.join(CHANNEL);
    await ianOnIrc.join(CHANNEL);
  }, 60_000);

  afterAll(async () => {
    await georgeOnIrc?.quit();
    await ianOnIrc?.quit();
    await harness?.stop();
  });

  it("connects over TLS and logs in to its own account with SASL PLAIN", async () => {
    const mark = georgeOnIrc.mark();
    georgeOnIrc.send(`WHOIS ${botNick}`);
    await georgeOnIrc.waitFor((line) => line.command === "318", 10_000, mark);
    const whois = georgeOnIrc.lines.slice(mark);
    // 330: logged in as; 671: on a secure connection.
    expect(whois.find((line) => line.command === "330")?.params.slice(1, 3)).toEqual([botNick, botAccount]);
    expect(whois.some((line) => line.command === "671")).toBe(true);
  });

  it("gives a maintainer's role to the person logged in to that account, and names them in the channel", async () => {
    const mark = georgeOnIrc.mark();
    georgeOnIrc.say(CHANNEL, "!status blktap3 fair");
    const reply = await georgeOnIrc.waitFor(fromBot(CHANNEL), 10_000, mark);
    expect(reply.text).toMatch(new RegExp(`^${george}: blktap3: .*→ fair`));
    expect(feature("blktap3")).toMatchObject({ bucket: "fair", updatedBy: `irc:${NETWORK}/${george}` });
  });

  it("follows the account, not the nick: logged out the role is gone, logged in again it is back", async () => {
    await nickServ(ianOnIrc, "LOGOUT", /logged out/i);
    let mark = ianOnIrc.mark();
    ianOnIrc.say(CHANNEL, "!status blktap3 at-risk");
    const refused = await ianOnIrc.waitFor(fromBot(ian), 10_000, mark);
    expect(refused.text).toMatch(/^Only maintainers/);
    expect(feature("blktap3")?.bucket).toBe("fair");
    await nickServ(ianOnIrc, `IDENTIFY ${password}`, /now identified/i);
    mark = ianOnIrc.mark();
    ianOnIrc.say(CHANNEL, "!status blktap3 at-risk");
    const done = await ianOnIrc.waitFor(fromBot(CHANNEL), 10_000, mark);
    expect(done.text).toMatch(new RegExp(`^${ian}: blktap3: fair → at risk`));
    expect(feature("blktap3")).toMatchObject({ bucket: "at-risk", updatedBy: `irc:${NETWORK}/${ian}` });
  });

  it("names an owner who is a person by the nick their account was last seen with, not their name or account", async () => {
    await setup(harness.app.bot, XEN_ROOM, "!owner numa-memory-migration Ian Jackson, Thanos");
    const nick = `ij${run}`;
    let mark = ianOnIrc.mark();
    ianOnIrc.send(`NICK ${nick}`);
    await ianOnIrc.waitFor((line) => line.command === "NICK", 10_000, mark);
    try {
      mark = ianOnIrc.mark();
      ianOnIrc.say(CHANNEL, "!stock fair full");
      const last = await ianOnIrc.waitFor((line) => fromBot(CHANNEL)(line) && line.text === "* Multi-page blk rings (external)", 20_000, mark);
      const texts = ianOnIrc.seen(fromBot(CHANNEL), mark).filter((line) => line.at <= last.at).map((line) => line.text);
      expect(texts[texts.indexOf("* NUMA Memory migration") + 1]).toBe(`  owner: ${nick}, Thanos`);
    } finally {
      mark = ianOnIrc.mark();
      ianOnIrc.send(`NICK ${ian}`);
      await ianOnIrc.waitFor((line) => line.command === "NICK", 10_000, mark);
    }
  }, 30_000);

  it("gives nothing to someone who takes a maintainer's nick without the account", async () => {
    await georgeOnIrc.quit("leaving the nick free");
    const impostor = await IrcPerson.connect(net, george);
    try {
      await impostor.join(CHANNEL);
      const mark = impostor.mark();
      impostor.say(CHANNEL, "!status blktap3 done");
      const refused = await impostor.waitFor(fromBot(george), 10_000, mark);
      expect(refused.text).toMatch(/^Only maintainers/);
      expect(feature("blktap3")?.bucket).toBe("at-risk");
    } finally {
      await impostor.quit();
    }
  });

  it("logs in with SASL EXTERNAL: its TLS client certificate, added to its account with NickServ CERT ADD", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stocktake-sasl-external-"));
    const certAccount = `stcert${run}`;
    const certNick = `sc${run}`;
    let second: IrcHarness | undefined;
    try {
      const certFile = join(dir, "client.crt");
      const keyFile = join(dir, "client.key");
      await promisify(execFile)("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${certAccount}`, "-keyout", keyFile, "-out", certFile]);
      // InspIRCd's fingerprint: SHA-256 of the certificate, lower-case hex.
      const fingerprint = new X509Certificate(await readFile(certFile)).fingerprint256.replace(/:/g, "").toLowerCase();
      const owner = await registered(net, certAccount, password);
      await nickServ(owner, `CERT ADD ${fingerprint}`, /added/i);
      await owner.quit();
      second = await start({ mechanism: "EXTERNAL", certFile, keyFile }, certNick);
      expect(await loggedInAs(ianOnIrc, certNick)).toBe(certAccount);
    } finally {
      await second?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("does not come online as somebody else when its SASL login fails", async () => {
    // The adapter drops the connection (sasl_disconnect_on_fail) and keeps retrying with backoff; it never reports connected.
    await expect(start({ account: botAccount, password: "wrong-password" })).rejects.toThrow(/did not start: .*IRC SASL login failed/);
  });
});
