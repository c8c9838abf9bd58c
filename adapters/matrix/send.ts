import { MatrixError } from "@vector-im/matrix-bot-sdk";
import type { Logger } from "../../src/ports.js";
import { describeError, sleep } from "./client.js";

export interface Requester {
  doRequest(method: string, endpoint: string, qs?: unknown, body?: unknown): Promise<unknown>;
}

export interface RetryOptions {
  logger: Logger;
  signal: AbortSignal;
  /** Give up on a homeserver that stays unreachable this long. */
  giveUpAfterMs?: number;
}

const TRANSIENT = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/** How long to wait before trying again, or undefined when trying again cannot help. */
export function retryDelay(error: unknown, attempt: number): number | undefined {
  if (error instanceof MatrixError) {
    // The server says when: obey it (bounded, in case of a strange answer).
    if (error.errcode === "M_LIMIT_EXCEEDED") return Math.min(Math.max(error.retryAfterMs ?? 1_000, 50), 60_000);
    return error.statusCode >= 500 ? backoff(attempt) : undefined;
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (code !== undefined && TRANSIENT.has(code)) return backoff(attempt);
  // `request` rejects with the response itself for a non-2xx answer without a Matrix error body (a proxy's 502).
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (typeof status === "number" && status >= 500) return backoff(attempt);
  return undefined;
}

function backoff(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
}

/**
 * Sends one event with a transaction id of our choosing, so a retry after a lost response is
 * recognised by the homeserver instead of posting twice. Rate limits wait for the server's
 * retry_after_ms; outages are retried with backoff until `giveUpAfterMs`.
 */
export async function sendEvent(client: Requester, roomId: string, type: string, content: object, txnId: string, options: RetryOptions): Promise<string> {
  const endpoint = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;
  const deadline = Date.now() + (options.giveUpAfterMs ?? 10 * 60_000);
  for (let attempt = 0; ; attempt++) {
    try {
      const response = (await client.doRequest("PUT", endpoint, null, content)) as { event_id?: unknown };
      if (attempt > 0) options.logger.info({ room: roomId, attempts: attempt + 1 }, "sent after retrying");
      return typeof response.event_id === "string" ? response.event_id : "";
    } catch (error) {
      const wait = retryDelay(error, attempt);
      if (wait === undefined || options.signal.aborted || Date.now() + wait > deadline) throw error;
      const limited = error instanceof MatrixError && error.errcode === "M_LIMIT_EXCEEDED";
      options.logger[limited || attempt > 0 ? "info" : "warn"]({ room: roomId, err: describeError(error), retryInMs: wait, attempt: attempt + 1 }, limited ? "rate limited; waiting as the server asks" : "send failed; retrying");
      await sleep(wait, options.signal);
    }
  }
}
