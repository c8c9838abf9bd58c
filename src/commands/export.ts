import { z } from "zod";
import { EXPORT_FORMATS, exportRelease } from "../mail/export.js";
import { failureReply } from "../reply/reply.js";
import { param } from "./params.js";
import { defineCommand } from "./spec.js";

export const exportCommand = defineCommand({
  path: ["export"],
  summary: "The release as a mail-ready text, markdown or JSON.",
  args: z.object({
    format: param
      .word(
        "text (default), markdown or json",
        z
          .string()
          .toLowerCase()
          .transform((word) => (word === "md" ? "markdown" : word === "txt" || word === "mail" ? "text" : word))
          .pipe(z.enum(EXPORT_FORMATS, { error: `formats: ${EXPORT_FORMATS.join(", ")}` })),
      )
      .default("text"),
  }),
  permission: "read",
  examples: ["!export", "!export markdown"],
  run: (ctx, args) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const text = exportRelease(args.format, scope.value.project, scope.value.release, ctx.clock.now(), ctx.config.people);
    return { tone: "info", blocks: [{ type: "pre", text: text.trimEnd() }], full: true };
  },
});
