import { z } from "zod";

/** The part of the configuration the planning core reads: roles, room bindings, the prefix. */
export const ProjectConfigSchema = z.strictObject({
  /** Platform-qualified ids: "matrix:@alice:example.org", "discord:81234", "console:local". */
  releaseManagers: z.array(z.string().min(1)).default([]),
  maintainers: z.array(z.string().min(1)).default([]),
  /** Rooms and channels that talk about this project ("matrix:!abc:example.org", "discord:123"). */
  rooms: z.array(z.string().min(1)).default([]),
  /** Hidden from the web page's project list. */
  private: z.boolean().default(false),
});
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export const CoreConfigSchema = z.object({
  /** What starts a command in chat. */
  prefix: z.string().min(1).max(5).default("!"),
  /** The bot's name, for commands addressed IRC-style ("stocktake: stock"). */
  botName: z.string().min(1).max(32).default("stocktake"),
  /** People who may do anything, in every project. */
  admins: z.array(z.string().min(1)).default([]),
  /** The project a room uses when nothing else says which. */
  defaultProject: z.string().min(1).optional(),
  projects: z.record(z.string(), ProjectConfigSchema).default({}),
});
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

export function defaultCoreConfig(overrides: Partial<z.input<typeof CoreConfigSchema>> = {}): CoreConfig {
  return CoreConfigSchema.parse(overrides);
}
