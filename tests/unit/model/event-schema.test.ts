import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ChangeSchema, EventMetaSchema, EventSchema } from "../../../src/model/schema.js";

/** What EventSchema was before it was one object per entity: every history line was parsed by it. */
const Intersection = z.intersection(ChangeSchema, EventMetaSchema);

const anyValue = fc.oneof(fc.string({ maxLength: 5 }), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
/** The valid value(s) nine times in ten, anything else otherwise. */
const often = <T>(...valid: fc.Arbitrary<T>[]) => fc.oneof({ arbitrary: fc.oneof(...valid), weight: 9 }, { arbitrary: anyValue, weight: 1 });
/** Mostly valid events, with any field sometimes missing, of the wrong type, or out of range. */
const eventLike = fc.record(
  {
    entity: often(fc.constantFrom("project", "release", "feature", "conversation")),
    project: often(fc.constant("xen")),
    release: often(fc.constant("4.3")),
    feature: often(fc.constant("blktap3")),
    conversation: often(fc.constant("matrix:!room")),
    before: often(fc.constant(null), fc.constant({ bucket: "fair" })),
    after: often(fc.constant(null), fc.constant({ bucket: "done", note: "x" })),
    seq: often(fc.integer({ min: 1, max: 1e6 })),
    txn: often(fc.integer({ min: 1, max: 1e6 })),
    txnEvents: often(fc.integer({ min: 0, max: 5 })),
    at: often(fc.constant("2013-01-23T12:00:00.000Z")),
    by: often(fc.constant("matrix:@konrad:example.org")),
    command: fc.oneof(fc.constant("!status blktap3 done"), fc.constant("x".repeat(201)), anyValue),
    origin: often(fc.constant("matrix:$event")),
    undoes: often(fc.integer({ min: 0, max: 3 })),
    quiet: often(fc.boolean()),
    extra: anyValue,
  },
  { requiredKeys: ["entity", "project", "release", "feature", "conversation", "before", "after", "seq", "txn", "at", "by", "command"] },
);

describe("EventSchema", () => {
  it("accepts, refuses and strips exactly as the intersection of a change and its bookkeeping did", () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(eventLike, (raw) => {
        const now = EventSchema.safeParse(raw);
        const before = Intersection.safeParse(raw);
        expect(now.success).toBe(before.success);
        if (now.success && before.success) expect(now.data).toStrictEqual(before.data);
        // The history's "not a valid event (PATH: …)" names the same field.
        if (!now.success && !before.success) expect(now.error.issues[0]?.path).toStrictEqual(before.error.issues[0]?.path);
        seen[now.success ? "valid" : "invalid"]++;
      }),
      { numRuns: 2000 },
    );
    // Both kinds were compared, not only refusals.
    expect(seen.valid).toBeGreaterThan(100);
    expect(seen.invalid).toBeGreaterThan(100);
  });

  it("keeps the fields of each entity and drops ones it does not know", () => {
    const parsed = EventSchema.parse({ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", before: null, after: { bucket: "done" }, seq: 3, txn: 3, at: "2013-01-23T12:00:00.000Z", by: "console:me", command: "!add blktap3", stray: 1 });
    expect(parsed).toStrictEqual({ entity: "feature", project: "xen", release: "4.3", feature: "blktap3", before: null, after: { bucket: "done" }, seq: 3, txn: 3, at: "2013-01-23T12:00:00.000Z", by: "console:me", command: "!add blktap3" });
  });
});
