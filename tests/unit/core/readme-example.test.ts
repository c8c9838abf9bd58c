import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_MAIL, loadDemo } from "../../../src/demo.js";
import { FakeChat } from "../../support/fake-chat.js";

// Issue 10, item 14: the README's first example is what a new user types first, in the demo
// (`npm start -- --demo`). Each command in it answers what the README shows; only the dates
// differ, because the demo moves the schedule to today (the README says so).
const README = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const FIRST_EXAMPLE = /```\n([\s\S]*?)```/.exec(README)![1]!;

/** The example as [command, the lines shown under it up to the next command]. */
function exchanges(example: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const line of example.split("\n")) {
    if (line.startsWith("!")) out.push([line, []]);
    else if (line.trim() !== "" && line.trim() !== "...") out.at(-1)?.[1].push(line);
  }
  return out;
}

const undated = (line: string) => line.replace(/\(\d{1,2} \w+ \d{4}\)/, "(DATE)");

describe("the README's first example, in the demo", () => {
  it("answers each command as the README shows", async () => {
    const chat = new FakeChat();
    const report = await loadDemo(chat.store, readFileSync(DEMO_MAIL, "utf8"), chat.clock);
    expect(report.ok).toBe(true);
    await chat.setup("!bind xen");
    const shown = exchanges(FIRST_EXAMPLE);
    expect(shown.map(([command]) => command)).toEqual(["!status blktap3 fair", "!stock"]);
    for (const [command, lines] of shown) {
      const answer = ((await chat.say(command)) ?? "").split("\n").filter((line) => line.trim() !== "");
      // The README shows the start of each answer, in order: each shown line is in the answer, after the one before.
      let from = 0;
      for (const line of lines) {
        const at = answer.findIndex((said, index) => index >= from && undated(said) === undated(line));
        expect(at, `${command}: ${line}\n--- answer ---\n${answer.join("\n")}`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
    }
  });
});
