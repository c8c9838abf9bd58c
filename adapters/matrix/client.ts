import { MatrixClient, MatrixError, type IStorageProvider } from "@vector-im/matrix-bot-sdk";
import type { Logger } from "../../src/ports.js";
import { requestJson } from "./http.js";

/** The event types Stocktake reads: messages, and the state that says who may do what and how to answer. */
export const TIMELINE_TYPES = [
  "m.room.message",
  "m.room.member",
  "m.room.power_levels",
  "m.room.encryption",
  "m.room.encrypted",
  "m.bridge",
  "uk.half-shot.bridge",
] as const;

/** At most this many events are fetched to fill one room's gap after a long absence. */
export const MAX_BACKFILL = 1_000;

export interface SyncOptions {
  logger: Logger;
  /** Events per room per sync; a busier room is backfilled. */
  timelineLimit?: number;
  /** Long-poll time of one sync. */
  pollMs?: number;
}

/**
 * matrix-bot-sdk's client with a sturdier sync:
 * - the sync request is one that `stop()` aborts, so stopping takes no 30-second poll;
 * - a failed sync (homeserver restarting, network gone) is retried after 0.25 s, doubling to 10 s,
 *   instead of the SDK's fixed 5–15 s, and the retry continues from the same token: nothing is lost;
 * - a filter sent inline keeps the sync small, and never makes the SDK reset the saved token;
 * - the token is saved only after the batch was processed (the storage waits for the handlers);
 * - a room whose timeline was cut short ("limited") is backfilled from the last token, so commands
 *   sent while the bot was away for long are still seen, oldest first.
 */
export class StocktakeClient extends MatrixClient {
  private readonly abort = new AbortController();
  private stopping = false;
  private since: string | null = null;
  private readonly logger: Logger;
  private readonly timelineLimit: number;
  private readonly pollMs: number;
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(homeserverUrl: string, accessToken: string, storage: IStorageProvider, options: SyncOptions) {
    super(homeserverUrl, accessToken, storage);
    this.baseUrl = homeserverUrl.replace(/\/+$/, "");
    this.token = accessToken;
    this.logger = options.logger;
    this.timelineLimit = options.timelineLimit ?? 50;
    this.pollMs = options.pollMs ?? 30_000;
    this.persistTokenAfterSync = true;
  }

  get filterJson(): string {
    return JSON.stringify({
      presence: { not_types: ["*"] },
      account_data: { not_types: ["*"] },
      room: {
        timeline: { limit: this.timelineLimit, types: TIMELINE_TYPES },
        state: { types: TIMELINE_TYPES, lazy_load_members: true },
        ephemeral: { not_types: ["*"] },
        account_data: { not_types: ["*"] },
      },
    });
  }

  override stop(): void {
    this.stopping = true;
    this.abort.abort();
    super.stop();
  }

  protected override async doSync(token: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping) throw new Error("stopped");
      try {
        const response = await this.fetchSync(token);
        if (attempt > 0) this.logger.info({ attempts: attempt + 1 }, "sync works again");
        this.since = token;
        return response;
      } catch (error) {
        if (this.stopping) throw error;
        const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        const level = attempt === 0 ? "warn" : "debug";
        this.logger[level]({ err: describeError(error), retryInMs: wait, attempt: attempt + 1 }, "sync failed; retrying from the same token");
        await sleep(wait, this.abort.signal);
      }
    }
  }

  protected override async processSync(raw: unknown, emitFn?: (type: string, ...payload: unknown[]) => Promise<unknown>): Promise<unknown> {
    if (this.stopping) return undefined;
    await this.fillGaps(raw as SyncResponse);
    return super.processSync(raw, emitFn);
  }

  private async fetchSync(token: string | null): Promise<unknown> {
    const url = new URL(`${this.baseUrl}/_matrix/client/v3/sync`);
    url.searchParams.set("filter", this.filterJson);
    url.searchParams.set("timeout", String(token ? this.pollMs : 0));
    if (token) url.searchParams.set("since", token);
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.pollMs + 30_000)]);
    const { status, body } = await requestJson(url, { headers: { authorization: `Bearer ${this.token}` }, signal });
    if (status < 200 || status >= 300) throw new MatrixError(body as { errcode: string; error: string }, status);
    return body;
  }

  /** Fetches what a limited timeline left out, between the last token and the batch's start. */
  private async fillGaps(raw: SyncResponse): Promise<void> {
    const since = this.since;
    if (!since || !raw?.rooms?.join) return;
    for (const [roomId, room] of Object.entries(raw.rooms.join)) {
      const timeline = room.timeline;
      if (!timeline?.limited || !timeline.prev_batch) continue;
      const missed: unknown[] = [];
      let from: string | undefined = timeline.prev_batch;
      while (from && missed.length < MAX_BACKFILL) {
        const page = (await this.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, {
          from,
          to: since,
          dir: "b",
          limit: 100,
          filter: JSON.stringify({ types: TIMELINE_TYPES }),
        })) as { chunk?: unknown[]; end?: string };
        const chunk = page.chunk ?? [];
        if (chunk.length === 0) break;
        missed.push(...chunk);
        from = page.end;
      }
      if (missed.length >= MAX_BACKFILL) this.logger.warn({ room: roomId, fetched: missed.length }, "long absence: only the latest events of the gap are read");
      this.logger.info({ room: roomId, events: missed.length }, "filled a gap in the timeline");
      timeline.events = [...missed.reverse(), ...(timeline.events ?? [])];
    }
  }
}

interface SyncResponse {
  rooms?: { join?: Record<string, { timeline?: { limited?: boolean; prev_batch?: string; events?: unknown[] } }> };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A short, secret-free description of a request failure for the log. */
export function describeError(error: unknown): string {
  if (error instanceof MatrixError) return `${error.statusCode} ${error.errcode}: ${error.error}`;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = (error as { code?: string }).code ?? cause?.code;
    return code ? `${error.name} ${code}` : `${error.name}: ${error.message}`;
  }
  if (error && typeof error === "object" && "statusCode" in error) return `HTTP ${String((error as { statusCode: unknown }).statusCode)}`;
  return String(error);
}
