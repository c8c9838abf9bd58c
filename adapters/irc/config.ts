import { z } from "zod";
import { IdSchema } from "../../src/model/schema.js";

/** A channel name as IRC servers accept it: a channel prefix, then no space, comma or BEL. */
const ChannelName = z.string().regex(/^[#&+!][^\s,\u0007]{1,199}$/, "a channel name such as #xen-devel");

/** The short name of the network in people's ids: irc:oftc/george. */
const NetworkName = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,31}$/, "a short lower-case network name such as oftc or libera");

/** RFC 2812 nick characters; servers may allow longer nicks than 9. */
const Nick = z.string().regex(/^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,29}$/, "a nick: letters, digits and [ ] \\ ` _ ^ { | } -");

export const IrcChannelSchema = z.strictObject({
  name: ChannelName,
  /** The channel key (+k), when it has one. */
  key: z.string().min(1).optional(),
});

export const IrcSaslSchema = z
  .strictObject({
    /** PLAIN: account and password. EXTERNAL: the TLS client certificate is the login (certFile, keyFile). */
    mechanism: z.enum(["PLAIN", "EXTERNAL"]).default("PLAIN"),
    account: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
  })
  .superRefine((sasl, ctx) => {
    if (sasl.mechanism === "PLAIN") {
      if (sasl.account === undefined) ctx.addIssue({ code: "custom", path: ["account"], message: "required for SASL PLAIN" });
      if (sasl.password === undefined) ctx.addIssue({ code: "custom", path: ["password"], message: "required for SASL PLAIN (password: ${IRC_PASSWORD})" });
    } else {
      if (sasl.certFile === undefined) ctx.addIssue({ code: "custom", path: ["certFile"], message: "required for SASL EXTERNAL (the client certificate, PEM)" });
      if (sasl.keyFile === undefined) ctx.addIssue({ code: "custom", path: ["keyFile"], message: "required for SASL EXTERNAL (the certificate's private key, PEM)" });
    }
  });

export const IrcFloodSchema = z.strictObject({
  /** Lines sent per second once the burst is spent. Networks allow about one; ngIRCd three. */
  linesPerSecond: z.number().positive().max(50).default(1),
  /** Lines that may go at once after a quiet spell. */
  burst: z.number().int().min(1).max(50).default(4),
});

export const IrcReconnectSchema = z.strictObject({
  /** First wait after the connection drops; doubles each failed attempt. */
  initialMs: z.number().int().min(10).max(600_000).default(2_000),
  maxMs: z.number().int().min(10).max(3_600_000).default(300_000),
});

/**
 * The `irc:` section: one network, joined directly. People's ids are `irc:<network>/<account>`
 * (their services account), channels `irc:<network>/#channel`.
 */
export const IrcConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The network's short name, used in ids (irc:oftc/george); it must not change once ids are in use. */
    network: NetworkName.optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).default(6697),
    tls: z.boolean().default(true),
    /** Accept a server certificate that does not verify (a test network); never on a real one. */
    tlsInsecure: z.boolean().default(false),
    nick: Nick.default("stocktake"),
    username: z.string().regex(/^[^\s@]{1,10}$/, "at most 10 characters, no space or @").default("stocktake"),
    realname: z.string().min(1).max(100).default("Stocktake release-planning bot"),
    /** The server password (PASS), for networks or bouncers that want one. */
    password: z.string().min(1).optional(),
    sasl: IrcSaslSchema.optional(),
    channels: z.array(IrcChannelSchema).default([]),
    /** Replies as NOTICE (the bot convention: bots never answer notices, so two bots cannot loop) or PRIVMSG. */
    replyAs: z.enum(["notice", "privmsg"]).default("notice"),
    /** A summary longer than this many lines is condensed to the items at risk and a pointer. */
    lineBudget: z.number().int().min(3).max(100).default(8),
    flood: IrcFloodSchema.prefault({}),
    reconnect: IrcReconnectSchema.prefault({}),
    /** Project id → the channel that gets its changes and scheduled posts unasked. */
    announcements: z.record(IdSchema, ChannelName).default({}),
  })
  .superRefine((irc, ctx) => {
    if (!irc.enabled) return;
    if (irc.network === undefined) ctx.addIssue({ code: "custom", path: ["network"], message: "required when irc.enabled is true (a short name such as oftc: ids are irc:oftc/ACCOUNT)" });
    if (irc.host === undefined) ctx.addIssue({ code: "custom", path: ["host"], message: "required when irc.enabled is true" });
    if (irc.sasl?.mechanism === "EXTERNAL" && !irc.tls) ctx.addIssue({ code: "custom", path: ["sasl", "mechanism"], message: "SASL EXTERNAL needs tls: true (the login is the client certificate)" });
    if (irc.reconnect.maxMs < irc.reconnect.initialMs) ctx.addIssue({ code: "custom", path: ["reconnect", "maxMs"], message: "must be at least reconnect.initialMs" });
  });

export type IrcConfig = z.infer<typeof IrcConfigSchema>;

interface RoleIds {
  admins: readonly string[];
  projects: Record<string, { releaseManagers: readonly string[]; maintainers: readonly string[] }>;
}

/**
 * `irc:NETWORK/~nick` is how the adapter names someone with no services account. Such an id in a
 * role list would let whoever takes that nick hold the role, so the config refuses it; the refusal
 * people see names their `~` id, and an admin may well try to paste it.
 */
export function refuseNickIds(config: RoleIds, ctx: { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void }): void {
  const check = (ids: readonly string[], path: (string | number)[]) =>
    ids.forEach((id, index) => {
      if (/^irc:[^/]+\/~/.test(id)) ctx.addIssue({ code: "custom", path: [...path, index], message: `${id} is a nick without a services account, which anyone can take; use irc:NETWORK/ACCOUNT` });
    });
  check(config.admins, ["admins"]);
  for (const [project, roles] of Object.entries(config.projects)) {
    check(roles.releaseManagers, ["projects", project, "releaseManagers"]);
    check(roles.maintainers, ["projects", project, "maintainers"]);
  }
}
