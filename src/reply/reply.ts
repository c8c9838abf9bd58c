import type { Bucket, Health } from "../model/buckets.js";
import type { Failure, FailureCode } from "../util/result.js";

/**
 * What a command answers, in no platform's markup. Text in here is plain: each renderer escapes it
 * for its platform (HTML for Matrix, markdown for Discord, nothing for IRC and mail).
 */
export interface Reply {
  tone: "ok" | "info" | "error";
  /** Why it failed, when it is a failure: what the dispatcher and metrics count, never guessed from the tone. */
  failure?: FailureCode;
  blocks: Block[];
  /** Only the person who asked should see it, where the platform can do that (Discord ephemeral). */
  private?: boolean;
  /** The person asked for all of it: do not condense it where space is short (IRC). */
  full?: boolean;
  /**
   * Where the whole of it can be seen: the project's web page. Renderers show it last; a condensed
   * reply (IRC) points at it instead of the full list, and a Discord embed uses it as its URL.
   */
  link?: ReplyLink;
  /** For a renderer that condenses: the command, without prefix, that shows all of it ("stock full"). */
  expand?: string;
  /** Set on a release summary: facts a renderer may show richly (a colour, a live countdown). */
  overview?: ReleaseOverview;
}

export interface ReplyLink {
  /** "Web page" */
  text: string;
  url: string;
}

/** How a release stands, beside its summary. Renderers that cannot use it ignore it. */
export interface ReleaseOverview {
  /** Overall health (see `releaseHealth`); absent while the release has no planned features. */
  health?: Health;
  /** The next milestone; `deadline` is the instant its date ends in its time zone (ISO 8601). */
  next?: { label: string; date: string; deadline: string };
}

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
  const push = (part: Inline) => {
    if (part === "") return;
    const last = out.at(-1);
    if (typeof part === "string" && typeof last === "string") out[out.length - 1] = last + part;
    else out.push(part);
  };
  strings.forEach((text, index) => {
    push(text);
    if (index >= values.length) return;
    const value = values[index]!;
    if (typeof value === "number") push(String(value));
    else if (Array.isArray(value)) (value as readonly Inline[]).forEach(push);
    else push(value as Inline);
  });
  return out;
}

/** Joins texts with a separator, keeping pieces: for building a line from parts. */
export function joinText(parts: readonly Text[], separator = ""): Inline[] {
  return parts.flatMap((part, index) => [...(index > 0 && separator !== "" ? [separator] : []), ...(typeof part === "string" ? [part] : part)]);
}

export type Block =
  | { type: "heading"; text: Text }
  | { type: "text"; text: Text }
  | { type: "list"; items: ListItem[] }
  | { type: "sections"; sections: Section[] }
  | { type: "pre"; text: string };

export interface ListItem {
  text: Text;
  /** A status badge shown beside the text. */
  badge?: Bucket;
  /** Lines under the item, such as "owner: Anthony Perard". */
  details?: Text[];
  children?: ListItem[];
}

/** One bucket of a summary: "== Features at risk ==" and its items. */
export interface Section {
  bucket: Bucket;
  heading: string;
  items: ListItem[];
}

export function textReply(text: Text, tone: Reply["tone"] = "ok"): Reply {
  return { tone, blocks: [{ type: "text", text }] };
}

export function failureReply(failure: Failure): Reply {
  const blocks: Block[] = [{ type: "text", text: failure.message }];
  if (failure.details && failure.details.length > 0) {
    blocks.push({ type: "list", items: failure.details.map((text): ListItem => ({ text })) });
  }
  return { tone: "error", failure: failure.code, blocks, private: true };
}
