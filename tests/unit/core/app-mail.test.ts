import { readFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { MailAdapter } from "../../../adapters/mail/mail-adapter.js";
import { startApp } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import type { ChatAdapter, ChatHost } from "../../../src/ports.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import type { Reply } from "../../../src/reply/reply.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { FakeClock } from "../../support/fake-chat.js";
import { FakeTimer } from "../../support/fake-timer.js";
import { tempDir } from "../../support/temp.js";

class Room implements ChatAdapter {
  readonly name = "alpha";
  readonly sent: string[] = [];
  private host: ChatHost | undefined;
  async start(host: ChatHost): Promise<void> {
    this.host = host;
  }
  async send(_conversation: string, reply: Reply): Promise<void> {
    this.sent.push(renderPlain(reply));
  }
  async stop(): Promise<void> {}
  async say(text: string): Promise<string> {
    const reply = await this.host!.handle({ text, conversation: "alpha:room", invoker: { id: "alpha:admin", displayName: "admin" } });
    return reply ? renderPlain(reply) : "";
  }
}

function setup(dir: string) {
  const config = parseConfig(
    {
      dataFile: join(dir, "data.json"),
      admins: ["alpha:admin"],
      mail: { enabled: true, smtp: { tls: "none" }, from: "stocktake@stocktake.test", lists: [{ project: "xen", to: ["xen-devel@lists.stocktake.test"], subjectPrefix: "[Xen-devel]", scheduled: true }] },
    },
    "test",
  );
  const threadsFile = join(dir, "threads.json");
  // nodemailer's stream transport builds the whole message and sends it nowhere.
  const mail = new MailAdapter({ config: config.mail, threadsFile, logger: silentLogger, transport: nodemailer.createTransport({ streamTransport: true, buffer: true }) });
  const sentIds = (): string[] => {
    try {
      return (JSON.parse(readFileSync(threadsFile, "utf8")) as Record<string, string[]>)["xen 4.3"] ?? [];
    } catch {
      return [];
    }
  };
  return { config, mail, sentIds };
}

describe("a list with scheduled: true in stocktake run", () => {
  it("gets the weekly summary once, through the scheduler's claim (not again after a restart), and no change announcements", async () => {
    const temp = tempDir();
    const clock = new FakeClock(new Date("2013-03-11T08:00:00Z"));
    try {
      const first = setup(temp.dir);
      const room = new Room();
      const timer = new FakeTimer(clock);
      const app = await startApp({ config: first.config, logger: silentLogger, clock, timer, adapters: [room, first.mail] });
      await room.say("!project new Xen");
      await room.say("!release new 4.3");
      await room.say("!add blktap3 --bucket at-risk");
      await app.announcer.stop();
      expect(first.sentIds()).toEqual([]);
      // The list's subscription starts when the scheduler first sees it (nothing before it is "missed").
      await app.scheduler.runDue();
      await timer.advanceTo(new Date("2013-03-11T09:30:00Z"), () => app.scheduler.settled());
      expect(first.sentIds()).toHaveLength(1);
      // !mail send from chat threads after the scheduled one.
      expect(await room.say("!mail send")).toMatch(/^Sent “\[Xen-devel\] Xen 4\.3 Planning: Taking stock”/);
      expect(first.sentIds()).toHaveLength(2);
      await app.stop();

      // A restart within the grace window: the 09:00 slot was claimed, so it is not mailed again.
      const second = setup(temp.dir);
      const again = await startApp({ config: second.config, logger: silentLogger, clock, timer: new FakeTimer(clock), adapters: [new Room(), second.mail] });
      await again.scheduler.settled();
      expect(second.sentIds()).toHaveLength(2);
      await again.stop();
    } finally {
      temp.cleanup();
    }
  });
});
