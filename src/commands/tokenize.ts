import { fail, ok, type Result } from "../util/result.js";

export interface Token {
  text: string;
  /** Came from quotes: never read as a flag or a keyword. */
  quoted: boolean;
  /** A quoted word as typed, quotes and all: what it is when it is part of a longer text. */
  raw?: string;
}

/** Opening quote → the quote that closes it. Phones and macOS turn "…" into “…” as people type. */
const QUOTES: Record<string, string> = {
  '"': '"',
  "'": "'",
  "\u201c": "\u201d", // “ ”
  "\u201d": "\u201d", // ” ” (some keyboards use the closing mark on both sides)
  "\u2018": "\u2019", // ‘ ’
  "\u201e": "\u201c", // „ “
  "\u00ab": "\u00bb", // « »
};

const SPACE = /\s/;

/**
 * Splits a command line into words. Quotes group words ("…", '…', “…”, ‘…’) but only at the start
 * of a word, so apostrophes in "don't" stay literal; a backslash takes the next character as is.
 */
export function tokenize(input: string): Result<Token[]> {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    while (index < input.length && SPACE.test(input[index]!)) index++;
    if (index >= input.length) break;
    let text = "";
    let quoted = false;
    let raw = "";
    const open = input[index]!;
    const close = QUOTES[open];
    if (close !== undefined) {
      const start = index;
      index++;
      let closed = false;
      while (index < input.length) {
        const char = input[index]!;
        if (char === "\\" && index + 1 < input.length) {
          text += input[index + 1];
          index += 2;
          continue;
        }
        if (char === close || (close === "\u201d" && char === "\u201c")) {
          raw = `${open}${text}${char}`;
          closed = true;
          index++;
          break;
        }
        text += char;
        index++;
      }
      if (!closed) {
        return fail("usage", `The quote that opens at “${input.slice(start, start + 20)}” is never closed. Close it, or put a \\ before it.`);
      }
      quoted = true;
    }
    // Unquoted part, or what sticks to a closing quote ("foo"bar is one word).
    const stuck = text.length;
    while (index < input.length && !SPACE.test(input[index]!)) {
      const char = input[index]!;
      if (char === "\\" && index + 1 < input.length) {
        text += input[index + 1];
        index += 2;
        continue;
      }
      text += char;
      index++;
    }
    tokens.push(quoted ? { text, quoted, raw: raw + text.slice(stuck) } : { text, quoted });
  }
  return ok(tokens);
}

export interface ParsedFlags {
  words: Token[];
  flags: Map<string, string | true>;
}

/**
 * Takes `--flag`, `--key=value` and `--key value` (for keys in `valued`) out of the words. A key in
 * `text` takes every word up to the next flag (`--owner George Dunlap --note needs review`); other
 * valued keys take one word. After a bare `--`, everything is a word.
 */
export function extractFlags(tokens: readonly Token[], valued: ReadonlySet<string>, text: ReadonlySet<string> = new Set()): ParsedFlags {
  const words: Token[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.quoted || !token.text.startsWith("--") || token.text.length === 2) {
      if (!token.quoted && token.text === "--") {
        words.push(...tokens.slice(i + 1));
        break;
      }
      words.push(token);
      continue;
    }
    const body = token.text.slice(2);
    const eq = body.indexOf("=");
    if (eq > 0) {
      flags.set(body.slice(0, eq).toLowerCase(), body.slice(eq + 1));
      continue;
    }
    const name = body.toLowerCase();
    let end = i + 1;
    if (valued.has(name) || text.has(name)) {
      const limit = text.has(name) ? tokens.length : i + 2;
      while (end < limit && end < tokens.length && !isFlag(tokens[end]!)) end++;
    }
    flags.set(name, end > i + 1 ? tokens.slice(i + 1, end).map((part) => part.text).join(" ") : true);
    i = end - 1;
  }
  return { words, flags };
}

function isFlag(token: Token): boolean {
  return !token.quoted && token.text.startsWith("--");
}
