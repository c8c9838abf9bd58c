import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeName } from "../../../src/plan/name-index.js";
import { fitLine } from "../../../src/reply/irc-lines.js";
import { utf8Bytes } from "../../../src/util/utf8.js";
import { cleanTyped, codePoint, neutralise } from "../../../src/util/typed-text.js";

// The short cuts taken for printable ASCII and short lines (the reply path's common case) give what
// the full Unicode-aware passes give. The references below are those passes, written out.

/** Mostly printable ASCII, with quotes, runs of spaces, tabs, controls and non-ASCII mixed in. */
const typed = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), weight: 8 },
    { arbitrary: fc.constantFrom(" ", "  ", '"', "`", "\t", "\n", "\u0003", "\u007f", "\u0085", "\u00a0", "\u202e", "\u200b", "\u2019", "“", "ﬁ", "Å", "é", "😀", "Ⅻ"), weight: 2 },
  ),
  maxLength: 40,
});

function normalizeNameReference(text: string): string {
  return neutralise(text)
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201c\u201d"`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** fitLine without its short-line short cut: every line measured. */
function fitLineReference(line: string, maxBytes: number): string[] {
  const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
  const out: string[] = [];
  let rest = line;
  while (utf8Bytes(rest) > maxBytes) {
    let bytes = 0;
    let cut = 0;
    let lastSpace = -1;
    for (const { segment, index } of graphemes.segment(rest)) {
      const size = utf8Bytes(segment);
      if (bytes + size > maxBytes) break;
      bytes += size;
      cut = index + segment.length;
      if (segment === " ") lastSpace = index;
    }
    const at = lastSpace > 0 ? lastSpace : Math.max(cut, 1);
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== "" || out.length === 0) out.push(rest);
  return out;
}

describe("short cuts on the reply path", () => {
  it("normalizeName gives what the full Unicode passes give, for any text", () => {
    fc.assert(
      fc.property(typed, (text) => {
        expect(normalizeName(text)).toBe(normalizeNameReference(text));
      }),
      { numRuns: 2_000 },
    );
    expect(normalizeName('  The  "Quoted" `Name` ')).toBe("the quoted name");
  });

  it("cleanTyped gives what NFC and the removal of unsafe characters give, for any text", () => {
    fc.assert(
      fc.property(typed, (text) => {
        const cleaned = cleanTyped(text);
        const normal = text.normalize("NFC");
        expect(cleaned.text).toBe(neutralise(normal.replace(/\t/g, " ")));
        expect(cleaned.removed).toEqual([...new Set([...normal].filter((char) => char !== "\t" && neutralise(char) === ""))].map(codePoint));
      }),
      { numRuns: 2_000 },
    );
    expect(cleanTyped("!show blktap3")).toEqual({ text: "!show blktap3", removed: [] });
  });

  it("fitLine gives what measuring every line gives, short lines and long", () => {
    fc.assert(
      fc.property(typed, fc.integer({ min: 1, max: 130 }), (line, maxBytes) => {
        expect(fitLine(line, maxBytes)).toEqual(fitLineReference(line, maxBytes));
      }),
      { numRuns: 3_000 },
    );
    // Three bytes a unit fit exactly; one more unit of three bytes does not.
    expect(fitLine("€€€", 9)).toEqual(["€€€"]);
    expect(fitLine("€€€€", 9)).toEqual(["€€€", "€"]);
  });
});
