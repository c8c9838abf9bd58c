import type { ProjectMeta, ReleaseMeta } from "../model/schema.js";
import type { Clock, PlanStore } from "../ports.js";
import type { ChangeRequest } from "../plan/reducer.js";
import { emptyRelease } from "../plan/release.js";
import { fail, ok, type Result } from "../util/result.js";
import { planImport } from "./apply-import.js";
import { importMail, type ImportedMail } from "./import.js";
import { own } from "../util/own.js";

export interface ImportTarget {
  project?: string;
  release?: string;
  by: string;
  /** Release fields to set when the release is created here (the demo's schedule). */
  releaseDefaults?: Partial<Pick<ReleaseMeta, "cycleMonths" | "cycleStart" | "milestones">>;
}

export interface ImportReport {
  project: string;
  release: string;
  added: number;
  skipped: string[];
  mail: ImportedMail;
}

/** "[Xen-devel] 4.3 Planning: Taking stock" → project xen, release 4.3. */
export function guessTarget(subject: string | null): { project?: string; release?: string } {
  if (!subject) return {};
  const list = /^\[([A-Za-z0-9_.-]+?)(?:-(?:devel|dev|users|announce))?\]/.exec(subject);
  const version = /\b(\d+(?:\.\d+)+)\b/.exec(subject);
  return {
    ...(list ? { project: list[1]!.toLowerCase() } : {}),
    ...(version ? { release: version[1]! } : {}),
  };
}

/**
 * Imports a status mail into the store in one change: the project and release are created when
 * missing (the new release becomes current), then the features and milestones are added.
 */
export async function importIntoStore(store: PlanStore, text: string, target: ImportTarget, clock: Clock): Promise<Result<ImportReport>> {
  const mail = importMail(text, clock.now().toISOString().slice(0, 10));
  const guessed = guessTarget(mail.subject);
  const project = (target.project ?? guessed.project)?.toLowerCase();
  const release = target.release ?? guessed.release;
  if (!project || !release) {
    return fail("usage", "Say which project and release to import into (--project xen --release 4.3): the mail's subject does not tell.");
  }
  const result = await store.update({ by: target.by, command: `import into ${project} ${release}` }, (state) => {
    const now = clock.now();
    const at = now.toISOString();
    const changes: ChangeRequest[] = [];
    const existingProject = own(state.projects, project);
    if (!existingProject) {
      const meta: ProjectMeta = { id: project, name: project.charAt(0).toUpperCase() + project.slice(1), currentRelease: release, lastStockAt: null, createdAt: at, createdBy: target.by };
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
    const planned = planImport(mail, project, existingRelease, target.by, now);
    changes.push(...planned.changes);
    return ok({ changes, value: { project, release, added: planned.added, skipped: planned.skipped, mail } });
  });
  return result.ok ? ok(result.value.value) : result;
}
