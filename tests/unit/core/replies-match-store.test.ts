import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_INFO, parseBucket } from "../../../src/model/buckets.js";
import type { Feature } from "../../../src/model/schema.js";
import { featureLabel } from "../../../src/plan/summary.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";

// Issue 10: for random sequences of commands built from real titles (colons, parentheses, unicode,
// quotes), every reply that says a change was made matches the change in the store, field by
// field, and a reply that made no change left the store as it was.

const TITLES = [
  "V4V: Inter-domain communication",
  "Scalability: 16TiB of RAM",
  "Memory: Replace PoD with paging mechanism",
  "PVH mode (Linux)",
  "blktap3",
  "xl: vNUMA support",
  "Rémi's ‘fast’ path",
  'The "quoted" scheduler',
  "ARM: 64-bit guests (Linux)",
  "Größere Seiten: 1 GiB pages",
  "numa: auto-placement (xl)",
  "EFI (partial)",
];
const NAMES = ["George Dunlap", "Ian Jackson", "Roger Pau Monné", "Konrad R. Wilk", "O'Brien", "李雷"];
const NOTES = ["waiting on review: v3 posted", "needs (more) testing", "“blocked” on x86", "see https://example.org/a:b", "done: 90%", "O'Brien's patch"];
const BUCKET_WORDS = ["done", "finished", "on-track", "green", "fair", "amber", "yellow", "at-risk", "at risk", "red", "deferred", "dropped"];

type Op =
  | { kind: "status"; target: number; byTitle: boolean; bucket: string; probability: number | null }
  | { kind: "owner"; target: number; byTitle: boolean; names: string[] }
  | { kind: "note"; target: number; byTitle: boolean; text: string }
  | { kind: "rename"; target: number; byTitle: boolean; title: string }
  | { kind: "add"; title: string; bucket: string };

const target = fc.nat({ max: 50 });
const byTitle = fc.boolean();
const title = fc.tuple(fc.constantFrom(...TITLES), fc.constantFrom("", " 2", ": next", " (v2)", " ✓")).map(([base, suffix]) => base + suffix);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("status" as const), target, byTitle, bucket: fc.constantFrom(...BUCKET_WORDS), probability: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }) }),
  fc.record({ kind: fc.constant("owner" as const), target, byTitle, names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("note" as const), target, byTitle, text: fc.constantFrom(...NOTES) }),
  fc.record({ kind: fc.constant("rename" as const), target, byTitle, title }),
  fc.record({ kind: fc.constant("add" as const), title, bucket: fc.constantFrom(...BUCKET_WORDS) }),
);

/** "(partial)" is what the summary says of a parent, never part of a title: it is left out, and the reply shows so. */
const asStored = (typed: string) => typed.replace(/ \(partial\)$/, "");

/** Quoted so that the tokenizer gives the text back whole: quotes and backslashes escaped. */
const quote = (text: string) => `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;

function features(chat: FakeChat): Record<string, Feature> {
  return structuredClone(chat.store.read().projects["xen"]!.releases["4.3"]!.features);
}

/** The feature with every field but the ones a change may touch. */
function rest(feature: Feature, changed: readonly (keyof Feature)[]): Partial<Feature> {
  const copy: Partial<Feature> = { ...feature };
  for (const key of [...changed, "updatedAt", "updatedBy"] as const) delete copy[key];
  return copy;
}

async function run(ops: readonly Op[]): Promise<void> {
  const chat = new FakeChat();
  await chat.setup("!project new xen", "!release new 4.3");
  for (const [index, base] of TITLES.entries()) await chat.setup(`!add ${quote(base)} --bucket ${BUCKET_WORDS[index % BUCKET_WORDS.length]}`);
  for (const step of ops) {
    const before = features(chat);
    const ids = Object.keys(before).sort();
    let line: string;
    let id: string | undefined;
    if (step.kind === "add") {
      line = `!add ${quote(step.title)} --bucket ${step.bucket}`;
    } else {
      id = ids[step.target % ids.length]!;
      const feature = before[id]!;
      // By title, as typed: unquoted, colons and all; or by id.
      const name = step.byTitle ? featureLabel(feature) : id;
      if (step.kind === "status") line = `!status ${name} ${step.bucket}${step.probability === null ? "" : ` --probability ${step.probability}`}`;
      else if (step.kind === "owner") line = `!owner ${name} ${step.names.join(", ")}`;
      else if (step.kind === "note") line = `!note ${name}: ${step.text}`;
      else line = `!rename ${name} to ${step.title}`;
    }
    const reply = await chat.bot.handle({ text: line, invoker: ADMIN, conversation: chat.conversation });
    const said = reply ? renderPlain(reply) : "";
    const after = features(chat);
    const context = `${line}\n→ ${said}`;
    if (reply?.tone !== "ok") {
      expect(after, context).toEqual(before);
      continue;
    }
    if (step.kind === "add") {
      const added = Object.keys(after).filter((key) => !(key in before));
      expect(added, context).toHaveLength(1);
      const feature = after[added[0]!]!;
      expect(featureLabel(feature), context).toBe(asStored(step.title));
      expect(feature.bucket, context).toBe(parseBucket(step.bucket));
      expect(said, context).toContain(feature.title);
      for (const key of Object.keys(before)) expect(after[key], context).toEqual(before[key]);
      continue;
    }
    // A change names one feature; that one changed as said, and no other feature changed at all.
    for (const key of Object.keys(before)) if (key !== id) expect(after[key], `${context}\n(${key} changed)`).toEqual(before[key]);
    expect(Object.keys(after).sort(), context).toEqual(ids);
    const was = before[id!]!;
    const now = after[id!]!;
    switch (step.kind) {
      case "status": {
        const bucket = parseBucket(step.bucket)!;
        expect(now.bucket, context).toBe(bucket);
        if (step.probability !== null) expect(now.probability, context).toBe(step.probability);
        expect(rest(now, ["bucket", "probability"]), context).toEqual(rest(was, ["bucket", "probability"]));
        expect(said, context).toContain(BUCKET_INFO[bucket].label);
        break;
      }
      case "owner":
        expect(now.owners, context).toEqual(step.names);
        expect(rest(now, ["owners"]), context).toEqual(rest(was, ["owners"]));
        for (const person of step.names) expect(said, context).toContain(person);
        break;
      case "note":
        expect(now.note, context).toBe(step.text);
        expect(rest(now, ["note"]), context).toEqual(rest(was, ["note"]));
        expect(said, context).toContain(step.text);
        break;
      case "rename":
        expect(featureLabel(now), context).toBe(asStored(step.title));
        expect(rest(now, ["title", "qualifier", "external"]), context).toEqual(rest(was, ["title", "qualifier", "external"]));
        expect(said, context).toContain(now.title);
        break;
    }
  }
}

describe("replies that say a change was made", () => {
  it("match the store, field by field, for random sequences over real titles", async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), run), { numRuns: 150 });
  }, 120_000);
});

describe("sequences the property found", () => {
  it.each<[string, Op[]]>([
    ["owner by a title that another title starts with", [{ kind: "rename", target: 1, byTitle: false, title: "ARM: 64-bit guests (Linux) (v2)" }, { kind: "owner", target: 0, byTitle: true, names: ["George Dunlap"] }, { kind: "add", title: "V4V: Inter-domain communication", bucket: "done" }]],
    ["a title with quotes inside it, typed unquoted", [{ kind: "rename", target: 0, byTitle: false, title: 'The "quoted" scheduler ✓' }, { kind: "owner", target: 0, byTitle: false, names: ["George Dunlap"] }]],
    ["(partial) is no part of a title", [{ kind: "rename", target: 1, byTitle: false, title: "EFI (partial)" }]],
    [
      "a name that is one feature's id and another's title",
      [
        { kind: "rename", target: 13, byTitle: false, title: "V4V: Inter-domain communication ✓" },
        { kind: "add", title: "blktap3", bucket: "done" },
        { kind: "rename", target: 41, byTitle: true, title: "V4V: Inter-domain communication 2" },
        { kind: "add", title: "V4V: Inter-domain communication", bucket: "done" },
      ],
    ],
  ])("%s", async (_name, ops) => {
    await run(ops);
  });
});
