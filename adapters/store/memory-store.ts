import { emptyState, type PlanEvent, type PlanState } from "../../src/model/schema.js";
import { EventSourcedStore, type Journal } from "../../src/store/event-store.js";
import { systemClock, type Clock } from "../../src/ports.js";

class MemoryJournal implements Journal {
  readonly events: PlanEvent[] = [];

  async append(events: readonly PlanEvent[]): Promise<number[]> {
    const first = this.events.length;
    this.events.push(...structuredClone(events));
    return events.map((_, i) => first + i);
  }

  async readAt(positions: readonly number[]): Promise<PlanEvent[]> {
    return positions.map((position) => this.events[position]!);
  }

  async *newestFirst(): AsyncIterable<PlanEvent> {
    for (let i = this.events.length - 1; i >= 0; i--) yield this.events[i] as PlanEvent;
  }

  async *oldestFirst(): AsyncIterable<PlanEvent> {
    // Events appended meanwhile are not part of this iteration, as with the file.
    const end = this.events.length;
    for (let i = 0; i < end; i++) yield this.events[i] as PlanEvent;
  }
}

/** A store that forgets everything on exit: for tests and throwaway demos. */
export class MemoryStore extends EventSourcedStore {
  constructor(clock: Clock = systemClock, state: PlanState = emptyState()) {
    super(state, new MemoryJournal(), clock);
  }
}
