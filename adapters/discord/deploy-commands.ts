import { REST, Routes } from "discord.js";
import type { CommandInfo } from "../../src/ports.js";
import type { DiscordConfig } from "../../src/config/discord-config.js";
import { slashCommands } from "./slash-commands.js";

export interface DeployOptions {
  config: DiscordConfig;
  commands: readonly CommandInfo[];
  /** Register in this server only (shows at once); else `discord.guildId`; else globally. */
  guildId?: string;
}

export interface Deployed {
  scope: "guild" | "global";
  guildId?: string;
  applicationId: string;
  names: string[];
}

/**
 * Registers the slash commands with one bulk overwrite (so removed commands disappear too).
 * REST only: no gateway connection, so it can run beside a running bot.
 */
export async function deployCommands(options: DeployOptions): Promise<Deployed> {
  const { config } = options;
  if (config.token === undefined) throw new Error("discord.token is not set: deploy-commands needs the bot token (token: ${DISCORD_TOKEN})");
  const rest = new REST(config.restApi ? { api: config.restApi } : {}).setToken(config.token);
  const applicationId = config.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const body = slashCommands(options.commands);
  const guildId = options.guildId ?? config.guildId;
  const route = guildId === undefined ? Routes.applicationCommands(applicationId) : Routes.applicationGuildCommands(applicationId, guildId);
  const stored = (await rest.put(route, { body })) as { name: string }[];
  return {
    scope: guildId === undefined ? "global" : "guild",
    ...(guildId === undefined ? {} : { guildId }),
    applicationId,
    names: stored.map((command) => command.name),
  };
}
