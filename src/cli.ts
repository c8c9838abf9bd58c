import { parseArgs } from "node:util";
import { consoleClosed, deployDiscordCommands, enabledAdapters, isDiscordId, isStoreRefusal, openStore, openStoreToRead, startApp, startConsoleApp, storeName } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config/config.js";
import { EXPORT_FORMATS, exportRelease, type ExportFormat } from "./mail/export.js";
import { importIntoStore } from "./mail/import-into.js";
import { describeImport } from "./mail/import-summary.js";
import { readMailFile } from "./mail/read-mail.js";
import { createLogger } from "./logging.js";
import { systemClock } from "./ports.js";
import { plainText } from "./reply/inline.js";
import { hasOwn, own } from "./util/own.js";

const HELP = `Stocktake: the release-planning bot.

Usage: stocktake [command] [options]

Commands:
  console              Chat with Stocktake in this terminal (the default)
  run                  Start every adapter the config enables, over one data file
  import FILE          Read a release-status mail (plain text, .eml or mbox) into the plan
  export               Print the current release (--format text|markdown|json)
  check-config [FILE]  Check a config file and report every problem in it
  repair               The data file's history: take out (and back up, and list) what cannot be
                       read, so the bot starts again; --dry-run only reports. Stop the bot first
  migrate --from A --to B [--force]
                       Copy the plan and its whole history between a data file and a
                       postgres:// database (either way), and check the copy
  discord deploy-commands [--guild ID]
                       Register the slash commands with Discord (in one server: at once)

Options:
  --config FILE        Config file (default: stocktake.yaml, .yml or .json if present)
  --data FILE          Data file (default: data/stocktake.json)
  --demo               console: start with the Xen 4.3 example plan, kept in memory only
  --project ID         import/export: the project (import guesses it from the mail's subject)
  --release ID         import/export: the release (default: the project's current one)
  --dry-run            import, repair: show what would be done, write nothing
  --format FORMAT      export: text (mail-ready, default), markdown or json
  --guild ID           discord deploy-commands: this server only (default discord.guildId, else global)
  --from, --to PLACE   migrate: a data file (data/stocktake.json) or postgres://user:pw@host/db
  --schema NAME        migrate: the PostgreSQL schema on either side (default public)
  --force              migrate: replace a target that already holds a plan
  --help               This text
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string" },
      data: { type: "string" },
      demo: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      project: { type: "string" },
      release: { type: "string" },
      format: { type: "string", default: "text" },
      guild: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      schema: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command = "console", ...rest] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === "check-config") return checkConfig(rest[0] ?? values.config);
  if (command === "migrate") {
    if (rest.length > 0) throw new UsageError(`migrate takes --from and --to, not “${rest.join(" ")}”`);
    if (!values.from || !values.to) throw new UsageError("migrate needs --from and --to: stocktake migrate --from data/stocktake.json --to postgres://user@host/db");
    return runMigrate(values.from, values.to, values.schema, values.force);
  }

  const { config: loaded, source } = loadConfig(values.config);
  const config: Config = values.data ? { ...loaded, dataFile: values.data } : loaded;

  switch (command) {
    case "console":
      return runConsole(config, values.demo);
    case "run":
      return runAll(config, source);
    case "import": {
      const file = rest[0];
      if (!file) throw new UsageError("import needs a FILE: stocktake import status-mail.txt");
      return runImport(config, file, values.project, values.release, values["dry-run"]);
    }
    case "repair":
      return runRepair(config, values["dry-run"]);
    case "discord": {
      if (rest[0] !== "deploy-commands") throw new UsageError(`discord: the subcommand is deploy-commands (got “${rest[0] ?? ""}”)`);
      return runDeployCommands(config, values.guild);
    }
    case "export": {
      // `stocktake export json`, as `!export json` in chat; --format says the same.
      if (rest[0] !== undefined && values.format !== "text" && rest[0].toLowerCase() !== values.format.toLowerCase()) {
        throw new UsageError(`the format is given twice: ${rest[0]} and --format ${values.format}`);
      }
      if (rest.length > 1) throw new UsageError(`export takes one format, not “${rest.join(" ")}”`);
      const format = (rest[0] ?? values.format).toLowerCase();
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is one of ${EXPORT_FORMATS.join(", ")}`);
      return runExport(config, format as ExportFormat, values.project, values.release);
    }
    default:
      throw new UsageError(`unknown command “${command}”`);
  }
}

async function runRepair(config: Config, dryRun: boolean): Promise<number> {
  if (config.store.kind !== "lowdb") throw new UsageError("repair is for the embedded store (the data file); PostgreSQL keeps its history in a table it writes in one transaction per command");
  const { repairLowdb, describeRepair, RepairError } = await import("../adapters/store/repair.js");
  let report;
  try {
    report = await repairLowdb(config.dataFile, { dryRun });
  } catch (error) {
    if (error instanceof RepairError) {
      process.stderr.write(`stocktake: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(describeRepair(report, dryRun));
  if (!dryRun && report.changed) {
    // Proof that it starts now: open it as the bot would, and close it again.
    const store = await openStore(config);
    await store.close();
    process.stdout.write(`${storeName(config)} opens again.\n`);
  }
  return 0;
}

function checkConfig(path: string | undefined): number {
  const { config, source } = loadConfig(path);
  const adapters = enabledAdapters(config);
  process.stdout.write(
    `${source}: OK\n  ${config.store.kind === "lowdb" ? "data file" : "store"}: ${storeName(config)}\n  adapters: ${adapters.length > 0 ? adapters.join(", ") : "none enabled"}\n  web page: ${webPage(config)}\n  projects in config: ${Object.keys(config.projects).join(", ") || "none"}\n`,
  );
  if (config.discord.enabled) process.stdout.write(describeDiscord(config));
  return 0;
}

/** What the Discord section will do, and what looks like a mistake, for check-config. */
function describeDiscord(config: Config): string {
  const discord = config.discord;
  const lines = [
    `  discord: ${discord.prefixCommands ? `slash commands and ${config.prefix}commands (needs the Message Content intent)` : "slash commands (typed commands only when the bot is mentioned)"}`,
    `  discord announcements: ${Object.entries(discord.announcements).map(([project, channel]) => `${project} → ${channel}`).join(", ") || "none"}`,
  ];
  const roles = Object.entries(discord.roles).filter(([, list]) => list.length > 0);
  lines.push(`  discord roles: ${roles.map(([role, list]) => `${role} = ${list.join(", ")}`).join("; ") || "none"}${discord.administratorsAreMaintainers ? " (administrators are maintainers)" : ""}`);
  const warnings: string[] = [];
  if (discord.prefixCommands && config.prefix === "/") warnings.push("prefix “/” clashes with Discord's slash commands; pick another prefix");
  for (const project of Object.keys(discord.announcements)) {
    if (Object.keys(config.projects).length > 0 && !hasOwn(config.projects, project)) warnings.push(`discord.announcements.${project}: no project ${project} in projects (fine if it was made in chat)`);
  }
  for (const warning of warnings) lines.push(`  warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

async function runDeployCommands(config: Config, guild: string | undefined): Promise<number> {
  if (guild !== undefined && !isDiscordId(guild)) throw new UsageError(`--guild is a server id (17–20 digits), not “${guild}”`);
  let deployed: Awaited<ReturnType<typeof deployDiscordCommands>>;
  try {
    deployed = await deployDiscordCommands(config, guild);
  } catch (error) {
    // A wrong token or id is an answer from Discord, not a crash: say it without a stack trace.
    process.stderr.write(`stocktake: could not register the slash commands: ${(error as Error).message}\n`);
    return 1;
  }
  const where = deployed.scope === "guild" ? `in server ${deployed.guildId} (available now)` : "globally (Discord may take a while to show them everywhere)";
  process.stdout.write(`Registered ${deployed.names.length} slash commands ${where}: ${deployed.names.map((name) => `/${name}`).join(" ")}\n`);
  return 0;
}

function webPage(config: Config): string {
  const http = config.http;
  if (!http?.enabled) return "off";
  return `http://${http.host.includes(":") ? `[${http.host}]` : http.host}:${http.port}${http.publicUrl ? `, public at ${http.publicUrl}` : ""}`;
}

async function runConsole(config: Config, demo: boolean): Promise<number> {
  const logger = createLogger(config.log.level === "info" ? "warn" : config.log.level);
  const where = demo ? "the Xen 4.3 example plan (in memory: forgotten on exit)" : storeName(config);
  const { app, closed } = await startConsoleApp({
    config,
    logger,
    demo,
    greeting:
      `Stocktake console on ${where}. Type commands with or without the ${config.prefix}: ` +
      (demo ? "try stock, stock at risk, show blktap3, schedule." : "start with project new NAME, then release new VERSION, add TITLE, stock.") +
      " help lists everything; Ctrl-D or quit leaves.\n",
  });
  const stop = () => void app.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await closed;
  await app.stop();
  return 0;
}

async function runAll(config: Config, source: string): Promise<number> {
  const logger = createLogger(config.log.level);
  const app = await startApp({ config, logger });
  if (app.adapters.length === 0 && !app.web) {
    logger.error({ config: source }, "no adapter is enabled in the config (console.enabled, http, …); nothing to run");
    await app.stop();
    return 1;
  }
  logger.info({ config: source, adapters: app.adapters.map((adapter) => adapter.name), web: app.web?.url, data: storeName(config) }, "stocktake running");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "stopping: finishing commands in flight");
      void app.stop().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
    void consoleClosed(app)?.then(() => stop("console closed"));
  });
  return 0;
}

async function runImport(config: Config, file: string, project: string | undefined, release: string | undefined, dryRun: boolean): Promise<number> {
  const read = await readMailFile(file);
  if (!read.ok) {
    process.stderr.write(`stocktake: ${read.message}\n`);
    return 1;
  }
  const store = dryRun ? await openStoreToRead(config) : await openStore(config);
  try {
    const target = { by: "cli:import", byAuthor: true, envelope: read.envelope, dryRun, people: config.people, ...(project ? { project } : {}), ...(release ? { release } : {}) };
    const result = await importIntoStore(store, read.text, target, systemClock);
    if (!result.ok) {
      if (result.error.code === "usage") throw new UsageError(plainText(result.error.message));
      process.stderr.write(`${plainText(result.error.message)}\n`);
      return 1;
    }
    const outcome = describeImport(result.value, storeName(config), read.notes);
    process.stdout.write(`${outcome.lines.join("\n")}\n`);
    return outcome.exitCode;
  } finally {
    await store.close();
  }
}

async function runMigrate(fromText: string, toText: string, schema: string | undefined, force: boolean): Promise<number> {
  const { migrate, MigrateError, parsePlace, describePlace } = await import("../adapters/store/migrate.js");
  try {
    const from = parsePlace(fromText, schema);
    const to = parsePlace(toText, schema);
    const outcome = await migrate({ from, to, force });
    process.stdout.write(
      `Copied ${outcome.events} events (${outcome.features} features) from ${describePlace(from)} to ${describePlace(to)}${outcome.replaced ? ", replacing the plan it held" : ""}. ` +
        (outcome.events === 0 ? "The plan was empty.\n" : `Checked: ${outcome.events} events, numbered 1 to ${outcome.events}, replay to the same plan.\n`),
    );
    return 0;
  } catch (error) {
    // A refusal, a bad file or an unreachable database: one line, never a stack trace.
    const message = error instanceof MigrateError ? error.message : `the copy failed: ${(error as Error).message}`;
    process.stderr.write(`stocktake migrate: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  }
}

async function runExport(config: Config, format: ExportFormat, projectId: string | undefined, releaseId: string | undefined): Promise<number> {
  // A read never creates a data file.
  const store = await openStoreToRead(config);
  try {
    const state = store.read();
    const projects = Object.values(state.projects);
    const project = projectId ? own(state.projects, projectId) : projects.length === 1 ? projects[0] : undefined;
    if (!project) {
      throw new UsageError(
        projects.length === 0 ? `${storeName(config)} has no projects yet` : `say which project with --project (${projects.map((item) => item.id).join(", ")})`,
      );
    }
    const id = releaseId ?? project.currentRelease;
    const release = id ? own(project.releases, id) : undefined;
    if (!release) throw new UsageError(`${project.id} has no release ${id ?? "(none is current)"}`);
    process.stdout.write(exportRelease(format, project, release, systemClock.now(), config.people));
    return 0;
  } finally {
    await store.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`The config has problems:\n${error.message}\n`);
    process.exitCode = 1;
  } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`stocktake: ${(error as Error).message}\n(stocktake --help lists the commands and options)\n`);
    process.exitCode = 2;
  } else if (isStoreRefusal(error)) {
    process.stderr.write(`stocktake: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
