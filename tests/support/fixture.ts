import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURE_PATH = fileURLToPath(new URL("../fixtures/xen-4.3-taking-stock.txt", import.meta.url));
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
