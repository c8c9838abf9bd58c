import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { MailAdapter } from "../../../adapters/mail/mail-adapter.js";
import { MailConfigSchema } from "../../../adapters/mail/config.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { readMailFile } from "../../../src/mail/read-mail.js";
import { stockReply } from "../../../src/plan/stock-summary.js";
import { plainText } from "../../../src/reply/inline.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { Stocktake } from "../../../src/stocktake.js";
import { FakeClock, RM } from "../../support/fake-chat.js";
import { FIXTURE, featureSections } from "../../support/fixture.js";
import { delivered, smtpServerOrSkip } from "./smtp.js";

const server = await smtpServerOrSkip();
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

async function seeded() {
  const clock = new FakeClock(new Date("2013-01-23T12:00:00Z"));
  const store = new MemoryStore(clock);
  const result = await importIntoStore(store, FIXTURE, { by: "test:import" }, clock);
  if (!result.ok) throw new Error(plainText(result.error.message));
  return { clock, store };
}

function adapter(threadsFile: string) {
  const config = MailConfigSchema.parse({
    enabled: true,
    smtp: { host: server!.host, port: server!.port, tls: "none" },
    from: "Stocktake <stocktake@stocktake.test>",
    replyTo: "xen-devel@lists.stocktake.test",
    lists: [{ project: "xen", to: ["xen-devel@lists.stocktake.test"], subjectPrefix: "[Xen-devel]", intro: "Please reply with any feature I have missed.", scheduled: true }],
  });
  return new MailAdapter({ config, threadsFile, logger: silent });
}

describe.skipIf(server === null)("posting to the list through a real SMTP server (OpenSMTPD, delivering to a Maildir)", () => {
  it("!mail send delivers the taking-stock mail as text/plain, threads the next one after it, and the delivered file imports back to the same plan", async () => {
    const { clock, store } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), "stocktake-mail-"));
    const mailer = adapter(join(dir, "threads.json"));
    const config = defaultCoreConfig({ projects: { xen: { releaseManagers: [RM.id], maintainers: [], rooms: ["test:room"], private: false } } });
    const bot = new Stocktake({ store, config, clock, mailer });
    const say = async (text: string) => renderPlain((await bot.handle({ text, invoker: RM, conversation: "test:room" }))!);

    const preview = await say("!mail preview");
    expect(preview).toContain("Subject: [Xen-devel] Xen 4.3 Planning: Taking stock");
    expect(preview).toContain("Please reply with any feature I have missed.");

    const sent = await say("!mail send");
    expect(sent).toMatch(/^Sent “\[Xen-devel\] Xen 4\.3 Planning: Taking stock” to xen-devel@lists\.stocktake\.test \(<stocktake\.xen\.4\.3\.[^>]+@stocktake\.test>\)/);
    const firstId = /\((<stocktake[^>]+>)\)/.exec(sent)![1]!;
    const firstFile = await delivered(server!.maildir, firstId);
    const first = await simpleParser(readFileSync(firstFile));
    expect(first.subject).toBe("[Xen-devel] Xen 4.3 Planning: Taking stock");
    expect(first.messageId).toBe(firstId);
    expect(first.from?.value[0]).toMatchObject({ name: "Stocktake", address: "stocktake@stocktake.test" });
    expect(first.replyTo?.text).toBe("xen-devel@lists.stocktake.test");
    expect(first.headers.get("content-type")).toMatchObject({ value: "text/plain" });
    expect(first.inReplyTo).toBeUndefined();
    expect(featureSections(first.text!)).toBe(featureSections(FIXTURE));

    clock.advance(7 * 24 * 3_600_000);
    const second = await say("!mail send");
    const secondId = /\((<stocktake[^>]+>)\)/.exec(second)![1]!;
    const secondMail = await simpleParser(readFileSync(await delivered(server!.maildir, secondId)));
    expect(secondMail.inReplyTo).toBe(firstId);
    expect(secondMail.references).toBe(firstId);
    // A restart keeps the thread: the adapter reads the threads file back.
    expect(adapter(join(dir, "threads.json")).compose("xen", "4.3", "s", "t")?.inReplyTo).toBe(secondId);

    // Round trip: the delivered file, as a release manager would save it, imports to the same plan.
    const read = await readMailFile(firstFile);
    if (!read.ok) throw new Error(read.message);
    const fresh = new MemoryStore(clock);
    const again = await importIntoStore(fresh, read.text, { by: "test:reimport", envelope: read.envelope }, clock);
    if (!again.ok) throw new Error(plainText(again.error.message));
    expect([again.value.project, again.value.release]).toEqual(["xen", "4.3"]);
    const buckets = (s: MemoryStore) => Object.values(s.read().projects["xen"]!.releases["4.3"]!.features).map((feature) => [feature.title, feature.qualifier, feature.bucket]).sort();
    expect(buckets(fresh)).toEqual(buckets(store));
    expect(again.value.mail.problems.filter((problem) => problem.line > 0 && !/Please reply/.test(problem.text))).toEqual([]);
    await mailer.stop();
  });

  it("a scheduled post for mail:xen is a mail whose subject is the summary's heading", async () => {
    const { clock, store } = await seeded();
    const mailer = adapter(join(mkdtempSync(join(tmpdir(), "stocktake-mail-")), "threads.json"));
    expect(mailer.announcementTargets()).toEqual([{ project: "xen", conversation: "mail:xen", news: false }]);
    const project = store.read().projects["xen"]!;
    await mailer.send("mail:xen", stockReply(project, project.releases["4.3"]!, clock.now()));
    const threads = JSON.parse(readFileSync(mailer["options"].threadsFile, "utf8")) as Record<string, string[]>;
    const id = threads["xen 4.3"]![0]!;
    const mail = await simpleParser(readFileSync(await delivered(server!.maildir, id)));
    expect(mail.subject).toBe("[Xen-devel] Xen 4.3: taking stock");
    expect(mail.text).toContain("== Finished features ==");
    await mailer.stop();
  });

  it("a server that cannot be reached is a clear reply, and nothing is remembered as sent", async () => {
    const { clock, store } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), "stocktake-mail-"));
    const config = MailConfigSchema.parse({ enabled: true, smtp: { host: "127.0.0.1", port: 1, tls: "none" }, from: "stocktake@stocktake.test", lists: [{ project: "xen", to: ["xen-devel@lists.stocktake.test"] }] });
    const mailer = new MailAdapter({ config, threadsFile: join(dir, "threads.json"), logger: silent });
    const bot = new Stocktake({ store, config: defaultCoreConfig({ projects: { xen: { releaseManagers: [RM.id], maintainers: [], rooms: ["test:room"], private: false } } }), clock, mailer });
    const reply = renderPlain((await bot.handle({ text: "!mail send", invoker: RM, conversation: "test:room" }))!);
    expect(reply).toMatch(/^The mail was not sent \(.*ECONNREFUSED.*\)\. Nothing was posted to the list; try again later\.$/);
    expect(mailer.compose("xen", "4.3", "s", "t")?.inReplyTo).toBeNull();
    await mailer.stop();
  });
});
