/** Text with pieces: the one vocabulary every renderer knows. Imports nothing. */

/**
 * A piece of a reply's text that each platform shows its own way, so no core string bakes in one
 * platform's form: a command is `!status` or `/status` (or the configured prefix), a person is a
 * Discord mention, a Matrix pill or an IRC nick, code is `code` where markup exists and bare on IRC.
 */
export type Piece =
  /** A command people can type: `path` without prefix ("release new"), `args` as typed after it ("VERSION"). */
  | { cmd: string; args?: string }
  /** A person by platform-qualified id ("discord:81234", "matrix:@alice:example.org"). */
  | { person: string }
  /** A literal to type as it is: a config key, a keyword such as `none`. */
  | { code: string }
  | { em: string };

export type Inline = string | Piece;

/** The text of a block or item: plain, or plain strings and pieces in order. */
export type Text = string | readonly Inline[];

/** "release new", "VERSION" → a command reference piece. */
export function cmd(path: string, args?: string): Piece {
  return args === undefined || args === "" ? { cmd: path } : { cmd: path, args };
}

export function person(id: string): Piece {
  return { person: id };
}

export function code(text: string): Piece {
  return { code: text };
}

/**
 * Text with pieces, written like a template string: t`Start one with ${cmd("release new", "4.3")}.`.
 * Strings and numbers are kept as text; pieces stay pieces.
 */
export function t(strings: TemplateStringsArray, ...values: readonly (Inline | number | readonly Inline[])[]): Inline[] {
  const out: Inline[] = [];
  for (let index = 0; index < strings.length; index++) {
    pushInline(out, strings[index]!);
    if (index >= values.length) continue;
    const value = values[index]!;
    if (typeof value === "number") pushInline(out, String(value));
    else if (Array.isArray(value)) for (const part of value as readonly Inline[]) pushInline(out, part);
    else pushInline(out, value as Inline);
  }
  return out;
}

// A function of the module, not a closure made in `t`: under tsx (esbuild's keepNames) every named
// closure is renamed with Object.defineProperty each time it is made, and `t` runs for most replies.
function pushInline(out: Inline[], part: Inline): void {
  if (part === "") return;
  const last = out.at(-1);
  if (typeof part === "string" && typeof last === "string") out[out.length - 1] = last + part;
  else out.push(part);
}

/** Joins texts with a separator, keeping pieces: for building a line from parts. */
export function joinText(parts: readonly Text[], separator = ""): Inline[] {
  return parts.flatMap((part, index) => [...(index > 0 && separator !== "" ? [separator] : []), ...(typeof part === "string" ? [part] : part)]);
}
