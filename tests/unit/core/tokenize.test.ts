import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractFlags, tokenize } from "../../../src/commands/tokenize.js";
import { plainText } from "../../../src/reply/inline.js";

const words = (input: string) => {
  const result = tokenize(input);
  if (!result.ok) throw new Error(plainText(result.error.message));
  return result.value.map((token) => token.text);
};

describe("tokenize", () => {
  it.each([
    ["status blktap3 at-risk", ["status", "blktap3", "at-risk"]],
    ["  spaced   out\twords ", ["spaced", "out", "words"]],
    ['add "Persistent grants for net"', ["add", "Persistent grants for net"]],
    ["add 'PV audio'", ["add", "PV audio"]],
    ["add \u201cSmart quotes\u201d here", ["add", "Smart quotes", "here"]],
    ["add \u2018single smart\u2019", ["add", "single smart"]],
    ["add \u201dsame mark both sides\u201d", ["add", "same mark both sides"]],
    ["add \u201egerman quotes\u201c", ["add", "german quotes"]],
    ["note x: don't rely on ACPI", ["note", "x:", "don't", "rely", "on", "ACPI"]],
    ['add "say \\"hi\\""', ["add", 'say "hi"']],
    ["add a\\ b", ["add", "a b"]],
    ['add ""', ["add", ""]],
    ['add "glued"on', ["add", "gluedon"]],
    ["stock --since=2013-01-01", ["stock", "--since=2013-01-01"]],
    ["", []],
  ])("%j", (input, expected) => {
    expect(words(input)).toEqual(expected);
  });

  it("marks quoted words so they are never read as flags", () => {
    const result = tokenize('add "--bucket" --bucket fair');
    expect(result.ok && result.value.map((token) => token.quoted)).toEqual([false, true, false, false]);
  });

  it.each(['add "unclosed', "add \u201cunclosed", "add 'half"])("refuses an unclosed quote in %j with a message", (input) => {
    const result = tokenize(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/never closed/);
  });

  it("never throws, and its words never contain unescaped whitespace splits", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "grapheme" }), (input) => {
        const result = tokenize(input);
        if (result.ok) {
          for (const token of result.value) expect(typeof token.text).toBe("string");
        } else {
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("gives back plain words unchanged", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z0-9.,:;-]{1,12}$/), { maxLength: 12 }), (list) => {
        expect(words(list.join(" "))).toEqual(list);
      }),
    );
  });
});

describe("extractFlags", () => {
  const run = (input: string, valued: string[] = [], text: string[] = []) => {
    const result = tokenize(input);
    if (!result.ok) throw new Error(plainText(result.error.message));
    const { words: rest, flags } = extractFlags(result.value, new Set(valued), new Set(text));
    return { words: rest.map((token) => token.text), flags: Object.fromEntries(flags) };
  };

  it.each([
    ["blktap3 --yes", [], { words: ["blktap3"], flags: { yes: true } }],
    ["--since last fair", ["since"], { words: ["fair"], flags: { since: "last" } }],
    ["--since=7d", ["since"], { words: [], flags: { since: "7d" } }],
    ["x --since", ["since"], { words: ["x"], flags: { since: true } }],
    ["x --bucket --yes", ["bucket"], { words: ["x"], flags: { bucket: true, yes: true } }],
    ["x -- --not-a-flag", [], { words: ["x", "--not-a-flag"], flags: {} }],
    ['"--quoted" --Yes', [], { words: ["--quoted"], flags: { yes: true } }],
  ] as const)("%j", (input, valued, expected) => {
    expect(run(input, [...valued])).toEqual(expected);
  });

  it.each([
    ["Nested virt --owner George Dunlap --note \"needs review\"", { words: ["Nested", "virt"], flags: { owner: "George Dunlap", note: "needs review" } }],
    ["x --note needs review badly --bucket at risk", { words: ["x"], flags: { note: "needs review badly", bucket: "at risk" } }],
    ["x --note -- y", { words: ["x", "y"], flags: { note: true } }],
    ["x --note=a b", { words: ["x", "b"], flags: { note: "a" } }],
    ["x --limit 3 more words", { words: ["x", "more", "words"], flags: { limit: "3" } }],
  ] as const)("free text: %j", (input, expected) => {
    expect(run(input, ["limit"], ["note", "owner", "bucket"])).toEqual(expected);
  });
});
