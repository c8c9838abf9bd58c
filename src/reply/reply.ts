import type { Bucket } from "../model/buckets.js";
import type { Failure } from "../util/result.js";

/**
 * What a command answers, in no platform's markup. Text in here is plain: each renderer escapes it
 * for its platform (HTML for Matrix, markdown for Discord, nothing for IRC and mail).
 */
export interface Reply {
  tone: "ok" | "info" | "error";
  blocks: Block[];
  /** Only the person who asked should see it, where the platform can do that (Discord ephemeral). */
  private?: boolean;
  /** The person asked for all of it: do not condense it where space is short (IRC). */
  full?: boolean;
  /** For a renderer that condenses: the command, without prefix, that shows all of it ("stock full"). */
  expand?: string;
}

export type Block =
  | { type: "heading"; text: string }
  | { type: "text"; text: string }
  | { type: "list"; items: ListItem[] }
  | { type: "sections"; sections: Section[] }
  | { type: "pre"; text: string };

export interface ListItem {
  text: string;
  /** A status badge shown beside the text. */
  badge?: Bucket;
  /** Lines under the item, such as "owner: Anthony Perard". */
  details?: string[];
  children?: ListItem[];
}

/** One bucket of a summary: "== Features at risk ==" and its items. */
export interface Section {
  bucket: Bucket;
  heading: string;
  items: ListItem[];
}

export function textReply(text: string, tone: Reply["tone"] = "ok"): Reply {
  return { tone, blocks: [{ type: "text", text }] };
}

export function failureReply(failure: Failure): Reply {
  const blocks: Block[] = [{ type: "text", text: failure.message }];
  if (failure.details && failure.details.length > 0) {
    blocks.push({ type: "list", items: failure.details.map((text) => ({ text })) });
  }
  return { tone: "error", blocks, private: true };
}
