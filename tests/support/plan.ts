import type { Feature } from "../../src/model/schema.js";

const AT = "2013-01-23T12:00:00.000Z";

/** A feature with every field filled in, so a test names only the fields it cares about. */
export function makeFeature(id: string, fields: Partial<Feature> = {}): Feature {
  return {
    id,
    title: id,
    qualifier: null,
    external: false,
    bucket: "fair",
    owners: [],
    note: null,
    probability: null,
    links: [],
    aliases: [],
    parent: null,
    order: 1,
    createdAt: AT,
    createdBy: "test",
    updatedAt: AT,
    updatedBy: "test",
    ...fields,
  };
}
