import type { Person } from "../config/core-config.js";
import type { Project, Release } from "../model/schema.js";
import { exportText } from "./export.js";

/** "[Xen-devel] Xen 4.5 Planning: Taking stock": the subject release managers use, which `guessTarget` reads back. */
export function stockSubject(prefix: string, project: Pick<Project, "name">, release: Pick<Release, "id">): string {
  return `${prefix ? `${prefix} ` : ""}${project.name} ${release.id} Planning: Taking stock`;
}

/**
 * The body of a taking-stock mail: the export's text (where we stand, the timeline, the buckets)
 * without its first line, which is the subject, and with the list's introduction above it.
 */
export function stockMailText(project: Project, release: Release, now: Date, intro?: string, people: Readonly<Record<string, Person>> = {}): string {
  const text = exportText(project, release, now, people).replace(/^[^\n]*\n\n/, "");
  return intro ? `${intro.trim()}\n\n${text}` : text;
}
