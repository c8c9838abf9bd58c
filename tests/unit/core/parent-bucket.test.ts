import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderProjectPage } from "../../../adapters/http/page.js";
import { DEMO_MAIL, loadDemo } from "../../../src/demo.js";
import { exportText } from "../../../src/mail/export.js";
import { FakeChat } from "../../support/fake-chat.js";

// Issue 10, item 9: a parent is shown where its sub-items are, by one rule that `!stock`, `!show`,
// the exports and the web page share, and a change that moves a parent says so.
describe("where a parent is shown", () => {
  async function demo() {
    const chat = new FakeChat();
    const report = await loadDemo(chat.store, readFileSync(DEMO_MAIL, "utf8"), chat.clock);
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    await chat.setup("!bind xen");
    return chat;
  }
  /** The bucket headings each line of a summary-like text sits under. */
  function headingsOf(text: string, title: string): string[] {
    let heading = "";
    const found: string[] = [];
    for (const line of text.split("\n")) {
      const match = /^(?:== (.+) ==|<h2[^>]*>(?:<span[^>]*><\/span>)?([^<]+)<\/h2>)$/.exec(line.trim());
      if (match) heading = (match[1] ?? match[2] ?? "").trim();
      else if (line.includes(title) && heading) found.push(heading);
    }
    return [...new Set(found)];
  }

  it("says in the reply when adding a sub-item in another bucket moves the parent", async () => {
    const chat = await demo();
    const reply = await chat.say("!add Linux side --under pvh --bucket at-risk");
    expect(reply).toContain("Added Linux side as at risk, under PVH mode (Xen & Linux)");
    expect(reply).toContain("PVH mode (Xen & Linux) is now shown under at risk, where its sub-items are (was on track).");
  });

  it("shows the parent in the same bucket in !stock, !show and the export", async () => {
    const chat = await demo();
    await chat.setup("!add Linux side --under pvh --bucket at-risk");
    const stock = await chat.say("!stock full");
    expect(headingsOf(stock!, "PVH mode (Xen & Linux)")).toEqual(["Features at risk"]);
    const show = await chat.say("!show pvh");
    expect(show).toContain("status: shown under at risk, where its sub-items are");
    expect(show).not.toContain("[on track]");
    const state = chat.store.read();
    const project = state.projects["xen"]!;
    const release = project.releases["4.3"]!;
    expect(headingsOf(exportText(project, release, chat.clock.now()), "PVH mode (Xen & Linux)")).toEqual(["Features at risk"]);
    const page = renderProjectPage({ project, release, points: [], changes: [], state, now: chat.clock.now(), prefix: "!" });
    const buckets = [...page.matchAll(/<section class="bucket b-([a-z-]+)"[^\n]*?<\/section>/g)].filter((m) => m[0].includes("PVH mode (Xen &amp; Linux)")).map((m) => m[1]);
    expect(buckets).toEqual(["at-risk"]);
  });

  it("a parent finished in part shows it in !show as in !stock", async () => {
    const chat = await demo();
    const show = await chat.say("!show Default to QEMU upstream");
    expect(show).toContain("status: shown under finished (partial), on track, where its sub-items are");
    expect(show).not.toMatch(/\[(finished|on track)\]/);
  });

  it("says so when a sub-item's status, a move or an undo moves the parent, and says nothing when it stays", async () => {
    const chat = await demo();
    await chat.setup("!add Linux side --under pvh --bucket at-risk");
    expect(await chat.say("!status linux side fair")).toContain("PVH mode (Xen & Linux) is now shown under fair, where its sub-items are (was at risk).");
    expect(await chat.say("!undo")).toContain("PVH mode (Xen & Linux) is now shown under at risk, where its sub-items are (was fair).");
    await chat.setup("!add Tools side --under pvh --bucket at-risk");
    expect(await chat.say("!status tools side fair")).toContain("PVH mode (Xen & Linux) is now shown under fair, at risk, where its sub-items are (was at risk).");
    expect(await chat.say("!owner tools side Mukesh")).not.toContain("is now shown under");
    expect(await chat.say("!move tools side under top")).toContain("PVH mode (Xen & Linux) is now shown under at risk, where its sub-items are (was fair, at risk).");
    expect(await chat.say("!remove linux side --yes")).toContain("PVH mode (Xen & Linux) is now shown under on track, its own status now that it has no sub-items (was at risk).");
  });
});
