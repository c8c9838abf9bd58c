/** What a change names: one entity of the plan. */
export type Target =
  | { entity: "project"; project: string }
  | { entity: "release"; project: string; release: string }
  | { entity: "feature"; project: string; release: string; feature: string }
  | { entity: "conversation"; conversation: string };

type Fields = Record<string, unknown>;

/**
 * What a command asks to change: create an entity, update some of its fields, delete it. The store
 * turns it into a `Change` with the exact before and after (src/plan/reducer.ts).
 */
export type ChangeRequest = Target &
  ({ op: "create"; value: Fields } | { op: "update"; fields: Fields } | { op: "delete" });
