import { runAtOnce, type Steps } from "../util/steps.js";
import type { Block, ListItem, Reply, Section } from "./reply.js";

/**
 * How big a platform finds a part, in the unit it limits: UTF-8 bytes of a Matrix event's JSON,
 * characters of a Discord message. Measuring the rendered part is what keeps renderers honest:
 * escaping and markup count too.
 */
export type Measure = (part: Reply) => number;

export interface SplitOptions {
  /** Measures a piece or two alone, to estimate what it adds to a part; `measure` by default. */
  estimate?: Measure;
}

/** Pieces sized between steps: each is a small render, so a step is not mostly the stepping. */
const STEP_PIECES = 16;

/** The heading a section carries in a later part, so a reader of that part knows what it lists. */
export function continuedHeading(heading: string): string {
  return `${heading} (continued)`;
}

/**
 * Splits a reply into parts whose measure is at most `limit`, between blocks, sections and list
 * items, never inside an item (its details and sub-items stay with it). Parts keep the reply's
 * order and fields; a section carried on in a later part has its heading there with "(continued)",
 * and the reply's link goes with the last part only, since renderers show it last.
 *
 * A single piece (an item, a text or preformatted block) too big on its own is returned alone, over
 * the limit: cutting inside it is the renderer's call (Discord cuts lines, Matrix cannot). A reply
 * that fits is returned as it is; once split, a list with no items (or sections with none) has
 * nothing to carry and is left out.
 *
 * Cost: each piece is measured alone (a small render) to estimate what it adds; parts are packed by
 * those estimates and then measured whole. Only a part the estimates got wrong is measured again, by
 * bisection, so a large summary costs O(n log n) rendered items at worst, about 3n in practice, not
 * O(n²). Every part returned has been passed to `measure`, so a measure that renders can keep
 * what it rendered (a WeakMap by part) for the caller to send; such a caller passes the same
 * measure without the keeping as `estimate`, which sizes the single pieces nobody sends.
 */
export function splitReply(reply: Reply, measure: Measure, limit: number, options: SplitOptions = {}): Reply[] {
  return runAtOnce(splitSteps(reply, measure, limit, options));
}

/** `splitReply` as steps, one per piece sized or part measured, to run in slices (see `runInSlices`). */
export function* splitSteps(reply: Reply, measure: Measure, limit: number, options: SplitOptions = {}): Steps<Reply[]> {
  if (measure(reply) <= limit) return [reply];
  yield;
  const pieces = replyPieces(reply);
  if (pieces.length <= 1) return [reply];

  const { link, ...bare } = reply;
  const estimate = options.estimate ?? measure;
  const sized = (blocks: Block[]): number => estimate({ ...bare, blocks });
  const base = sized([]);
  const linkCost = link ? estimate({ ...bare, blocks: [], link }) - base : 0;
  // What each piece costs alone, and what it adds after the piece before it: less than alone by
  // what a container costs once (a section's heading, a list's markup) and plus a separator. That
  // difference is measured once per container and at each change of container, not for every item.
  const alone: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    alone.push(sized(assemble(pieces, i, i + 1, false)) - base);
    if (i % STEP_PIECES === STEP_PIECES - 1) yield;
  }
  const adds: number[] = [];
  let shared = 0;
  for (let i = 0; i < pieces.length; i++) {
    const together = i > 0 && sameContainer(pieces[i - 1]!, pieces[i]!);
    if (i === 0) adds.push(alone[0]!);
    else if (together && i > 1 && sameContainer(pieces[i - 2]!, pieces[i]!)) adds.push(Math.max(0, alone[i]! - shared));
    else {
      const added = Math.max(0, sized(assemble(pieces, i - 1, i + 1, false)) - base - alone[i - 1]!);
      if (together) shared = alone[i]! - added;
      adds.push(added);
      if (i % STEP_PIECES === STEP_PIECES - 1) yield;
    }
  }

  const part = (start: number, end: number): Reply => {
    const blocks = assemble(pieces, start, end, start > 0 && sameContainer(pieces[start - 1]!, pieces[start]!));
    return end === pieces.length && link ? { ...bare, blocks, link } : { ...bare, blocks };
  };
  const parts: Reply[] = [];
  let start = 0;
  while (start < pieces.length) {
    const continued = start > 0 && sameContainer(pieces[start - 1]!, pieces[start]!);
    let size = base + linkCost + (continued ? sized(assemble(pieces, start, start + 1, true)) - base : alone[start]!);
    let end = start + 1;
    while (end < pieces.length && size + adds[end]! <= limit) size += adds[end++]!;
    let chosen = part(start, end);
    const over = measure(chosen) > limit;
    yield;
    if (over && end - start > 1) {
      // The estimates were short: the longest prefix that fits, found by bisection.
      let fits = start + 1;
      let tooMany = end;
      chosen = part(start, fits);
      let measured = false;
      while (tooMany - fits > 1) {
        const middle = (fits + tooMany) >> 1;
        const candidate = part(start, middle);
        const fitting = measure(candidate) <= limit;
        yield;
        if (fitting) {
          fits = middle;
          chosen = candidate;
          measured = true;
        } else tooMany = middle;
      }
      if (!measured) measure(chosen);
      end = fits;
    }
    parts.push(chosen);
    start = end;
  }
  return parts;
}

/** The smallest piece a splitter may move: a list item, a section's item, any other block whole. */
export interface Piece {
  /** Index of the block it came from: pieces of one block are put back into one block. */
  block: number;
  source: Block;
  /** Index of its section, for pieces of a sections block. */
  section?: number;
  /** Absent for a block that does not split and for a section with no items. */
  item?: ListItem;
}

/** The reply's pieces, in order: what a splitter moves between parts. A list with no items has none. */
export function replyPieces(reply: Reply): Piece[] {
  return reply.blocks.flatMap(explode);
}

function explode(block: Block, index: number): Piece[] {
  if (block.type === "list") return block.items.map((item) => ({ block: index, source: block, item }));
  if (block.type === "sections") {
    return block.sections.flatMap((section, s) =>
      section.items.length === 0 ? [{ block: index, source: block, section: s }] : section.items.map((item) => ({ block: index, source: block, section: s, item })),
    );
  }
  return [{ block: index, source: block }];
}

/** Same list, or same section of the same block. */
export function sameContainer(a: Piece, b: Piece): boolean {
  return a.block === b.block && a.section === b.section;
}

/**
 * The blocks for pieces[start, end): pieces of one list or section back together, in order; with
 * `continued`, the first section's heading says it is carried on from the part before.
 */
export function assemble(pieces: readonly Piece[], start: number, end: number, continued: boolean): Block[] {
  const blocks: Block[] = [];
  let i = start;
  while (i < end) {
    const first = pieces[i]!;
    const source = first.source;
    if (source.type === "list") {
      const items: ListItem[] = [];
      for (; i < end && pieces[i]!.block === first.block; i++) items.push(pieces[i]!.item!);
      blocks.push({ type: "list", items });
    } else if (source.type === "sections") {
      const sections: Section[] = [];
      while (i < end && pieces[i]!.block === first.block) {
        const head = pieces[i]!;
        const section = source.sections[head.section!]!;
        const items: ListItem[] = [];
        for (; i < end && sameContainer(pieces[i]!, head); i++) if (pieces[i]!.item) items.push(pieces[i]!.item!);
        const heading = continued && head === pieces[start] ? continuedHeading(section.heading) : section.heading;
        sections.push({ ...section, heading, items });
      }
      blocks.push({ type: "sections", sections });
    } else {
      blocks.push(source);
      i++;
    }
  }
  return blocks;
}
