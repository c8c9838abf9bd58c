import { z } from "zod";
import { stockMailText, stockSubject } from "../mail/post.js";
import type { OutgoingMail } from "../ports.js";
import { cmd, failureReply, t, type Reply } from "../reply/reply.js";
import { defineCommand, type CommandContext } from "./spec.js";

/** The headers and body as the list will get them. */
export function showMail(mail: OutgoingMail): string {
  const headers = [
    `From: ${mail.from}`,
    `To: ${mail.to.join(", ")}`,
    ...(mail.replyTo ? [`Reply-To: ${mail.replyTo}`] : []),
    `Subject: ${mail.subject}`,
    `Message-ID: ${mail.messageId}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(mail.references.length > 0 ? [`References: ${mail.references.join(" ")}`] : []),
  ];
  return `${headers.join("\n")}\n\n${mail.text}`;
}

function compose(ctx: CommandContext): { ok: true; mail: OutgoingMail; project: string; release: string } | { ok: false; reply: Reply } {
  const scope = ctx.scope;
  if (!scope.ok) return { ok: false, reply: failureReply(scope.error) };
  const { project, release } = scope.value;
  const list = ctx.mail?.listOf(project.id);
  if (!ctx.mail || !list) {
    return { ok: false, reply: failureReply({ code: "not-found", message: `No mailing list is configured for ${project.id}: add it under mail.lists in the config (see the README's “Posting to the list”).` }) };
  }
  const mail = ctx.mail.compose(project.id, release.id, stockSubject(list.subjectPrefix, project, release), stockMailText(project, release, ctx.clock.now(), list.intro ?? undefined, ctx.config.people));
  if (!mail) return { ok: false, reply: failureReply({ code: "not-found", message: `No mailing list is configured for ${project.id}.` }) };
  return { ok: true, mail, project: project.id, release: release.id };
}

export const mailPreviewCommand = defineCommand({
  path: ["mail", "preview"],
  summary: "The taking-stock mail exactly as !mail send would post it to the project's list.",
  args: z.object({}),
  permission: "read",
  examples: ["!mail preview"],
  run: (ctx) => {
    const composed = compose(ctx);
    if (!composed.ok) return composed.reply;
    return { tone: "info", blocks: [{ type: "pre", text: showMail(composed.mail).trimEnd() }], full: true };
  },
});

export const mailSendCommand = defineCommand({
  path: ["mail", "send"],
  summary: "Post the taking-stock summary to the project's mailing list, threaded after the release's last post.",
  args: z.object({}),
  permission: "manage",
  examples: ["!mail send"],
  run: async (ctx) => {
    const composed = compose(ctx);
    if (!composed.ok) return composed.reply;
    try {
      await ctx.mail!.deliver(composed.project, composed.release, composed.mail);
    } catch (error) {
      // The mailer logs the detail; the person gets the server's word and what to do.
      const why = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
      return failureReply({ code: "internal", message: `The mail was not sent (${why}). Nothing was posted to the list; try again later.` });
    }
    return { tone: "ok", blocks: [{ type: "text", text: t`Sent “${composed.mail.subject}” to ${composed.mail.to.join(", ")} (${composed.mail.messageId}). ${cmd("mail preview")} shows what the next one would be.` }] };
  },
});
