import { z } from "zod";
import { MSGTYPES } from "../../src/model/room-settings.js";

/** Puppet users of the common IRC bridges: matrix-appservice-irc on OFTC, Libera.Chat, freenode, and its default prefix. */
export const DEFAULT_PUPPET_PATTERNS = ["^@irc_", "^@_irc_", "^@_oftc_", "^@oftc_", "^@_libera_", "^@libera_", "^@freenode_", "^@_freenode_"] as const;

/**
 * The IRC bridges' own bot users: matrix-appservice-irc's default (appservice-irc) and the names
 * networks give theirs (oftc-irc, libera-irc…, Libera.Chat's @appservice), Heisenbridge. One among
 * the members shows a portal room is bridged before any IRC user has spoken.
 */
export const DEFAULT_BRIDGE_BOT_PATTERNS = ["^@appservice-irc:", "^@[a-z0-9._=-]+-irc:", "^@appservice:libera\\.chat$", "^@irc-?bridge:", "^@heisenbridge:"] as const;

/** Room aliases in the form matrix-appservice-irc gives portal rooms (#irc_#xen:server, #_oftc_#xen-devel:matrix.org). */
export const DEFAULT_ALIAS_PATTERNS = ["^#irc_", "^#_irc_", "^#_oftc_", "^#oftc_", "^#_libera_", "^#libera_", "^#freenode_", "^#_freenode_"] as const;

const MatrixUserId = z.string().regex(/^@[^:\s]+:\S+$/, "a Matrix user id such as @alice:example.org");
const MatrixRoomId = z.string().regex(/^!\S+:\S+$/, "a Matrix room id such as !abc:example.org");
const ServerName = z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "a server name such as example.org");

const Pattern = z.string().refine((pattern) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

export const MatrixIrcConfigSchema = z.strictObject({
  /** Rooms bridged to IRC whatever the detection says. */
  rooms: z.array(MatrixRoomId).default([]),
  /** Look at bridge state events and members' ids to find bridged rooms. */
  detect: z.boolean().default(true),
  /** Matrix ids of bridged IRC users: they get no role from power levels. */
  puppetPatterns: z.array(Pattern).default([...DEFAULT_PUPPET_PATTERNS]),
  /** Matrix ids of IRC bridges' bot users: one among the members means the room is bridged. */
  bridgeBots: z.array(Pattern).default([...DEFAULT_BRIDGE_BOT_PATTERNS]),
  /** Room aliases (canonical or alternative) of a portal room: one of them means the room is bridged. */
  aliasPatterns: z.array(Pattern).default([...DEFAULT_ALIAS_PATTERNS]),
  /** A summary longer than this many lines is condensed in a bridged room. */
  lineBudget: z.number().int().min(3).max(100).default(8),
  /**
   * Lines per Matrix message in a bridged room. matrix-appservice-irc turns a message of more than
   * its `lineLimit` (3 by default) lines into a link to a paste, which IRC users must open.
   */
  linesPerMessage: z.number().int().min(1).max(50).default(3),
});

export const MatrixConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Client-server API base URL: https://matrix.example.org */
    homeserverUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL such as https://matrix.example.org" }).optional(),
    /** Log in with this token… */
    accessToken: z.string().min(1).optional(),
    /** …or as this user (full id or localpart) with `password` once: the token is kept in `storageFile`. */
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** The device name shown in the account's session list after a password login. */
    deviceName: z.string().min(1).max(100).default("Stocktake"),
    /** Sync token, login token and recently handled events. Default: beside the data file, NAME.matrix.json. */
    storageFile: z.string().min(1).optional(),
    /** Replies as m.notice (the bot convention: other bots ignore them) unless a room says `!room msgtype text`. */
    msgtype: z.enum(MSGTYPES).default("notice"),
    invites: z
      .strictObject({
        /** Invites from these users are accepted. Admins and release managers from the config always may invite. */
        fromUsers: z.array(MatrixUserId).default([]),
        /** Invites from anyone on these servers are accepted. */
        fromServers: z.array(ServerName).default([]),
      })
      .default({ fromUsers: [], fromServers: [] }),
    powerLevels: z
      .strictObject({
        /** At least this power level in a room bound to a project makes a maintainer of it; null: never. */
        maintainer: z.number().int().nullable().default(50),
        /** At least this power level makes a release manager; null (the default): never, only the config does. */
        releaseManager: z.number().int().nullable().default(null),
      })
      .default({ maintainer: 50, releaseManager: null }),
    irc: MatrixIrcConfigSchema.default({
      rooms: [],
      detect: true,
      puppetPatterns: [...DEFAULT_PUPPET_PATTERNS],
      bridgeBots: [...DEFAULT_BRIDGE_BOT_PATTERNS],
      aliasPatterns: [...DEFAULT_ALIAS_PATTERNS],
      lineBudget: 8,
      linesPerMessage: 3,
    }),
  })
  .superRefine((matrix, ctx) => {
    if (!matrix.enabled) return;
    if (matrix.homeserverUrl === undefined) ctx.addIssue({ code: "custom", path: ["homeserverUrl"], message: "required when matrix.enabled is true" });
    if (matrix.accessToken === undefined && matrix.user === undefined) {
      ctx.addIssue({ code: "custom", path: ["accessToken"], message: "set matrix.accessToken, or matrix.user (with matrix.password for the first login)" });
    }
  });

export type MatrixConfig = z.infer<typeof MatrixConfigSchema>;

export const DEFAULT_MATRIX_CONFIG: z.input<typeof MatrixConfigSchema> = { enabled: false };
