import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import type { ListMailer, OutgoingMail } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { Stocktake } from "../../../src/stocktake.js";
import { FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";

/** A mailer that records what it is asked to deliver (the SMTP side is tested in tests/integration/mail). */
class RecordingMailer implements ListMailer {
  readonly delivered: OutgoingMail[] = [];
  constructor(private readonly fail = false) {}
  listOf(project: string) {
    return project === "xen" ? { subjectPrefix: "[Xen-devel]", intro: null } : undefined;
  }
  compose(project: string, release: string, subject: string, text: string): OutgoingMail {
    const last = this.delivered[this.delivered.length - 1];
    return { from: "bot@x.test", to: ["list@x.test"], replyTo: null, subject, text, messageId: `<${project}.${release}.${this.delivered.length}@x.test>`, inReplyTo: last?.messageId ?? null, references: this.delivered.map((mail) => mail.messageId) };
  }
  async deliver(_project: string, _release: string, mail: OutgoingMail): Promise<void> {
    if (this.fail) throw new Error("connect ECONNREFUSED 127.0.0.1:25\n    at stack");
    this.delivered.push(mail);
  }
}

async function bot(mailer?: ListMailer) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  await importIntoStore(store, FIXTURE, { by: "test" }, clock);
  const config = defaultCoreConfig({ projects: { xen: { releaseManagers: [RM.id], maintainers: [MAINTAINER.id], rooms: ["test:room"], private: false } } });
  const stocktake = new Stocktake({ store, config, clock, ...(mailer ? { mailer } : {}) });
  return async (text: string, who = RM) => renderPlain((await stocktake.handle({ text, invoker: who, conversation: "test:room" }))!);
}

describe("!mail preview and !mail send", () => {
  it("preview shows the exact headers and the taking-stock body, and sends nothing", async () => {
    const mailer = new RecordingMailer();
    const say = await bot(mailer);
    const preview = await say("!mail preview", MAINTAINER);
    expect(preview).toContain("Subject: [Xen-devel] Xen 4.3 Planning: Taking stock");
    expect(preview).toContain("== Finished features ==");
    expect(mailer.delivered).toEqual([]);
  });

  it("send is for release managers; it delivers once per command and threads the next after it", async () => {
    const mailer = new RecordingMailer();
    const say = await bot(mailer);
    expect(await say("!mail send", MAINTAINER)).not.toMatch(/^Sent/);
    expect(mailer.delivered).toEqual([]);
    expect(await say("!mail send")).toMatch(/^Sent “\[Xen-devel\] Xen 4\.3 Planning: Taking stock” to list@x\.test/);
    await say("!mail send");
    expect(mailer.delivered.map((mail) => mail.inReplyTo)).toEqual([null, "<xen.4.3.0@x.test>"]);
    expect(mailer.delivered[0]!.text.startsWith("[Xen")).toBe(false);
  });

  it("says what is missing when mail is not set up, and a refusing server is one line, not a trace", async () => {
    expect(await (await bot())("!mail send")).toContain("No mailing list is configured for xen");
    const reply = await (await bot(new RecordingMailer(true)))("!mail send");
    expect(reply).toBe("The mail was not sent (connect ECONNREFUSED 127.0.0.1:25). Nothing was posted to the list; try again later.");
  });
});
