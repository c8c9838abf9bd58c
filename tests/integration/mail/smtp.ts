import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readEnvFile } from "../../support/env-file.js";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const HOW_TO_ENABLE = "run `bash scripts/smtp.sh install && bash scripts/smtp.sh start` as root (writes .tmp/smtp.env)";

export interface SmtpServer {
  host: string;
  port: number;
  /** Where the server delivers every message it accepts. */
  maildir: string;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function findSmtpServer(): Promise<{ ok: true; value: SmtpServer } | { ok: false; reason: string }> {
  const file = process.env["STOCKTAKE_SMTP_ENV"] || `${REPO_ROOT}.tmp/smtp.env`;
  if (!existsSync(file)) return { ok: false, reason: `${file} does not exist` };
  const values = readEnvFile(file);
  const host = values["STOCKTAKE_SMTP_HOST"] || "127.0.0.1";
  const port = Number(values["STOCKTAKE_SMTP_PORT"]);
  const maildir = values["STOCKTAKE_SMTP_MAILDIR"];
  if (!Number.isInteger(port) || port <= 0 || !maildir) return { ok: false, reason: `${file} has no valid STOCKTAKE_SMTP_PORT and STOCKTAKE_SMTP_MAILDIR` };
  if (!(await answers(host, port))) return { ok: false, reason: `no SMTP server answers at ${host}:${port} (from ${file})` };
  return { ok: true, value: { host, port, maildir } };
}

/** The server, or null after saying once why the tests skip; with STOCKTAKE_REQUIRE_SMTP=1 (CI) a failure. */
export async function smtpServerOrSkip(): Promise<SmtpServer | null> {
  const found = await findSmtpServer();
  if (found.ok) return found.value;
  if (process.env["STOCKTAKE_REQUIRE_SMTP"] === "1") throw new Error(`STOCKTAKE_REQUIRE_SMTP=1, but ${found.reason}. To provide one: ${HOW_TO_ENABLE}.`);
  process.stdout.write(`Mail integration tests skipped (${found.reason}): to enable them, ${HOW_TO_ENABLE}.\n`);
  return null;
}

/** The delivered file holding `messageId`, once the server has put it in the Maildir's new/ (or cur/). */
export async function delivered(maildir: string, messageId: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const sub of ["new", "cur"]) {
      const dir = join(maildir, sub);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (readFileSync(path, "utf8").includes(messageId)) return path;
      }
    }
    if (Date.now() > deadline) throw new Error(`no message ${messageId} delivered to ${maildir} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
