import { describe, expect, it } from "vitest";
import { readMailBytes } from "../../../src/mail/read-mail.js";

describe("reading a whole message", () => {
  it("takes a header whose value is folded onto the next line (Outlook's `Message-ID:`) as a header, so the message is decoded", async () => {
    const message = [
      "From: Henry Wang <henry@example.org>",
      "Subject: Xen 4.17 release: Current status",
      "Date: Mon, 5 Sep 2022 03:44:33 +0000",
      "Message-ID:",
      " <AS8PR08MB7991@example.outlook.com>",
      "X-MS-Has-Attach:",
      "Content-Type: text/plain; charset=\"iso-8859-1\"",
      "Content-Transfer-Encoding: quoted-printable",
      "MIME-Version: 1.0",
      "",
      "** Blocker List **:",
      "1. x86: enable interrupts around dump_execstate() in a long tit=",
      "le",
      "",
    ].join("\n");
    const read = await readMailBytes(Buffer.from(message));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.envelope).toMatchObject({ subject: "Xen 4.17 release: Current status", from: "Henry Wang <henry@example.org>", date: "2022-09-05", messageId: "<AS8PR08MB7991@example.outlook.com>" });
    expect(read.text).toContain("1. x86: enable interrupts around dump_execstate() in a long title\n");
    expect(read.text).not.toContain("Message-ID");
  });
});
