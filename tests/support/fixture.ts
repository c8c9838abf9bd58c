import { readFileSync } from "node:fs";
import { DEMO_MAIL } from "../../src/demo.js";

/** The demo's Xen 4.3 mail: the plan most tests start from. */
export const FIXTURE_PATH = DEMO_MAIL;
export const FIXTURE = readFileSync(FIXTURE_PATH, "utf8");

/**
 * The mail's feature sections: from the first `==` heading to the end, trailing space trimmed.
 * The mail indents one sub-item (line 43) with a non-breaking space, a mail client's doing; it is
 * compared as the plain space every other sub-item has.
 */
export function featureSections(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\u00a0/g, " ").split("\n");
  const first = lines.findIndex((line) => /^==.*==\s*$/.test(line));
  return lines
    .slice(first)
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();
}
