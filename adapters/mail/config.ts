import { z } from "zod";
import { IdSchema } from "../../src/model/schema.js";

/** "Stocktake <stocktake@example.org>" or a bare address. */
const Address = z.string().regex(/^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, "a mail address: name@example.org or “Name <name@example.org>”");

export const MailListSchema = z.strictObject({
  /** The project whose summaries go to this list. */
  project: IdSchema,
  /** The list's address(es). */
  to: z.array(Address).min(1),
  /** Put before every subject, as the list does: "[Xen-devel]". */
  subjectPrefix: z.string().max(64).default(""),
  /** Lines put above the summary (the questions for the list, as the seed's introduction asks them). */
  intro: z.string().max(4_000).optional(),
  /**
   * Send the scheduled summaries and countdowns without anyone asking. Off by default: a mail goes
   * to the list only when a release manager says `!mail send`.
   */
  scheduled: z.boolean().default(false),
});

/** The `mail:` section: posting the taking-stock summary to a mailing list over SMTP. */
export const MailConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    smtp: z
      .strictObject({
        host: z.string().min(1).default("localhost"),
        port: z.number().int().min(1).max(65_535).default(587),
        /** "starttls" (port 587: upgrade, refuse to send without TLS), "tls" (port 465), or "none" (a local relay only). */
        tls: z.enum(["starttls", "tls", "none"]).default("starttls"),
        user: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .prefault({}),
    from: Address.optional(),
    replyTo: Address.optional(),
    /** The domain of the Message-IDs (default: the From address's). */
    messageIdDomain: z.string().regex(/^[A-Za-z0-9.-]+$/).optional(),
    /** Where the last post of each release is remembered, for threading (default: beside the data file). */
    threadsFile: z.string().min(1).optional(),
    lists: z.array(MailListSchema).default([]),
  })
  .superRefine((mail, ctx) => {
    if (!mail.enabled) return;
    if (mail.from === undefined) ctx.addIssue({ code: "custom", path: ["from"], message: "required when mail is enabled: the address the list sees" });
    if (mail.lists.length === 0) ctx.addIssue({ code: "custom", path: ["lists"], message: "required when mail is enabled: at least one { project, to }" });
    if ((mail.smtp.user === undefined) !== (mail.smtp.password === undefined)) ctx.addIssue({ code: "custom", path: ["smtp"], message: "give both user and password, or neither" });
  });

export type MailConfig = z.infer<typeof MailConfigSchema>;
export type MailList = z.infer<typeof MailListSchema>;
