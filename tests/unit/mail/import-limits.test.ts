import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../adapters/store/memory-store.js";
import { importIntoStore, MAX_IMPORT_FEATURES } from "../../../src/mail/import-into.js";
import { importMail, MAX_IMPORT_BYTES } from "../../../src/mail/import.js";
import { describeUnread, MAX_UNREAD_SHOWN } from "../../../src/mail/import-summary.js";
import { plainText } from "../../../src/reply/inline.js";
import { FakeClock } from "../../support/fake-chat.js";

const target = { by: "console:admin", project: "xen", release: "4.3" };

describe("pathological mails", () => {
  it("a mail under the size limit with 210 000 items is refused with the limit named, not a stack overflow", async () => {
    const lines = ["== Open: at risk ==", ""];
    for (let i = 0; i < 210_000; i++) lines.push(`* f${i}`);
    const mail = lines.join("\n");
    expect(mail.length).toBeLessThan(MAX_IMPORT_BYTES);
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const result = await importIntoStore(store, mail, target, clock);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("too-long");
    expect(plainText(result.error.message)).toContain("210,000 items");
    expect(plainText(result.error.message)).toContain(`at most ${MAX_IMPORT_FEATURES.toLocaleString("en")} (MAX_IMPORT_FEATURES)`);
    expect(Object.keys(store.read().projects)).toEqual([]);
  });

  it("a mail at the feature limit imports whole", async () => {
    const lines = ["== Open: at risk ==", ""];
    for (let i = 0; i < MAX_IMPORT_FEATURES; i++) lines.push(`* f${i}`);
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const result = await importIntoStore(store, lines.join("\n"), target, clock);
    expect(result.ok && result.value.added).toBe(MAX_IMPORT_FEATURES);
  });

  it("hundreds of thousands of unusable lines are summarised, not printed one by one", () => {
    const lines = ["== Open: at risk ==", "* a"];
    for (let i = 0; i < 300_000; i++) lines.push("=x=");
    const mail = importMail(lines.join("\n"));
    expect(mail.problems.length).toBe(300_000);
    const out = describeUnread(mail.problems);
    expect(out.length).toBeLessThanOrEqual(MAX_UNREAD_SHOWN + 2);
    expect(out[0]).toBe("300,000 lines not read:");
    expect(out.at(-1)).toMatch(/… and 299,950 more lines from line 53 on \(the first 50 are shown\)/);
  });

  it("deep indentation and long runs of nested items neither throw nor lose the items", () => {
    const lines = ["== Open: at risk =="];
    for (let i = 0; i < 20_000; i++) lines.push(`${" ".repeat(i % 40)}* x${i}`);
    const mail = importMail(lines.join("\n").slice(0, MAX_IMPORT_BYTES));
    const count = mail.items.reduce((sum, item) => sum + 1 + item.children.length, 0);
    expect(count + mail.problems.length).toBe(20_000);
  });
});
