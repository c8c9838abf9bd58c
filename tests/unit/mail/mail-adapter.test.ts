import { join } from "node:path";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { MailConfigSchema } from "../../../adapters/mail/config.js";
import { MailAdapter } from "../../../adapters/mail/mail-adapter.js";
import { countdownReply } from "../../../src/schedule/posts.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { tempDir } from "../../support/temp.js";

/** The adapter over nodemailer's stream transport: real message building, nothing sent; each raw message is kept. */
function adapter(dir: string) {
  const raw: Buffer[] = [];
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const send = transport.sendMail.bind(transport);
  transport.sendMail = (async (mail: Parameters<typeof send>[0]) => {
    const info = (await send(mail)) as { message: Buffer };
    raw.push(info.message);
    return info;
  }) as typeof transport.sendMail;
  const config = MailConfigSchema.parse({ enabled: true, from: "Stocktake <bot@stocktake.test>", lists: [{ project: "xen", to: ["xen-devel@lists.stocktake.test"], subjectPrefix: "[Xen-devel]", scheduled: true }] });
  return { mail: new MailAdapter({ config, threadsFile: join(dir, "threads.json"), logger: silentLogger, transport }), raw };
}

describe("the mail adapter", () => {
  it("mails a countdown with its first clause as the subject, threaded after the release's last post", async () => {
    const temp = tempDir();
    try {
      const { mail, raw } = adapter(temp.dir);
      const release = { id: "4.18", cycleMonths: null, cycleStart: null, milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2023-09-15", timeZone: "AoE" }], createdAt: "2023-01-01T00:00:00Z", createdBy: "x", features: {} };
      const reply = countdownReply({ name: "Xen" }, release, new Date("2023-09-12T09:00:00Z"))!;
      await mail.send("mail:xen", reply);
      await mail.send("mail:xen", reply);
      const [first, second] = await Promise.all(raw.map((message) => simpleParser(message)));
      expect(first!.subject).toBe("[Xen-devel] Xen 4.18: Feature freeze in 4 days (Fri 15 Sep 2023, AoE)");
      expect(first!.text).toContain("Xen 4.18: Feature freeze in 4 days");
      expect(second!.inReplyTo).toBe(first!.messageId);
      expect(first!.messageId).toMatch(/^<stocktake\.xen\.4\.18\.[a-z0-9]+\.[0-9a-f]{8}@stocktake\.test>$/);
    } finally {
      temp.cleanup();
    }
  });

  it("refuses a conversation with no list, and takes no part in change announcements", async () => {
    const temp = tempDir();
    try {
      const { mail } = adapter(temp.dir);
      await expect(mail.send("mail:linux", { tone: "info", blocks: [{ type: "heading", text: "Linux 6.1" }] })).rejects.toThrow("no mailing list for mail:linux");
      expect(mail.announcementTargets().every((target) => target.news === false)).toBe(true);
      expect(mail.listOf("linux")).toBeUndefined();
    } finally {
      temp.cleanup();
    }
  });
});
