import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import type { AnnouncementTarget, ChatAdapter, ChatHost, ListMailer, Logger, OutgoingMail } from "../../src/ports.js";
import { plainText } from "../../src/reply/inline.js";
import { renderPlain } from "../../src/reply/render-plain.js";
import type { Reply } from "../../src/reply/reply.js";
import { writeFileAtomically } from "../store/durable-file.js";
import type { MailConfig, MailList } from "./config.js";

/** References kept per release: enough for every reader to thread, short enough for a header. */
const MAX_REFERENCES = 10;

const ThreadsSchema = z.record(z.string(), z.array(z.string()).max(MAX_REFERENCES));

export interface MailAdapterOptions {
  config: MailConfig;
  /** Where each release's last posts are remembered (for In-Reply-To and References). */
  threadsFile: string;
  logger: Logger;
  /** For tests: the transport to send through instead of the configured SMTP server. */
  transport?: Transporter;
}

/**
 * Posts to mailing lists over SMTP (nodemailer): `!mail send` through `ListMailer`, and the
 * scheduled summaries and countdowns as a chat adapter whose conversations are `mail:PROJECT`
 * (the scheduler claims each slot before it sends, so a restart never mails twice). Every mail is
 * text/plain, threaded after the release's previous post.
 */
export class MailAdapter implements ChatAdapter, ListMailer {
  readonly name = "mail";
  private readonly transport: Transporter;
  private readonly threads: Map<string, string[]>;

  constructor(private readonly options: MailAdapterOptions) {
    const { smtp } = options.config;
    this.transport =
      options.transport ??
      nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.tls === "tls",
        requireTLS: smtp.tls === "starttls",
        ignoreTLS: smtp.tls === "none",
        ...(smtp.user !== undefined && smtp.password !== undefined ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      });
    this.threads = readThreads(options.threadsFile, options.logger);
  }

  async start(_host: ChatHost): Promise<void> {}

  async stop(): Promise<void> {
    this.transport.close();
  }

  announcementTargets(): AnnouncementTarget[] {
    return this.options.config.lists.filter((list) => list.scheduled).map((list) => ({ project: list.project, conversation: `mail:${list.project}`, news: false }));
  }

  listOf(project: string): { subjectPrefix: string; intro: string | null } | undefined {
    const list = this.list(project);
    return list ? { subjectPrefix: list.subjectPrefix, intro: list.intro ?? null } : undefined;
  }

  compose(project: string, release: string, subject: string, text: string): OutgoingMail | undefined {
    const list = this.list(project);
    const from = this.options.config.from;
    if (!list || from === undefined) return undefined;
    const references = this.threads.get(threadKey(project, release)) ?? [];
    const domain = this.options.config.messageIdDomain ?? /@([^>\s]+)>?$/.exec(from)?.[1] ?? "stocktake.invalid";
    const stamp = `${Date.now().toString(36)}.${randomBytes(4).toString("hex")}`;
    return {
      from,
      to: list.to,
      replyTo: this.options.config.replyTo ?? null,
      subject,
      text: text.endsWith("\n") ? text : `${text}\n`,
      messageId: `<stocktake.${safe(project)}.${safe(release)}.${stamp}@${domain}>`,
      inReplyTo: references[references.length - 1] ?? null,
      references,
    };
  }

  async deliver(project: string, release: string, mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: mail.from,
        to: [...mail.to],
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references.length > 0 ? { references: [...mail.references] } : {}),
        headers: { "X-Mailer": "Stocktake" },
      });
    } catch (error) {
      this.options.logger.error({ err: error, project, release, messageId: mail.messageId }, "mail not sent");
      throw error;
    }
    this.options.logger.info({ project, release, messageId: mail.messageId, to: mail.to }, "mail sent");
    const key = threadKey(project, release);
    this.threads.set(key, [...(this.threads.get(key) ?? []), mail.messageId].slice(-MAX_REFERENCES));
    // Sent is sent: a threads file that cannot be written costs the next mail its threading, not the post.
    await this.saveThreads().catch((error: unknown) => this.options.logger.warn({ err: error, file: this.options.threadsFile }, "could not remember the mail's Message-ID"));
  }

  /** A scheduled post (a summary, a countdown) for `mail:PROJECT`: its heading is the subject. */
  async send(conversation: string, reply: Reply): Promise<void> {
    const project = conversation.replace(/^mail:/, "");
    const list = this.list(project);
    if (!list) throw new Error(`no mailing list for ${conversation}`);
    const title = subjectOf(reply) ?? `${project}: release update`;
    const release = /\b(\d+(?:\.\d+)+)\b/.exec(title)?.[1] ?? "current";
    const subject = `${list.subjectPrefix ? `${list.subjectPrefix} ` : ""}${title}`;
    const body = renderPlain(reply);
    const mail = this.compose(project, release, subject, list.intro ? `${list.intro.trim()}\n\n${body}` : body);
    if (!mail) throw new Error(`mail.from is not set`);
    await this.deliver(project, release, mail);
  }

  private list(project: string): MailList | undefined {
    return this.options.config.lists.find((list) => list.project === project);
  }

  private async saveThreads(): Promise<void> {
    mkdirSync(dirname(this.options.threadsFile), { recursive: true });
    await writeFileAtomically(this.options.threadsFile, `${JSON.stringify(Object.fromEntries(this.threads), null, 2)}\n`);
  }
}

/**
 * A post's subject: its heading ("Xen 4.3: taking stock"), else the first clause of its text (a
 * countdown: "Xen 4.18: Feature freeze in 3 days (Fri 15 Sep 2023, AoE)").
 */
export function subjectOf(reply: Reply): string | undefined {
  for (const block of reply.blocks) {
    if (block.type === "heading") return plainText(block.text).trim() || undefined;
    if (block.type === "text") {
      const first = plainText(block.text).split("\n")[0]!.split(/;\s|\.\s|\.$/)[0]!.trim();
      return first ? (first.length > 120 ? `${first.slice(0, 119)}…` : first) : undefined;
    }
  }
  return undefined;
}

function threadKey(project: string, release: string): string {
  return `${project} ${release}`;
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9.-]+/g, "-");
}

function readThreads(path: string, logger: Logger): Map<string, string[]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return new Map();
  }
  try {
    return new Map(Object.entries(ThreadsSchema.parse(JSON.parse(text))));
  } catch (error) {
    logger.warn({ err: error, file: path }, "threads file unreadable; the next mails start new threads");
    return new Map();
  }
}
