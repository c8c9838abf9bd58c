import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FakeChat, MAINTAINER, RM } from "../../support/fake-chat.js";

const mail = (name: string) => readFileSync(new URL(`../../fixtures/reimport/${name}`, import.meta.url), "utf8");

async function room() {
  const chat = new FakeChat();
  chat.clock.set("2014-06-17T09:00:00Z");
  await chat.setup("!project new xen Xen Project", "!release new 4.5");
  return chat;
}

describe("!import with a mail pasted below it", () => {
  it("shows the dry run, writes nothing, and imports on !yes", async () => {
    const chat = await room();
    const seq = chat.store.read().seq;
    const dry = await chat.say(`!import\n${mail("4.5-june.txt")}`, RM);
    expect(dry).toContain("Would import 7 features (in 1 area grouping) into xen 4.5 (nothing is written yet).");
    expect(dry).toContain("!yes");
    expect(chat.store.read().seq).toBe(seq);
    const done = await chat.say("!yes", RM);
    expect(done).toContain("Imported 7 features (in 1 area grouping) into xen 4.5.");
    expect(chat.store.read().projects["xen"]!.releases["4.5"]!.features["pvh-dom0"]!.bucket).toBe("on-track");
  });

  it("moves features when next month's mail is pasted, and names the ambiguous item instead of guessing", async () => {
    const chat = await room();
    await chat.say(`!import --yes\n${mail("4.5-june.txt")}`, RM);
    chat.clock.set("2014-07-16T09:00:00Z");
    const dry = await chat.say(`!import\n${mail("4.5-july.txt")}`, RM);
    expect(dry).toContain("Would move 2 features to another bucket:");
    expect(dry).toContain("PVH dom0: on track → finished (line 8)");
    expect(dry).toContain("“xl: vNUMA support” could be xl: vNUMA config support (xl-vnuma-config-support) or xl: vNUMA topology support (xl-vnuma-topology-support)");
    await chat.say("!yes", RM);
    const release = chat.store.read().projects["xen"]!.releases["4.5"]!;
    expect(release.features["pvh-dom0"]!.bucket).toBe("done");
    expect(release.features["xl-vnuma-support"]).toBeUndefined();
    const history = await chat.say("!history pvh-dom0", RM);
    expect(history).toMatch(/finished/);
  });

  it("is for release managers only, and says what to paste when nothing is", async () => {
    const chat = await room();
    expect(await chat.say(`!import\n${mail("4.5-june.txt")}`, MAINTAINER)).toMatch(/release manager|not allowed|permission|may not/i);
    expect(await chat.say("!import", RM)).toContain("Paste the mail on the lines after !import");
    expect(await chat.say("!import\njust some chatter, no headings", RM)).toContain("Nothing could be read");
  });

  it("takes a mail longer than a command may be, but not a book", async () => {
    const chat = await room();
    const long = `${mail("4.5-june.txt")}\n${"Some prose about the release that goes on.\n".repeat(150)}`;
    expect(long.length).toBeGreaterThan(4_000);
    expect(await chat.say(`!import --yes\n${long}`, RM)).toContain("Imported 7 features");
    expect(await chat.say(`!import\n${"x".repeat(200_000)}`, RM)).toContain("a pasted mail is at most 100,000");
    expect(await chat.say(`!stock ${"x".repeat(5_000)}`, RM)).toContain("commands are at most 4,000");
  });
});
