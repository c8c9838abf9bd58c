import type { ProjectConfig } from "../config/core-config.js";
import { own } from "../util/own.js";

export type PageFormat = "html" | "txt" | "json" | "ics" | "atom";

/** Where a project's page lives on the web server: /p/xen, /p/xen.txt, /p/xen.json, /p/xen.ics, /p/xen.atom. */
export function pagePath(projectId: string, format: PageFormat = "html"): string {
  return `/p/${encodeURIComponent(projectId)}${format === "html" ? "" : `.${format}`}`;
}

/** The part of the config that decides whether and where a project's page is public. */
export interface PageUrlConfig {
  http?: { publicUrl?: string | undefined } | undefined;
  projects: Readonly<Record<string, Pick<ProjectConfig, "private">>>;
}

/**
 * The public address of a project's page, for replies and embeds to link to: undefined when no
 * `http.publicUrl` is configured, and for private projects, whose pages answer 404.
 */
export function pageUrl(config: PageUrlConfig, projectId: string, format: PageFormat = "html"): string | undefined {
  const base = config.http?.publicUrl;
  if (base === undefined || own(config.projects, projectId)?.private === true) return undefined;
  return `${base.replace(/\/+$/, "")}${pagePath(projectId, format)}`;
}
