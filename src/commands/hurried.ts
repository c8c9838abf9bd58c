import { parseBucket } from "../model/buckets.js";
import { findCommand, topLevelNames } from "./registry.js";
import type { CommandSpec } from "./spec.js";
import type { Token } from "./tokenize.js";

/**
 * A command as a hurried person types it, read as they meant it: `!stock.` (a sentence's full
 * stop), `!owners X George` (a plural), `!status fair blktap3` (the bucket first), `!move X to top`.
 * Only what has one obvious reading is changed; anything else is left for the command to refuse
 * with its usage. Quoted words are never touched.
 */
export function readHurried(tokens: readonly Token[], commands: readonly CommandSpec[]): Token[] {
  const copy = [...tokens];
  // Looked up once for the words as typed; again only if the reading below changed them.
  const asTyped = findCommand(commands, pathWords(copy));
  let out = asTyped ? copy : singularCommand(copy, commands);
  out = withoutFullStop(out, commands);
  const found = out === copy ? asTyped : findCommand(commands, pathWords(out));
  const name = found?.spec.path.length === 1 ? found.spec.path[0] : undefined;
  if (name === "status") out = [...out.slice(0, found!.length), ...bucketLast(out.slice(found!.length))];
  if (name === "move") out = [...out.slice(0, found!.length), ...moveTo(out.slice(found!.length))];
  return out;
}

function pathWords(tokens: readonly Token[]): string[] {
  return tokens.map((token) => (token.quoted ? "\u0000" : token.text));
}

/** `!owners`, `!notes`, `!aliases`: a plural of a command that has no plural of its own. */
function singularCommand(tokens: Token[], commands: readonly CommandSpec[]): Token[] {
  const first = tokens[0];
  if (!first || first.quoted || findCommand(commands, pathWords(tokens))) return tokens;
  const names = new Set(topLevelNames(commands));
  const word = first.text.toLowerCase().replace(/[.?!]$/, "");
  if (names.has(word)) return tokens;
  const singular = [word.replace(/es$/, ""), word.replace(/s$/, "")].find((candidate) => candidate !== word && names.has(candidate));
  return singular ? [{ ...first, text: singular }, ...tokens.slice(1)] : tokens;
}

/** Parameters and flags whose text is the person's own prose: a full stop there is theirs to keep. */
const PROSE = new Set(["text", "note"]);

/**
 * A message that ends like a sentence (`!stock.`, `!show blktap3.`, `!help status?`): the stop is
 * punctuation, not part of the last word, unless that word is a note's text.
 */
function withoutFullStop(tokens: Token[], commands: readonly CommandSpec[]): Token[] {
  const last = tokens.at(-1);
  if (!last || last.quoted || !/[^.?!][.?!]$/.test(last.text)) return tokens;
  // A switch said last (`--clear.`) loses its stop; a flag's own value (`--note=done.`) keeps it.
  if (last.text.startsWith("--") && !/^--[a-z][a-z-]*[.?!]$/i.test(last.text)) return tokens;
  const stripped = [...tokens.slice(0, -1), { ...last, text: last.text.slice(0, -1) }];
  const found = findCommand(commands, pathWords(stripped));
  if (!found) return tokens;
  if (found.length === stripped.length) return stripped;
  const lastFlag = [...stripped].reverse().find((token) => !token.quoted && /^--[a-z]/i.test(token.text));
  if (lastFlag) return PROSE.has(lastFlag.text.slice(2).split("=")[0]!.toLowerCase()) ? tokens : stripped;
  const lastParam = found.spec.params.at(-1);
  return lastParam && PROSE.has(lastParam.name) ? tokens : stripped;
}

/** `!status fair blktap3` and `!status at risk blktap3`: the bucket was said first. */
function bucketLast(words: Token[]): Token[] {
  const flagAt = words.findIndex((token) => !token.quoted && token.text.startsWith("--"));
  const positional = flagAt === -1 ? words : words.slice(0, flagAt);
  const flags = flagAt === -1 ? [] : words.slice(flagAt);
  if (positional.length < 2 || isBucket(positional.slice(-1)) || isBucket(positional.slice(-2))) return words;
  const lead = [2, 1].find((n) => positional.length > n && isBucket(positional.slice(0, n)));
  return lead === undefined ? words : [...positional.slice(lead), ...positional.slice(0, lead), ...flags];
}

function isBucket(part: readonly Token[]): boolean {
  return part.length > 0 && part.every((token) => !token.quoted) && parseBucket(part.map((token) => token.text).join(" ")) !== undefined;
}

/**
 * `!move X to top`: "to" said before "top". Only then: a "to" elsewhere may be part of a title
 * ("Port to ARM"), and the command's own refusal says to write "under".
 */
function moveTo(words: Token[]): Token[] {
  const n = words.length;
  const last = words[n - 1];
  const before = words[n - 2];
  if (n < 3 || !last || !before || last.quoted || before.quoted || !/^top$/i.test(last.text) || before.text.toLowerCase() !== "to") return words;
  return [...words.slice(0, n - 2), last];
}
