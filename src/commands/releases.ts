import { z } from "zod";
import { configRoleOf, isPermitted, mayKnowProject, refusal } from "../access/permissions.js";
import { IdSchema, isKnownTimeZone, type Milestone, type PlanState, type Project, type ProjectMeta, type ReleaseMeta } from "../model/schema.js";
import { endingSoonLine } from "../plan/exceptions.js";
import { carryRequests, emptyRelease, isClosed } from "../plan/release.js";
import { describeCountdown, describeSchedule, milestoneName, nextMilestone, sortMilestones } from "../plan/schedule.js";
import { bucketCounts, describeCounts, releaseTotal } from "../plan/summary.js";
import { cmd, failureReply, type ListItem, type Reply, t, type Text } from "../reply/reply.js";
import { dateInZone, daysBetween, displayZone, endOfDate, formatLongDate, parseDate, relativeDays } from "../util/dates.js";
import { fail, ok, type Result } from "../util/result.js";
import { nameArg, switchArg, valueFlag } from "./args.js";
import { param } from "./params.js";
import { changeAndReply, noChange, stamp } from "./helpers.js";
import { projectFor, scopeFor } from "../access/scope.js";
import { defineCommand, type CommandContext } from "./spec.js";
import type { Token } from "./tokenize.js";
import { hasOwn, own } from "../util/own.js";

const projectId = z
  .string({ error: "which project? Give a short name such as xen" })
  .trim()
  .toLowerCase()
  .pipe(IdSchema.max(32, "project names are at most 32 characters"));

/** The id as typed ("OpenStack"), checked as an id: a project made without a name keeps the capitals it was typed with. */
const typedProjectId = z
  .string({ error: "which project? Give a short name such as xen" })
  .trim()
  .superRefine((typed, check) => {
    const parsed = projectId.safeParse(typed);
    if (!parsed.success) for (const issue of parsed.error.issues) check.addIssue({ code: "custom", message: issue.message });
  });

const releaseId = z
  .string({ error: "which release? Give its version, such as 4.3" })
  .trim()
  .min(1, "which release? Give its version, such as 4.3")
  .max(32, "release names are at most 32 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "release names are letters, digits, '.', '_', '+' and '-'");

const info = (text: Text): Reply => ({ tone: "info", blocks: [{ type: "text", text }] });
const done = (text: Text): Reply => ({ tone: "ok", blocks: [{ type: "text", text }] });

export const projectNewCommand = defineCommand({
  path: ["project", "new"],
  summary: "Start planning a project, and use it in this room.",
  args: z.object({ id: param.word("Short name: xen", typedProjectId), name: param.text("Display name: Xen Project", nameArg).optional() }),
  permission: "admin",
  examples: ["!project new xen Xen Project"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const id = args.id.toLowerCase();
      if (own(state.projects, id)) return fail("conflict", t`There is already a project ${id}. Use it here with ${cmd("project use", id)}.`);
      const now = ctx.clock.now().toISOString();
      // No name given: the id as it was typed, not a capital made up for it ("Openstack").
      const project: ProjectMeta = {
        id,
        name: args.name ?? args.id,
        currentRelease: null,
        lastStockAt: null,
        createdAt: now,
        createdBy: ctx.invoker.id,
      };
      return ok({
        changes: [
          { entity: "project", project: id, op: "create", value: project },
          { entity: "conversation", conversation: ctx.conversation, op: "update", fields: { project: id } },
        ],
        value: done(t`Created ${project.name} (${id}); this room uses it now. Next: ${cmd("release new", "VERSION")}.`),
      });
    }),
});

export const projectUseCommand = defineCommand({
  path: ["project", "use"],
  summary: "Make this room talk about another project.",
  args: z.object({ id: param.word("Project name", projectId) }),
  // Checked against the room's project by the dispatcher, and against the target here.
  permission: "manage",
  examples: ["!project use xen"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      // A private project someone has no role in is not there for them: neither named nor bound.
      const project = mayKnowProject(ctx.invoker, args.id, ctx.config) ? own(state.projects, args.id) : undefined;
      if (!project) {
        const ids = knownProjects(ctx, state).map((known) => known.id);
        return fail("not-found", ids.length > 0 ? `There is no project ${args.id}. Projects: ${ids.join(", ")}.` : t`There is no project ${args.id}. Start one with ${cmd("project new", "NAME")}.`);
      }
      // Only the config's roles in the target count: a room's power levels would make its creator a manager of any project.
      if (!isPermitted("manage", configRoleOf(ctx.invoker, args.id, ctx.config))) return { ok: false, error: refusal("project use", "manage", ctx.invoker, args.id) };
      if (own(state.conversations, ctx.conversation)?.project === args.id) return noChange(info(`This room already uses ${project.name}.`));
      return ok({
        changes: [{ entity: "conversation", conversation: ctx.conversation, op: "update", fields: { project: args.id } }],
        value: done(`This room now uses ${project.name}.`),
      });
    }),
});

export const projectListCommand = defineCommand({
  path: ["project", "list"],
  aliases: [["projects"]],
  summary: "The projects Stocktake plans.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const here = ctx.projectId;
    const items: ListItem[] = knownProjects(ctx, ctx.plan).map((project) => ({
        text: `${project.name} (${project.id})${project.currentRelease ? `, release ${project.currentRelease}` : ""}${project.id === here ? " — this room" : ""}`,
      }));
    if (items.length === 0) return info(t`No projects yet. Start one with ${cmd("project new", "NAME")}.`);
    return { tone: "info", blocks: [{ type: "list", items }] };
  },
});

/** The projects this person may be told about, by id. */
function knownProjects(ctx: CommandContext, state: Readonly<PlanState>): Project[] {
  return Object.values(state.projects)
    .filter((project) => mayKnowProject(ctx.invoker, project.id, ctx.config))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export const releaseNewCommand = defineCommand({
  path: ["release", "new"],
  summary: "Start planning a release and make it the current one.",
  flags: [
    { name: "cycle", value: "MONTHS", description: "Length of the release cycle in months" },
    { name: "start", value: "DATE", description: "When the cycle started (default today)" },
    { name: "carry", description: "Carry every feature not finished or dropped over from the current release" },
  ],
  args: z.object({
    version: param.word("Version: 4.3", releaseId),
    cycle: valueFlag("cycle").pipe(
      z.string().regex(/^\d{1,2}$/, "--cycle is a number of months").transform(Number).pipe(z.number().min(1).max(60, "--cycle is at most 60 months")).optional(),
    ),
    start: valueFlag("start"),
    carry: switchArg,
  }),
  permission: "manage",
  examples: ["!release new 4.3 --cycle 9", "!release new 4.4 --cycle 9 --start 2013-07-09", "!release new 4.4 --carry"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const project = projectFor(state, ctx.conversation, ctx.config);
      if (!project.ok) return project;
      const { id, name, releases, currentRelease } = project.value;
      if (hasOwn(releases, args.version)) return fail("conflict", t`${name} ${args.version} exists already. Switch to it with ${cmd("release use", args.version)}.`);
      const now = ctx.clock.now();
      const today = now.toISOString().slice(0, 10);
      let start: string | null = args.cycle === undefined ? null : today;
      if (args.start !== undefined) {
        const parsed = parseDate(args.start, today);
        if (!parsed) return fail("usage", `--start: “${args.start}” is not a date I can read; try 2013-03-25.`);
        start = parsed;
      }
      const release: ReleaseMeta = { ...emptyRelease(args.version, ctx.invoker.id, now), cycleMonths: args.cycle ?? null, cycleStart: start };
      const was = currentRelease ? ` (was ${currentRelease})` : "";
      const from = currentRelease === null ? undefined : own(releases, currentRelease);
      if (args.carry && !from) return fail("usage", `--carry takes the unfinished features of the current release, and ${name} has none yet.`);
      const carried = from && args.carry ? carryRequests(id, from, args.version, stamp(ctx)) : [];
      const carriedText = from && args.carry ? ` Carried ${carried.length} unfinished feature${carried.length === 1 ? "" : "s"} over from ${from.id}.` : "";
      return ok({
        changes: [
          { entity: "release", project: id, release: args.version, op: "create", value: release },
          ...carried,
          { entity: "project", project: id, op: "update", fields: { currentRelease: args.version } },
        ],
        value: done(t`${name} ${args.version} is the current release now${was}.${carriedText} Next: ${cmd("add", "FEATURE")} and ${cmd("milestone set", "feature-freeze DATE")}.`),
      });
    }),
});

export const releaseUseCommand = defineCommand({
  path: ["release", "use"],
  summary: "Switch the project's current release.",
  args: z.object({ version: param.word("Version", releaseId) }),
  permission: "manage",
  examples: ["!release use 4.3"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const project = projectFor(state, ctx.conversation, ctx.config);
      if (!project.ok) return project;
      const { id, name, releases, currentRelease } = project.value;
      if (!hasOwn(releases, args.version)) {
        const known = Object.keys(releases);
        return fail("not-found", `${name} has no release ${args.version}.${known.length > 0 ? ` Releases: ${known.join(", ")}.` : ""}`);
      }
      if (currentRelease === args.version) return noChange(info(`${name} ${args.version} is already the current release.`));
      return ok({
        changes: [{ entity: "project", project: id, op: "update", fields: { currentRelease: args.version } }],
        value: done(`${name} ${args.version} is the current release now.`),
      });
    }),
});

export const releaseListCommand = defineCommand({
  path: ["release", "list"],
  aliases: [["releases"]],
  summary: "The project's releases.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const project = projectFor(ctx.plan, ctx.conversation, ctx.config);
    if (!project.ok) return failureReply(project.error);
    const releases = Object.values(project.value.releases);
    if (releases.length === 0) return info(t`${project.value.name} has no releases yet. Start one with ${cmd("release new", "VERSION")}.`);
    return {
      tone: "info",
      blocks: [
        {
          type: "list",
          items: releases.map((release) => ({
            text: `${release.id}: ${releaseTotal(release)}${release.id === project.value.currentRelease ? " (current)" : ""}${isClosed(release) ? `, shipped ${formatLongDate(release.closedAt!.slice(0, 10))}` : ""}`,
          })),
        },
      ],
    };
  },
});

export const releaseCloseCommand = defineCommand({
  path: ["release", "close"],
  aliases: [["release", "ship"]],
  summary: "Mark a release as shipped: its plan becomes read-only (undo reopens it).",
  args: z.object({ version: param.word("Version: 4.3 (default the current release)", releaseId).optional() }),
  permission: "manage",
  examples: ["!release close 4.3"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const project = projectFor(state, ctx.conversation, ctx.config);
      if (!project.ok) return project;
      const { id, name, releases, currentRelease } = project.value;
      const version = args.version ?? currentRelease;
      const release = version === null ? undefined : own(releases, version);
      if (!release) {
        const known = Object.keys(releases);
        return fail("not-found", version === null ? `${name} has no current release; say which to close.` : `${name} has no release ${version}.${known.length > 0 ? ` Releases: ${known.join(", ")}.` : ""}`);
      }
      if (isClosed(release)) return noChange(info(`${name} ${release.id} shipped already, on ${formatLongDate(release.closedAt!.slice(0, 10))}.`));
      const next = release.id === currentRelease ? t` Next: ${cmd("release new", "VERSION --carry")} takes its unfinished features along.` : "";
      return ok({
        changes: [{ entity: "release", project: id, release: release.id, op: "update", fields: { closedAt: ctx.clock.now().toISOString(), closedBy: ctx.invoker.id } }],
        value: done(t`${name} ${release.id} is shipped: its plan is read-only now (${cmd("stock", `--release ${release.id}`)} still shows it).${next}`),
      });
    }),
});

/** "feature freeze 25 March 2013 AoE" → name, date text, zone: the date is the longest ending that reads as one. */
function bindMilestone(words: readonly Token[]): Result<Record<string, string>> {
  const values: Record<string, string> = {};
  let end = words.length;
  const last = words[end - 1];
  if (last && end > 2 && isKnownTimeZone(last.text) && !/^\d/.test(last.text)) {
    values["zone"] = last.text;
    end--;
  }
  for (let width = Math.min(4, end - 1); width >= 1; width--) {
    const date = words.slice(end - width, end).map((word) => word.text).join(" ");
    if (parseDate(date, "2000-01-01") !== undefined) {
      values["date"] = date;
      values["name"] = words.slice(0, end - width).map((word) => word.text).join(" ");
      return ok(values);
    }
  }
  if (end >= 2) {
    values["name"] = words.slice(0, end - 1).map((word) => word.text).join(" ");
    values["date"] = words[end - 1]!.text;
  } else if (end === 1) {
    values["name"] = words[0]!.text;
  }
  return ok(values);
}

export const milestoneSetCommand = defineCommand({
  path: ["milestone", "set"],
  summary: "Set a milestone's date: last-posting, feature-freeze, code-freeze, hard-code-freeze, rc1…, release.",
  bind: bindMilestone,
  flags: [
    { name: "custom", description: "A milestone of your own (not one of the standard names)" },
    { name: "yes", description: "Set it even though its date is out of order with another milestone" },
  ],
  args: z.object({
    name: param.text(
      "feature-freeze, code-freeze, rc1, release…",
      z.string({ error: "which milestone? feature-freeze, code-freeze, rc1, release…" }).trim().min(1).max(64, "milestone names are at most 64 characters"),
    ),
    date: param.date("2013-03-25, 25 March 2013, +14d", z.string({ error: "when? Give a date such as 2013-03-25" }).trim().min(1)),
    zone: param
      .word("Time zone: AoE or an IANA name (default UTC)", z.string().trim().refine(isKnownTimeZone, "unknown time zone: use AoE or an IANA name such as Europe/London"))
      .optional(),
    custom: switchArg,
    yes: switchArg,
  }),
  permission: "manage",
  examples: ["!milestone set feature-freeze 2013-03-25 AoE", "!milestone set code freeze 15 April 2013 Europe/London", "!milestone set rc1 +6w", "!milestone set tree opens 2013-07-01 --custom"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const scope = scopeFor(state, ctx.conversation, ctx.config);
      if (!scope.ok) return scope;
      const { project, release } = scope.value;
      const name = milestoneName(args.name);
      if (!name) return fail("usage", `“${args.name}” is not a milestone name I can use.`);
      const zone = args.zone === undefined ? "UTC" : args.zone.toLowerCase() === "aoe" ? "AoE" : args.zone;
      const date = parseDate(args.date, dateInZone(ctx.clock.now(), zone));
      if (!date) return fail("usage", `“${args.date}” is not a date I can read; try 2013-03-25 or 25 March 2013.`);
      // A typo ("feature freez") would otherwise become a milestone of its own that nothing counts down to.
      if (milestoneRank(name.key) === undefined && !args.custom && !release.milestones.some((item) => item.key === name.key)) {
        return fail("usage", t`“${args.name}” is not a standard milestone (last-posting, feature-freeze, code-freeze, hard-code-freeze, rc1…, release). For one of your own, add --custom: ${cmd("milestone set", `${args.name} ${args.date} --custom`)}.`);
      }
      const milestone: Milestone = { key: name.key, label: name.label, date, timeZone: zone };
      const existing = release.milestones.find((item) => item.key === name.key);
      if (existing && existing.date === date && existing.timeZone === zone) return noChange(info(`${name.label} is already ${formatLongDate(date)}.`));
      const others = release.milestones.filter((item) => item.key !== name.key);
      const conflict = args.yes ? undefined : outOfOrder(milestone, others);
      if (conflict) {
        // `!yes` runs this again with the date as read and --yes; asking changes nothing.
        ctx.ask({ name: args.name, date, ...(args.zone === undefined ? {} : { zone: args.zone }), custom: args.custom, yes: true });
        return noChange(info(t`${name.label} on ${formatLongDate(date)} is ${conflict.when} the ${midSentence(conflict.other.label)} (${formatLongDate(conflict.other.date)}), but comes ${conflict.when === "before" ? "after" : "before"} it. ${cmd("yes")} to set it anyway, or give another date.`));
      }
      const milestones = sortMilestones([...others, milestone]);
      const was = existing ? ` (was ${formatLongDate(existing.date)})` : "";
      return ok({
        changes: [{ entity: "release", project: project.id, release: release.id, op: "update", fields: { milestones } }],
        value: done(`${project.name} ${release.id}: ${name.label} on ${formatLongDate(date)}${zone === "UTC" ? "" : ` (${displayZone(zone)})`}${was}.`),
      });
    }),
});

/** "Feature freeze" → "feature freeze" mid-sentence, but "RC1" stays "RC1". */
function midSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** Where a milestone falls in a cycle: last posting, feature freeze, code freeze, hard code freeze, the RCs in turn, release. */
function milestoneRank(key: string): number | undefined {
  const rc = /^rc(\d+)$/.exec(key);
  if (rc) return 4 + Number(rc[1]) / 1000;
  const order = ["last-posting", "feature-freeze", "code-freeze", "hard-code-freeze"];
  if (order.includes(key)) return order.indexOf(key);
  return key === "release" ? 5 : undefined;
}

/** The first milestone the new one's date contradicts: a later milestone dated before it, or an earlier one after it. */
function outOfOrder(milestone: Milestone, others: readonly Milestone[]): { other: Milestone; when: "before" | "after" } | undefined {
  const rank = milestoneRank(milestone.key);
  if (rank === undefined) return undefined;
  for (const other of sortMilestones(others)) {
    const otherRank = milestoneRank(other.key);
    if (otherRank === undefined) continue;
    if (otherRank < rank && milestone.date < other.date) return { other, when: "before" };
    if (otherRank > rank && milestone.date > other.date) return { other, when: "after" };
  }
  return undefined;
}

export const milestoneRemoveCommand = defineCommand({
  path: ["milestone", "remove"],
  summary: "Remove a milestone from the schedule.",
  args: z.object({ name: param.text("The milestone", z.string({ error: "which milestone?" }).trim().min(1).max(64)) }),
  permission: "manage",
  examples: ["!milestone remove rc3"],
  run: (ctx, args) =>
    changeAndReply(ctx, (state) => {
      const scope = scopeFor(state, ctx.conversation, ctx.config);
      if (!scope.ok) return scope;
      const { project, release } = scope.value;
      const name = milestoneName(args.name);
      const existing = name && release.milestones.find((item) => item.key === name.key);
      if (!existing) return fail("not-found", t`${release.id} has no milestone “${args.name}”. ${cmd("schedule")} lists them.`);
      return ok({
        changes: [
          { entity: "release", project: project.id, release: release.id, op: "update", fields: { milestones: release.milestones.filter((item) => item !== existing) } },
        ],
        value: done(`Removed ${existing.label} (${formatLongDate(existing.date)}).`),
      });
    }),
});

export const scheduleCommand = defineCommand({
  path: ["schedule"],
  aliases: [["milestones"], ["timeline"]],
  summary: "The release's milestones, and where we are.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    const now = ctx.clock.now();
    const blocks: Reply["blocks"] = [{ type: "heading", text: `${project.name} ${release.id} schedule` }];
    const where = describeSchedule(release, now);
    if (where) blocks.push({ type: "text", text: `${where}.` });
    if (release.milestones.length === 0) {
      blocks.push({ type: "text", text: t`No milestones yet. Set one with ${cmd("milestone set", "feature-freeze DATE [AoE]")}.` });
      return { tone: "info", blocks };
    }
    const next = nextMilestone(release, now);
    const items = sortMilestones(release.milestones).map((milestone) => {
      const passed = endOfDate(milestone.date, milestone.timeZone).getTime() <= now.getTime();
      const days = daysBetween(dateInZone(now, milestone.timeZone), milestone.date);
      const zone = milestone.timeZone === "UTC" ? "" : ` ${displayZone(milestone.timeZone)}`;
      const here = next?.milestone.key === milestone.key ? " ← next" : "";
      return { text: `${milestone.label}: ${formatLongDate(milestone.date)}${zone} (${passed ? "passed" : relativeDays(days)})${here}` };
    });
    blocks.push({ type: "list", items });
    return { tone: "info", blocks };
  },
});

export const freezeCommand = defineCommand({
  path: ["freeze"],
  summary: "Countdown to the next milestone, with what is at risk.",
  args: z.object({}),
  permission: "read",
  run: (ctx) => {
    const scope = ctx.scope;
    if (!scope.ok) return failureReply(scope.error);
    const { project, release } = scope.value;
    const next = nextMilestone(release, ctx.clock.now());
    if (!next) {
      const hint = release.milestones.length === 0 ? t` Set one with ${cmd("milestone set", "feature-freeze DATE")}.` : "";
      return info(`${project.name} ${release.id} has no milestone ahead.${hint}`);
    }
    const counts = bucketCounts(release);
    const soon = endingSoonLine(release, ctx.clock.now());
    return {
      tone: "info",
      blocks: [{ type: "text", text: `${project.name} ${release.id}: ${describeCountdown(next)}. ${describeCounts(counts)}.${soon ? ` ${soon.charAt(0).toUpperCase()}${soon.slice(1)}.` : ""}` }],
    };
  },
});
