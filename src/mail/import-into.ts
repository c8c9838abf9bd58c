import type { Person } from "../config/core-config.js";
import type { Feature, PlanState, ProjectMeta, ReleaseMeta } from "../model/schema.js";
import type { Clock, PlanStore } from "../ports.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { emptyRelease } from "../plan/release.js";
import { fail, ok, type Result } from "../util/result.js";
import { planImport, type ImportPlan } from "./apply-import.js";
import { importMail, type ImportedMail, type MailEnvelope } from "./import.js";
import { own } from "../util/own.js";

export interface ImportTarget {
  project?: string;
  release?: string;
  by: string;
  /** Headers read from the message (Subject, From, Date, Message-ID) when it was a whole mail. */
  envelope?: MailEnvelope;
  /** Record the changes as made by the mail's author (its From), when it has one, rather than `by`. */
  byAuthor?: boolean;
  /** Work out the changes and report them, but write nothing. */
  dryRun?: boolean;
  /** The config's people: an owner the mail names otherwise (George Dunlap for @george:xenproject.org) is the same owner, not a change. */
  people?: Readonly<Record<string, Person>>;
  /** Release fields to set when the release is created here (the demo's schedule). */
  releaseDefaults?: Partial<Pick<ReleaseMeta, "cycleMonths" | "cycleStart" | "milestones">>;
}

export interface ImportReport {
  project: string;
  release: string;
  /** Counted as everywhere: sub-items, not the features they are under (`isCounted`). */
  added: number;
  /** Features added that have sub-items: not counted in `added`. */
  parents: number;
  /** Parents made for area headings, beside the `added` features. */
  groupings: number;
  skipped: string[];
  /** What a later mail of the same release changed: bucket moves, other updates, close-spelling matches, open questions, features it no longer lists. */
  update: Pick<ImportPlan, "moved" | "updated" | "similar" | "ambiguous" | "unlisted">;
  mail: ImportedMail;
  /** The features the import creates, in plan order (what a dry run shows). */
  created: Feature[];
  dryRun: boolean;
}

/**
 * Features one import may add. A release mail lists tens to a few hundred; thousands is a mail
 * that is not one (or a generated attack), and every feature is one event in the history.
 */
export const MAX_IMPORT_FEATURES = 5_000;

const TOPIC_TAGS = new Set(["release", "ptl", "all", "patch", "rfc"]);
const LIST_TAG = /^(?:re:\s*)?\[([A-Za-z0-9_.-]+?)(?:-(?:devel|dev|users|announce|discuss))?\]/i;

/** "[Xen-devel] 4.3 Planning: Taking stock" → project xen, release 4.3; "Xen 4.19 release status" → xen 4.19. */
export function guessTarget(subject: string | null): { project?: string; release?: string } {
  if (!subject) return {};
  const tag = LIST_TAG.exec(subject);
  // "[release]" and "[ptl]" are OpenStack topic tags, not a project.
  const list = tag && !TOPIC_TAGS.has(tag[1]!.toLowerCase()) ? tag : null;
  const version = /\b(\d+(?:\.\d+)+)\b/.exec(subject);
  // No list tag: "Xen 4.19 release status …", "LLVM 15.0.0 Release Schedule": the word the subject opens with, right before the version.
  const named = list ? null : /^(?:re:\s*)?(?:\[[^\]]*\]\s*)*([A-Za-z][A-Za-z0-9_-]+)\s+\d+(?:\.\d+)+\b/i.exec(subject);
  return {
    ...(list ? { project: list[1]!.toLowerCase() } : named ? { project: named[1]!.toLowerCase() } : {}),
    ...(version ? { release: version[1]! } : {}),
  };
}

/**
 * The project's name as the mail's subject writes it ("[Xen-devel]" → Xen, "LLVM 15.0.0 …" → LLVM
 * for the id llvm), or nothing when the subject never names it: a name is read, not made up.
 */
export function projectNameIn(subject: string | null, id: string): string | undefined {
  if (!subject) return undefined;
  const tag = LIST_TAG.exec(subject)?.[1];
  if (tag && tag.toLowerCase() === id) return tag;
  return subject.split(/[^A-Za-z0-9_-]+/).find((word) => word.toLowerCase() === id);
}

/** The mail read and its target settled: what `draftImport` turns into changes. */
export interface PreparedImport {
  mail: ImportedMail;
  project: string;
  /** The name a project made by this import gets: as the subject writes it, else the id as typed. */
  projectName: string;
  release: string;
}

/** Reads the mail and works out which project and release it is for, before any state is looked at. */
export function prepareImport(text: string, target: Pick<ImportTarget, "project" | "release" | "envelope">, clock: Clock): Result<PreparedImport> {
  const mail = importMail(text, { today: clock.now().toISOString().slice(0, 10), ...(target.envelope ? { envelope: target.envelope } : {}) });
  const features = mail.items.reduce((sum, item) => sum + 1 + item.children.length, 0);
  if (features > MAX_IMPORT_FEATURES) {
    return fail(
      "too-long",
      `The mail lists ${features.toLocaleString("en")} items; one import takes at most ${MAX_IMPORT_FEATURES.toLocaleString("en")} (MAX_IMPORT_FEATURES). Nothing was imported: split the mail, or check it is a status mail.`,
    );
  }
  const guessed = guessTarget(mail.subject);
  const project = (target.project ?? guessed.project)?.toLowerCase();
  const release = target.release ?? guessed.release;
  if (!project || !release) {
    return fail("usage", "Say which project and release to import into (--project xen --release 4.3): the mail's subject does not tell.");
  }
  const projectName = projectNameIn(mail.subject, project) ?? (target.project?.trim() || project);
  return ok({ mail, project, projectName, release });
}

/**
 * The changes one import makes on a state: the project and release created when missing (the new
 * release becomes current), then the features (new ones added, known ones moved or updated) and milestones.
 */
export function draftImport(state: Readonly<PlanState>, prepared: PreparedImport, target: Omit<ImportTarget, "project" | "release" | "envelope">, now: Date): { changes: ChangeRequest[]; value: ImportReport } {
  const { mail, project, projectName, release } = prepared;
  const at = now.toISOString();
  const changes: ChangeRequest[] = [];
  const existingProject = own(state.projects, project);
  if (!existingProject) {
    const meta: ProjectMeta = { id: project, name: projectName, currentRelease: release, lastStockAt: null, createdAt: at, createdBy: target.by };
    changes.push({ entity: "project", project, op: "create", value: meta });
  }
  let existingRelease = own(existingProject?.releases, release);
  if (!existingRelease) {
    const meta: ReleaseMeta = { ...emptyRelease(release, target.by, now), ...target.releaseDefaults };
    changes.push({ entity: "release", project, release, op: "create", value: meta });
    if (existingProject && existingProject.currentRelease === null) {
      changes.push({ entity: "project", project, op: "update", fields: { currentRelease: release } });
    }
    existingRelease = { ...meta, features: {} };
  }
  const planned = planImport(mail, project, existingRelease, target.by, now, target.people);
  // One by one: spreading tens of thousands of arguments overflows the stack.
  for (const change of planned.changes) changes.push(change);
  const created = planned.changes.flatMap((change) => (change.entity === "feature" && change.op === "create" ? [change.value as Feature] : []));
  const update = { moved: planned.moved, updated: planned.updated, similar: planned.similar, ambiguous: planned.ambiguous, unlisted: planned.unlisted };
  return { changes, value: { project, release, added: planned.added, parents: planned.parents, groupings: planned.groupings, skipped: planned.skipped, update, mail, created, dryRun: target.dryRun ?? false } };
}

/** Who a mail's changes are recorded as: its author when the mail says, else `fallback`. */
export function importedBy(mail: Pick<ImportedMail, "from">, fallback: string): string {
  return mail.from ? `mail:${mail.from}`.slice(0, 200) : fallback;
}

/** Imports a status mail into the store in one change (see `draftImport`). */
export async function importIntoStore(store: PlanStore, text: string, target: ImportTarget, clock: Clock): Promise<Result<ImportReport>> {
  const prepared = prepareImport(text, target, clock);
  if (!prepared.ok) return prepared;
  if (target.byAuthor) target = { ...target, by: importedBy(prepared.value.mail, target.by) };
  if (target.dryRun) return ok(draftImport(store.read(), prepared.value, target, clock.now()).value);
  const result = await store.update({ by: target.by, command: `import into ${prepared.value.project} ${prepared.value.release}` }, (state) => ok(draftImport(state, prepared.value, target, clock.now())));
  return result.ok ? ok(result.value.value) : result;
}
