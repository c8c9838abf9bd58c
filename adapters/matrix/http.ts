import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface JsonResponse {
  status: number;
  /** The parsed body, or { errcode: "M_UNKNOWN", error: text } when it was not JSON. */
  body: unknown;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * One JSON request over node:http(s). The adapter's own requests (login, the long-poll sync) go
 * through here rather than `fetch`: loading undici costs the idle bot about 17 MB of RSS, and
 * matrix-bot-sdk already talks over node:http.
 */
export function requestJson(url: URL | string, options: JsonRequest = {}): Promise<JsonResponse> {
  const target = typeof url === "string" ? new URL(url) : url;
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "GET",
        headers: { accept: "application/json", ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) }), ...options.headers },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = text === "" ? {} : JSON.parse(text);
          } catch {
            body = { errcode: "M_UNKNOWN", error: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
