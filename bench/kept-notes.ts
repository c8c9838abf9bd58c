import { existsSync, readFileSync } from "node:fs";

/** The heading of the notes a results file keeps across runs: measured comparisons written by hand. */
export const NOTES_HEADING = "## Before and after";

/** What a results file holds from its notes' heading on ("" if none), to write back after a fresh table. */
export function keptNotes(file: URL): string {
  if (!existsSync(file)) return "";
  const text = readFileSync(file, "utf8");
  const at = text.indexOf(`\n${NOTES_HEADING}`);
  return at < 0 ? "" : `\n${text.slice(at + 1)}`;
}
