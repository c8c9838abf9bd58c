/**
 * "stocktake: stock", "Stocktake, status blktap3 fair", "@stocktake:example.org: stock": IRC-style
 * addressing by any of the bot's names, followed by ":" or "," (or nothing more). `mentions` are
 * platform mention tokens ("<@123>" on Discord) that a space alone may follow. Returns the command
 * text, or undefined when the message is not addressed to the bot. The prefix is the core's
 * business (Stocktake.handle): adapters only say whether the bot was addressed.
 */
export function addressedText(body: string, names: readonly string[], mentions: readonly string[] = []): string | undefined {
  const mention = mentions.find((token) => token !== "" && body.trimStart().startsWith(token));
  if (mention !== undefined) return body.trimStart().slice(mention.length).replace(/^[\s,:]+/, "").trim();
  const match = addressedPattern(names)?.exec(body);
  return match ? match[1]!.trim() : undefined;
}

/**
 * The pattern for a set of names, built once: adapters ask for every message with the same few
 * names (they change only with a nick change), and compiling a regex per message showed in the
 * IRC reply latency.
 */
const patterns = new Map<string, RegExp | null>();
const MAX_PATTERNS = 64;

function addressedPattern(names: readonly string[]): RegExp | undefined {
  const key = JSON.stringify(names);
  let pattern = patterns.get(key);
  if (pattern === undefined) {
    // Longest first: "@bot:example.org" must not stop at "bot".
    const alternatives = [...new Set(names.map((name) => name.trim().replace(/^@/, "")).filter((name) => name !== ""))].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = alternatives.length === 0 ? null : new RegExp(`^\\s*@?(?:${alternatives.join("|")})(?:\\s*[:,]\\s*|\\s*$)([\\s\\S]*)$`, "i");
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern ?? undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
