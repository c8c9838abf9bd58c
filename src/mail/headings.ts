import { bucketFromHeading, type Bucket } from "../model/buckets.js";

/**
 * What a status mail's heading says: a likelihood bucket ("Finished features"), an open list whose
 * items carry no likelihood ("Open", "tools, blockers"), the timeline, an area that groups items
 * ("x86", "Toolstack"), or something else (prose sections such as "Development Focus").
 */
export type HeadingMeaning =
  | { kind: "bucket"; bucket: Bucket; area: string | null; blocker: boolean }
  | { kind: "open"; area: string | null; blocker: boolean }
  | { kind: "timeline" }
  | { kind: "area"; area: string }
  | { kind: "unknown" };

/** Subsystems release mails group items by; any other short heading nested in a bucket is one too. */
const AREAS = new Set([
  "x86", "x86_64", "amd", "intel", "arm", "arm32", "arm64", "aarch64", "riscv", "risc-v", "ppc", "powerpc",
  "hypervisor", "tools", "toolstack", "libxl", "xl", "qemu", "linux", "kernel", "docs", "documentation",
  "build", "ci", "testing", "mm", "net", "networking", "block", "storage", "security", "common", "drivers",
]);

export function isKnownArea(text: string): boolean {
  return AREAS.has(text.trim().toLowerCase());
}

const TIMELINE = /\b(timeline|time line|schedule|dates|deadlines)\b/i;

function bucketWords(text: string): { bucket?: Bucket; open?: boolean; blocker?: boolean } | undefined {
  const lower = text.toLowerCase();
  if (/not for (this|the) release|\bpost[- ]\d|next release/.test(lower)) return { bucket: "deferred" };
  // "Not yet complete" (Xen 4.3's updates) is the open list, not the finished one.
  if (/\bnot (?:yet )?(?:complete|completed|done|finished|merged|fixed)\b|\bincomplete\b|\bunfinished\b|\bunresolved\b/.test(lower)) return { open: true };
  const known = bucketFromHeading(text);
  if (known) return { bucket: known };
  if (/\bmerged\b|\bclosed\b|\bresolved\b|\bfixed\b|\bcommitted\b|\bfinished\b/.test(lower)) return { bucket: "done" };
  if (/\bblockers?\b|\bblocking\b|\b(?:release[- ])?critical\b/.test(lower)) return { open: true, blocker: true };
  if (/\bopen\b|in[- ]progress|\bbacklog\b|nice to have|\btodo\b|\bwork items?\b|\bfeatures?\b|\bitems\b|\bbugs?\b|\bissues\b|\bregressions?\b/.test(lower)) return { open: true };
  return undefined;
}

/** Longer than a name: prose, not an area. */
const AREA_MAX = 64;

export function headingMeaning(name: string): HeadingMeaning {
  const text = name.trim().replace(/:$/, "").trim();
  const parts = text.split(/\s*,\s*/).filter(Boolean);
  let area: string | null = null;
  let found: ReturnType<typeof bucketWords>;
  for (const part of parts) {
    const words = bucketWords(part);
    if (words && !found) found = words;
    else if (!words && parts.length > 1 && area === null && part.length <= AREA_MAX) area = part;
  }
  if (found?.bucket) return { kind: "bucket", bucket: found.bucket, area, blocker: found.blocker ?? false };
  if (found?.open) return { kind: "open", area, blocker: found.blocker ?? false };
  if (TIMELINE.test(text)) return { kind: "timeline" };
  if (isKnownArea(text)) return { kind: "area", area: text };
  return { kind: "unknown" };
}

export function mentionsTimeline(text: string): boolean {
  return TIMELINE.test(text);
}
