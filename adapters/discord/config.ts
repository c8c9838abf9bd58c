import { z } from "zod";
import { IdSchema } from "../../src/model/schema.js";

/** Discord ids are snowflakes: 17 to 20 digits. */
export const Snowflake = z.string().regex(/^\d{17,20}$/, "expected a Discord id (17–20 digits; Developer Mode → Copy ID)");

/** A Discord role by id, or by its name as shown in the server settings. */
const RoleRef = z.string().trim().min(1).max(100);

export const DiscordRolesSchema = z.strictObject({
  maintainer: z.array(RoleRef).default([]),
  releaseManager: z.array(RoleRef).default([]),
  admin: z.array(RoleRef).default([]),
});

export const DEFAULT_ANNOUNCE_BATCH_MS = 10_000;

/**
 * The `discord:` section. Secrets come from the environment (`token: ${DISCORD_TOKEN}`); the
 * token is never echoed in errors (config.ts redacts keys that look secret).
 */
export const DiscordConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The bot token (Developer Portal → Bot → Reset Token). Required when enabled. */
    token: z.string().trim().min(1, "the bot token is empty (is ${DISCORD_TOKEN} set?)").optional(),
    /** Only for deploy-commands; looked up with the token when absent. */
    applicationId: Snowflake.optional(),
    /** The server deploy-commands registers to by default: guild commands show at once. */
    guildId: Snowflake.optional(),
    /** `!stock` typed in a channel; needs the privileged Message Content intent. */
    prefixCommands: z.boolean().default(false),
    /** Discord roles (ids or names) that grant Stocktake's roles, in every project. */
    roles: DiscordRolesSchema.prefault({}),
    /** Members with the Administrator permission count as maintainers. */
    administratorsAreMaintainers: z.boolean().default(true),
    /** Project id → the channel that gets its status changes, summaries and milestone posts. */
    announcements: z.record(IdSchema, Snowflake).default({}),
    /** Changes within this window make one post. */
    announceBatchMs: z.number().int().min(0).max(3_600_000).default(DEFAULT_ANNOUNCE_BATCH_MS),
    /**
     * On start and after a reconnect that could not resume: commands typed in bound channels in
     * the last this many hours that got no answer are applied (once). 0 turns it off.
     */
    catchUpHours: z.number().min(0).max(168).default(6),
    /** The REST API root (Discord's by default); tests point it at a local server. */
    restApi: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((discord, ctx) => {
    if (discord.enabled && discord.token === undefined) {
      ctx.addIssue({ code: "custom", path: ["token"], message: "required when discord.enabled is true (token: ${DISCORD_TOKEN})" });
    }
  });

export type DiscordConfig = z.infer<typeof DiscordConfigSchema>;
export type DiscordRoles = z.infer<typeof DiscordRolesSchema>;
