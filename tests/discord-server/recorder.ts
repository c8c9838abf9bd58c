// Everything the fake server sees or sends is appended to one ordered log, so tests
// can assert on it afterwards and also *wait* for something to show up.

/** One HTTP request that reached the REST side (including ones answered with faults). */
export interface RecordedRequest {
  kind: 'rest';
  /** Position in the shared log; handy for "happened before" assertions. */
  index: number;
  /** Date.now() when the request arrived (fully read). */
  at: number;
  method: string;
  /** Path below the versioned prefix, e.g. `/channels/123/messages`. */
  path: string;
  /** Route template, e.g. `/channels/:channel_id/messages`; null when no route matched. */
  route: string | null;
  /** Values for the `:name` placeholders of `route`. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** Parsed JSON body (or `payload_json` of a multipart body); undefined when empty. */
  body: unknown;
  /** Files of a multipart body. */
  files: RecordedFile[];
  /** Status the server answered with. */
  status: number;
  /** JSON the server answered with (undefined for 204). */
  response: unknown;
  /** Set when the answer came from an injected fault rather than the route handler. */
  fault?: string;
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One gateway payload, in either direction. */
export interface RecordedGatewayPayload {
  kind: 'gateway';
  index: number;
  at: number;
  /** `in` = sent by the client (IDENTIFY, RESUME, HEARTBEAT...), `out` = sent by the server. */
  direction: 'in' | 'out';
  connectionId: number;
  sessionId: string | null;
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
  /** For `out` dispatches: true when this send is a replay during RESUME. */
  replay?: boolean;
}

/** WebSocket connection lifecycle. */
export interface RecordedConnection {
  kind: 'connection';
  index: number;
  at: number;
  event: 'open' | 'close' | 'rejected';
  connectionId: number;
  /** URL path the client connected to (the gateway url or the resume url). */
  path: string;
  query: Record<string, string>;
  code?: number;
  reason?: string;
  /** Who ended it: the server (fault injection / protocol) or the client. */
  closedBy?: 'server' | 'client';
}

export type RecordedEvent = RecordedRequest | RecordedGatewayPayload | RecordedConnection;

/** Distributes `Omit` over the union so callers can build events without index/at. */
export type NewEvent = RecordedEvent extends infer E
  ? E extends RecordedEvent
    ? Omit<E, 'index' | 'at'> & { at?: number }
    : never
  : never;

export interface WaitOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /**
   * Also match events recorded before the call. Default false: waiters are
   * "armed" and only see what happens after they were created, so a test can
   * arm a waiter, then trigger the action, without matching stale events.
   */
  includePast?: boolean;
}

interface Waiter {
  predicate: (event: RecordedEvent) => boolean;
  resolve: (event: RecordedEvent) => void;
  timer?: NodeJS.Timeout;
}

export class Recorder {
  readonly events: RecordedEvent[] = [];
  private readonly waiters = new Set<Waiter>();

  record<E extends NewEvent>(event: E): E & { index: number; at: number } {
    const full = { at: Date.now(), ...event, index: this.events.length };
    this.events.push(full as RecordedEvent);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(full as RecordedEvent)) {
        this.waiters.delete(waiter);
        waiter.resolve(full as RecordedEvent);
      }
    }
    return full as E & { index: number; at: number };
  }

  waitFor<E extends RecordedEvent>(
    predicate: ((event: RecordedEvent) => event is E) | ((event: RecordedEvent) => boolean),
    options: WaitOptions | number = {},
  ): Promise<E> {
    const { timeoutMs = 5000, includePast = false } =
      typeof options === 'number' ? { timeoutMs: options } : options;
    if (includePast) {
      const found = this.events.find((e) => predicate(e));
      if (found) return Promise.resolve(found as E);
    }
    // Capture the caller's stack now; the timeout fires from a timer with a useless one.
    const origin = new Error('waitFor timed out');
    return new Promise<E>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event as E);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        origin.message =
          `waitFor timed out after ${timeoutMs} ms: ${predicate.toString()}\n` +
          `last events:\n${this.describeRecent(15)}`;
        reject(origin);
      }, timeoutMs);
      waiter.timer = timer;
      this.waiters.add(waiter);
    });
  }

  /** The n-th (0-based) matching event, past or future. */
  waitForNth<E extends RecordedEvent>(
    predicate: ((event: RecordedEvent) => event is E) | ((event: RecordedEvent) => boolean),
    n: number,
    timeoutMs = 5000,
  ): Promise<E> {
    const past = this.events.filter((e) => predicate(e));
    if (past.length > n) return Promise.resolve(past[n] as E);
    let seen = past.length;
    return this.waitFor<E>((e) => predicate(e) && seen++ === n, timeoutMs);
  }

  /** Compact one-line-per-event summary, used in timeout messages. */
  describeRecent(count: number): string {
    return this.events
      .slice(-count)
      .map((e) => `  #${e.index} ${describe(e)}`)
      .join('\n');
  }

  /**
   * Forget pending waiters and stop their timers (on server close). They are not
   * rejected, because a waiter armed but never awaited would then become an
   * unhandled rejection after the test has finished.
   */
  clearWaiters(): void {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters.clear();
  }
}

function describe(e: RecordedEvent): string {
  switch (e.kind) {
    case 'rest':
      return `REST ${e.method} ${e.path} -> ${e.status}${e.fault ? ` (${e.fault})` : ''}`;
    case 'gateway':
      return `GW ${e.direction} conn${e.connectionId} op=${e.op}${e.t ? ` t=${e.t}` : ''}${e.s !== null ? ` s=${e.s}` : ''}`;
    case 'connection':
      return `WS ${e.event} conn${e.connectionId} ${e.path}${e.code !== undefined ? ` code=${e.code}` : ''}`;
  }
}
