/**
 * What people type may carry characters that are not text: C0 and C1 controls (NUL, ESC, IRC's
 * ^B/^C colour codes, CTCP's ^A) and Unicode's bidirectional controls, which make a title read
 * backwards ("U+202E" turns "exe.txt" into "txt.exe") and let one name pass for another. They are
 * removed where text comes in, and again where any text goes out, so nothing stored before this
 * rule (or written to the data file by hand) reaches a chat neutralised only sometimes.
 */

// C0 controls but tab and newline, DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROLS = "\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F";
/** ALM, LRM, RLM, the embeddings and overrides (LRE RLE PDF LRO RLO), the isolates (LRI RLI FSI PDI). */
const BIDI = "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";
/** Invisible characters with no place in a title: zero-width space, word joiner, BOM, interlinear annotation, deprecated format controls. */
const INVISIBLE = "\\u200B\\u2060-\\u2064\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFB";

/** Printable ASCII only (no tab, no newline): already NFC, and none of the characters above. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const UNSAFE = new RegExp(`[${CONTROLS}${BIDI}${INVISIBLE}]`, "g");
const UNSAFE_TEST = new RegExp(`[${CONTROLS}${BIDI}${INVISIBLE}]`);

export interface CleanedText {
  text: string;
  /** The removed characters, as "U+202E", each once, in the order first met. */
  removed: string[];
}

/** NFC, without control, bidirectional or invisible format characters; tabs become spaces, newlines stay. */
export function cleanTyped(text: string): CleanedText {
  // Nearly every command: nothing for NFC to change and nothing to remove.
  if (PRINTABLE_ASCII.test(text)) return { text, removed: [] };
  const normal = text.normalize("NFC");
  if (!UNSAFE_TEST.test(normal) && !normal.includes("\t")) return { text: normal, removed: [] };
  const removed = new Set<string>();
  const cleaned = normal.replace(/\t/g, " ").replace(UNSAFE, (char) => {
    removed.add(codePoint(char));
    return "";
  });
  return { text: cleaned, removed: [...removed] };
}

/** The same characters removed from text about to be shown; tabs and newlines are left to the renderer. */
export function neutralise(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, "") : text;
}

export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
