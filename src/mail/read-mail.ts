import { openSync, readSync, closeSync, statSync } from "node:fs";
import type { AddressObject } from "mailparser";
import { MAX_IMPORT_BYTES, type MailEnvelope } from "./import.js";

/** A status mail's body and envelope, ready for `importMail`; or why it could not be read. */
export type MailText = { ok: true; text: string; envelope: MailEnvelope; notes: string[] } | { ok: false; message: string };

/**
 * Reads a status mail from disk: a plain body, an RFC 822 message (`.eml`) or an mbox (lore's
 * raw and t.mbox downloads). The size is checked before anything is read, so a huge file is refused
 * without filling memory; a directory, a missing file or a binary one is one sentence, not a trace.
 */
export async function readMailFile(path: string): Promise<MailText> {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, message: `${path} is a directory, not a mail` };
    if (!stat.isFile()) return { ok: false, message: `${path} is not a regular file` };
    size = stat.size;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, message: code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path} (${code ?? "unknown error"})` };
  }
  if (size > MAX_IMPORT_BYTES) return { ok: false, message: `${path} is over ${MAX_IMPORT_BYTES / 1_000_000} MB; a status mail is far smaller` };
  const bytes = Buffer.alloc(size);
  try {
    const handle = openSync(path, "r");
    try {
      let read = 0;
      while (read < size) {
        const count = readSync(handle, bytes, read, size - read, read);
        if (count === 0) break;
        read += count;
      }
    } finally {
      closeSync(handle);
    }
  } catch (error) {
    return { ok: false, message: `cannot read ${path} (${(error as { code?: string }).code ?? "unknown error"})` };
  }
  const read = await readMailBytes(bytes);
  return read.ok ? read : { ok: false, message: `${path}: ${read.message}` };
}

export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32 && byte !== 27)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.01;
}

/** `Name: value`, or `Name:` alone with its value folded onto the next line (Outlook's `Message-ID:`). */
const HEADER = /^[A-Za-z][A-Za-z0-9-]*:(?:[ \t]|$)/;
const MBOX_FROM = /^From \S+/;

/** Mail headers at the top, then a blank line: an RFC 822 message rather than a pasted body. */
function isMessage(text: string): boolean {
  const lines = text.split(/\r?\n/, 60);
  if (MBOX_FROM.test(lines[0] ?? "")) return true;
  let headers = 0;
  for (const line of lines) {
    if (line === "") return headers > 0 && lines.slice(0, headers + 1).some((header) => /^(from|message-id|mime-version|content-type|received):/i.test(header));
    if (HEADER.test(line)) headers++;
    else if (/^[ \t]/.test(line) && headers > 0) continue;
    else return false;
  }
  return false;
}

export async function readMailBytes(bytes: Buffer): Promise<MailText> {
  if (bytes.length > MAX_IMPORT_BYTES) return { ok: false, message: `over ${MAX_IMPORT_BYTES / 1_000_000} MB; a status mail is far smaller` };
  if (looksBinary(bytes)) return { ok: false, message: "a binary file, not a mail" };
  const text = bytes.toString("utf8");
  const empty: MailEnvelope = { subject: null, from: null, date: null, messageId: null };
  if (!isMessage(text)) return { ok: true, text, envelope: empty, notes: [] };
  const notes: string[] = [];
  let message = text;
  if (MBOX_FROM.test(text)) {
    const messages = text.split(/\r?\n(?=From \S+)/);
    if (messages.length > 1) notes.push(`The mbox holds ${messages.length} messages; read the first.`);
    message = messages[0]!.replace(/^From [^\n]*\n/, "");
  }
  try {
    // Loaded for the first real message only: mailparser and its decoders are ~10 MiB of heap that a
    // bot which never reads a mail should not carry from start-up.
    const { simpleParser } = await import("mailparser");
    const parsed = await simpleParser(message, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    const from = parsed.from as AddressObject | undefined;
    const envelope: MailEnvelope = {
      subject: parsed.subject ?? null,
      from: author(from),
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString().slice(0, 10) : null,
      messageId: parsed.messageId ?? null,
    };
    const encoding = String(parsed.headers.get("content-transfer-encoding") ?? "").toLowerCase();
    const type = parsed.headers.get("content-type") as { value?: string } | undefined;
    const plain = !/quoted-printable|base64/.test(encoding) && (!type?.value || type.value === "text/plain") && message === text;
    if (plain) {
      // An unencoded single-part message: read the file itself, so line numbers are the file's.
      return { ok: true, text, envelope, notes };
    }
    if (parsed.text === undefined) return { ok: false, message: "a mail with no text part" };
    notes.push("Line numbers count the lines of the decoded body.");
    return { ok: true, text: parsed.text, envelope: { ...envelope, decoded: true }, notes };
  } catch (error) {
    return { ok: false, message: `not a mail I can parse (${(error as Error).message.split("\n")[0]})` };
  }
}

/** "Konrad Wilk <konrad@example.org>", as people write it, without the quotes mailparser adds. */
function author(from: AddressObject | undefined): string | null {
  const first = from?.value[0];
  if (!first) return from?.text ?? null;
  if (first.name && first.address) return `${first.name} <${first.address}>`;
  return first.address ?? first.name ?? null;
}
