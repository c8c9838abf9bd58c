import { localId, withoutPlatform } from "../ids.js";
import type { Inline, PersonRef, Piece, Text } from "./reply.js";
import { neutralise } from "../util/typed-text.js";

/**
 * How one platform writes each kind of piece. `text` escapes what people typed for the platform's
 * markup; the others receive raw text and return it rendered (escaped as they need).
 */
export interface InlineStyle {
  text(text: string): string;
  /** `typed` is the whole command as a person types it there: "!release new VERSION", "/release new VERSION". */
  command(typed: string): string;
  code(text: string): string;
  em(text: string): string;
  /** Picks the person's id for the platform (`personIdOn`), or shows their name (`personName`). */
  person(person: PersonRef): string;
}

/** What a renderer must know of where the reply goes: how commands start there. */
export interface Voice {
  /** "!" (the configured prefix), or "/" where commands are slash commands. */
  commandPrefix: string;
}

export const DEFAULT_VOICE: Voice = { commandPrefix: "!" };

/**
 * Renders text with its pieces in one platform's style. Control and bidirectional characters are
 * dropped from every piece first, whatever the platform: a title stored before input was cleaned
 * cannot reverse or restyle the text around it.
 */
export function renderText(text: Text, style: InlineStyle, voice: Voice): string {
  if (typeof text === "string") return style.text(neutralise(text));
  let out = "";
  for (const part of text) out += renderInline(part, style, voice);
  return out;
}

function renderInline(part: Inline, style: InlineStyle, voice: Voice): string {
  if (typeof part === "string") return style.text(neutralise(part));
  return renderPiece(part, style, voice);
}

function renderPiece(piece: Piece, style: InlineStyle, voice: Voice): string {
  if ("cmd" in piece) return style.command(neutralise(typedCommand(piece, voice)));
  if ("person" in piece) return style.person(neutralisedPerson(piece.person));
  if ("code" in piece) return style.code(neutralise(piece.code));
  return style.em(neutralise(piece.em));
}

function neutralisedPerson(person: PersonRef): PersonRef {
  const name = person.name === undefined ? undefined : neutralise(person.name);
  if (name === person.name && person.ids.every((id) => neutralise(id) === id)) return person;
  const ids = person.ids.map(neutralise);
  return name === undefined ? { ids } : { ids, name };
}

/** The person's own id on `platform`, without the platform ("@george:xenproject.org"), if they have one there. */
export function personIdOn(person: PersonRef, platform: string): string | undefined {
  for (const id of person.ids) {
    const local = localId(platform, id);
    if (local !== undefined) return local;
  }
  return undefined;
}

/** What to call a person where no chat id of theirs applies: their name, else their first id without its platform. */
export function personName(person: PersonRef): string {
  return person.name ?? withoutPlatform(person.ids[0] ?? "");
}

/** A command reference as typed where `voice` speaks: "!release new VERSION". */
export function typedCommand(piece: { cmd: string; args?: string }, voice: Voice): string {
  return `${voice.commandPrefix}${piece.cmd}${piece.args === undefined ? "" : ` ${piece.args}`}`;
}

/** Plain text, commands as typed and literals in backticks: the console, mail and logs. */
export const PLAIN_STYLE: InlineStyle = {
  text: (text) => text,
  command: (typed) => typed,
  code: (text) => `\`${text}\``,
  em: (text) => text,
  person: personName,
};

/** Text as plain as it gets, without any markup (IRC, where backticks are just noise). */
export const BARE_STYLE: InlineStyle = { ...PLAIN_STYLE, code: (text) => text };

/** The plain form of a text, for places that need one string (logs, history lines, tests). */
export function plainText(text: Text, voice: Voice = DEFAULT_VOICE): string {
  return renderText(text, PLAIN_STYLE, voice);
}
