import { parseBucket } from "../model/buckets.js";
import { fail, ok, type Result } from "../util/result.js";
import type { ParamSpec } from "./params.js";
import { isFreeText, type CommandSpec } from "./spec.js";
import type { Token } from "./tokenize.js";

/**
 * Matches the words of a command line to a spec's parameters, so people need no quotes:
 * - parameters before the first free-text one take one word each;
 * - parameters after it are taken from the end (a bucket may be two words: "at risk");
 * - the free-text parameter gets what is left in the middle;
 * - two free-text parameters are split at the spec's separator ("to", "under", a trailing ":"),
 *   at the place where the left side names a feature that exists.
 */
export function bindWords(
  spec: Pick<CommandSpec, "params" | "separator">,
  words: readonly Token[],
  isFeature: (name: string) => boolean,
): Result<Record<string, string>> {
  const params = spec.params;
  const values: Record<string, string> = {};
  const firstFree = params.findIndex(isFreeText);
  const lead = firstFree < 0 ? params : params.slice(0, firstFree);
  let start = 0;
  let end = words.length;

  if (firstFree < 0) {
    // Only single words: fill in order, optional ones only when they fit.
    for (const param of params) {
      const word = words[start];
      if (!word) break;
      if (param.kind === "bucket") {
        const pair = words[start + 1];
        const width = pair && parseBucket(`${word.text} ${pair.text}`) ? 2 : 1;
        if (param.required === false && width === 1 && !parseBucket(word.text)) continue;
        values[param.name] = joined(words.slice(start, start + width));
        start += width;
        continue;
      }
      if (param.required === false && param.accepts && !param.accepts(word.text)) continue;
      values[param.name] = word.text;
      start++;
    }
    if (start < words.length) return fail("usage", `I did not understand “${joined(words.slice(start))}”.`);
    return ok(values);
  }

  for (const param of lead) {
    const word = words[start];
    if (!word) break;
    values[param.name] = word.text;
    start++;
  }

  const rest = params.slice(firstFree + 1);
  const secondFree = rest.findIndex(isFreeText);
  const tail = secondFree < 0 ? rest : rest.slice(secondFree + 1);
  for (const param of [...tail].reverse()) {
    const width = trailingWidth(param, words, start, end, firstFree, params);
    if (width === 0) continue;
    values[param.name] = joined(words.slice(end - width, end), param);
    end -= width;
  }

  const middle = words.slice(start, end);
  const first = params[firstFree]!;
  if (secondFree < 0) {
    if (middle.length > 0) values[first.name] = joined(middle, first);
    return ok(values);
  }
  const second = rest[secondFree]!;
  const split = splitTwo(middle, spec.separator, first.kind === "feature" ? isFeature : () => false);
  if (!split) return ok(values); // Missing pieces are reported by the schema as usage errors.
  if (split.left.length > 0) values[first.name] = joined(split.left, first);
  if (split.right.length > 0) values[second.name] = joined(split.right, second);
  return ok(values);
}

function trailingWidth(param: ParamSpec, words: readonly Token[], start: number, end: number, firstFree: number, params: readonly ParamSpec[]): number {
  // Leave at least one word for a required free-text parameter.
  const free = params[firstFree];
  const reserve = free && free.required !== false ? 1 : 0;
  const available = end - start - reserve;
  if (available <= 0) return 0;
  const last = words[end - 1]!;
  if (param.kind === "bucket") {
    if (available >= 2) {
      const two = `${words[end - 2]!.text} ${last.text}`;
      if (parseBucket(two)) return 2;
    }
    if (param.required === false && !parseBucket(last.text)) return 0;
    return 1;
  }
  if (param.required === false && param.accepts && !param.accepts(last.text)) return 0;
  return 1;
}

function splitTwo(
  middle: readonly Token[],
  separator: string | undefined,
  isFeature: (name: string) => boolean,
): { left: Token[]; right: Token[] } | undefined {
  // Titles contain the separator too ("V4V: Inter-domain communication", "Default to QEMU upstream"):
  // the longest left side that names a feature wins, else the first separator.
  const cuts = separator ? cutsAt(middle, separator) : [];
  const named = [...cuts].reverse().find((cut) => isFeature(joined(cut.left)));
  const cut = named ?? cuts[0];
  if (cut) return cut;
  // No separator: the longest start that names a feature, else the first word (or quoted group).
  for (let i = middle.length - 1; i >= 1; i--) {
    if (isFeature(joined(middle.slice(0, i)))) return { left: middle.slice(0, i), right: middle.slice(i) };
  }
  if (middle.length >= 2) return { left: middle.slice(0, 1), right: middle.slice(1) };
  return middle.length === 1 ? { left: [...middle], right: [] } : undefined;
}

/** Every place the separator splits the words: a word of its own, or (for ":") the end of a word. */
function cutsAt(middle: readonly Token[], separator: string): { left: Token[]; right: Token[] }[] {
  const cuts: { left: Token[]; right: Token[] }[] = [];
  middle.forEach((token, i) => {
    if (token.quoted) return;
    const right = middle.slice(i + 1);
    if (i > 0 && token.text.toLowerCase() === separator) cuts.push({ left: middle.slice(0, i), right });
    else if (separator === ":" && token.text.endsWith(":") && token.text.length > 1) {
      cuts.push({ left: [...middle.slice(0, i), { text: token.text.slice(0, -1), quoted: false }], right });
    }
  });
  return cuts;
}

/**
 * The words as one value. Quotes around the whole value group it (`"Nested virt" --note x`); a
 * quote inside longer text is part of it (`The "quoted" scheduler`), except in a list of names,
 * where quotes group each name.
 */
function joined(tokens: readonly Token[], param?: ParamSpec): string {
  const literal = tokens.length > 1 && param?.name !== "owners";
  return tokens.map((token) => (literal ? (token.raw ?? token.text) : token.text)).join(" ");
}
