import { describe, expect, it } from "vitest";
import { MailConfigSchema } from "../../../adapters/mail/config.js";

function problems(input: unknown): string[] {
  const parsed = MailConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("the mail: config section", () => {
  it("is off by default and needs nothing then", () => {
    expect(MailConfigSchema.parse({})).toMatchObject({ enabled: false, smtp: { host: "localhost", port: 587, tls: "starttls" }, lists: [] });
  });

  it("names every missing or wrong key when enabled", () => {
    expect(problems({ enabled: true, smtp: { user: "x" }, lists: [{ project: "xen", to: ["not-an-address"] }] })).toEqual([
      "lists.0.to.0: a mail address: name@example.org or “Name <name@example.org>”",
      "from: required when mail is enabled: the address the list sees",
      "smtp: give both user and password, or neither",
    ]);
    expect(problems({ enabled: true, from: "a@b.c" })).toEqual(["lists: required when mail is enabled: at least one { project, to }"]);
    expect(problems({ enabled: true, from: "a@b.c", lists: [{ project: "xen", to: ["x@y.z"] }], smtp: { tls: "maybe" } })[0]).toMatch(/^smtp\.tls: /);
  });

  it("takes a display name in addresses, and a list per project", () => {
    const config = MailConfigSchema.parse({ enabled: true, from: "Stocktake <stocktake@example.org>", lists: [{ project: "xen", to: ["Xen devel <xen-devel@lists.example.org>"], subjectPrefix: "[Xen-devel]" }] });
    expect(config.lists[0]).toEqual({ project: "xen", to: ["Xen devel <xen-devel@lists.example.org>"], subjectPrefix: "[Xen-devel]", scheduled: false });
  });
});
