import type { Bucket, Health } from "../model/buckets.js";
import type { Failure, FailureCode } from "../util/result.js";
import type { Text } from "./text.js";

export * from "./text.js";

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
  /**
   * A short form for where lines are few (IRC): `label`, then `names` packed into lines (broken
   * between names only), then `after`. Help has one: the command names and "!help COMMAND for one".
   */
  brief?: ReplyBrief;
}

export interface ReplyBrief {
  label: string;
  names: Text[];
  after: Text;
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
