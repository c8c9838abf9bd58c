/**
 * Reads an item line's label the way release mails write it: "Multi-page blk rings (external)",
 * "Default to QEMU upstream (partial)", "Persistent grants for blk (Linux)". A short trailing
 * parenthesis is a qualifier; a longer one ("(don't rely on ACPI info f/ dom0)") stays part of the
 * title. Rendering with `featureLabel` gives the same text back.
 */
export interface ItemLabel {
  title: string;
  qualifier: string | null;
  external: boolean;
  partial: boolean;
}

const MARKER = /\s*\((external|partial)\)\s*$/i;
const TRAILING = /^(.*\S)\s+\(([^()]+)\)$/;
const QUALIFIER_MAX_WORDS = 3;
const QUALIFIER_MAX_CHARS = 24;

export function parseItemLabel(text: string): ItemLabel {
  let rest = text.trim();
  let external = false;
  let partial = false;
  for (let match = MARKER.exec(rest); match; match = MARKER.exec(rest)) {
    if (match[1]!.toLowerCase() === "external") external = true;
    else partial = true;
    rest = rest.slice(0, match.index).trimEnd();
  }
  let qualifier: string | null = null;
  const trailing = TRAILING.exec(rest);
  if (trailing) {
    const candidate = trailing[2]!.trim();
    if (candidate.length <= QUALIFIER_MAX_CHARS && candidate.split(/\s+/).length <= QUALIFIER_MAX_WORDS) {
      qualifier = candidate;
      rest = trailing[1]!;
    }
  }
  return { title: rest, qualifier, external, partial };
}
