import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderIndex, renderProjectPage } from "../../../adapters/http/page.js";
import { DEMO_MAIL, loadDemo } from "../../../src/demo.js";
import { describeImport } from "../../../src/mail/import-summary.js";
import { exportMarkdown, exportText } from "../../../src/mail/export.js";
import { FakeChat } from "../../support/fake-chat.js";

// Issue 10, item 10: one definition of what a count of features counts (sub-items, not the feature
// they are under), used by the summary, the release list, the import, the exports and the web page.
describe("what is counted", () => {
  async function demo() {
    const chat = new FakeChat();
    const report = await loadDemo(chat.store, readFileSync(DEMO_MAIL, "utf8"), chat.clock);
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    await chat.setup("!bind xen");
    const project = chat.store.read().projects["xen"]!;
    return { chat, report: report.value, project, release: project.releases["4.3"]! };
  }
  const TOTAL = "40 features (sub-items counted, not the 1 feature they are under)";

  it("gives the same number, said the same way, everywhere", async () => {
    const { chat, report, project, release } = await demo();
    expect(await chat.say("!release list")).toContain(`4.3: ${TOTAL} (current)`);
    expect(await chat.say("!stock")).toContain(`${TOTAL}: 7 finished, 12 on track, 5 fair, 16 at risk.`);
    expect(describeImport(report, "plan.json").lines[0]).toBe(`Imported ${TOTAL} into xen 4.3 (plan.json).`);
    expect(exportText(project, release, chat.clock.now())).toContain(`${TOTAL}: 7 finished`);
    expect(exportMarkdown(project, release, chat.clock.now())).toContain(`${TOTAL}: 7 finished`);
    const page = renderProjectPage({ project, release, points: [], changes: [], state: chat.store.read(), now: chat.clock.now(), prefix: "!" });
    expect(page).toContain(`${TOTAL}: 7 finished`);
    expect(renderIndex([{ project, release }], chat.clock.now())).toContain(`${TOTAL}: 7 finished`);
  });

  it("a feature that gets a sub-item stops counting, and its sub-item counts instead", async () => {
    const { chat } = await demo();
    await chat.setup("!add Linux side --under blktap3");
    expect(await chat.say("!release list")).toContain("4.3: 40 features (sub-items counted, not the 2 features they are under)");
    await chat.setup("!add Tools side --under blktap3");
    expect(await chat.say("!stock")).toContain("41 features (sub-items counted, not the 2 features they are under)");
  });

  it("says one feature in the singular and leaves the explanation out when nothing has sub-items", async () => {
    const chat = new FakeChat();
    await chat.setup("!project new xen", "!bind xen", "!release new 4.3", "!add blktap3");
    expect(await chat.say("!release list")).toContain("4.3: 1 feature (current)");
  });
});
