// Helpers for the throwaway Synapse used by Stocktake's Matrix integration tests
// (started by scripts/synapse.sh). Plain Node 20 ESM, no dependencies: global fetch + node:crypto.
// Types for TypeScript callers: synapse-admin.d.mts.
import { createHmac } from "node:crypto";

/** Error for a non-2xx answer from Synapse; carries the HTTP status and the Matrix errcode. */
export class SynapseError extends Error {
  constructor(method, url, status, body) {
    const errcode = body && typeof body === "object" ? body.errcode : undefined;
    const error = body && typeof body === "object" ? body.error : undefined;
    super(`${method} ${url} -> ${status}${errcode ? ` ${errcode}` : ""}${error ? `: ${error}` : ""}`);
    this.name = "SynapseError";
    this.status = status;
    this.errcode = errcode;
    this.body = body;
  }
}

function trimBase(baseUrl) {
  return String(baseUrl).replace(/\/+$/, "");
}

async function call(method, url, { token, body } = {}) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { error: text };
  }
  if (!res.ok) throw new SynapseError(method, url, res.status, json);
  return json;
}

/** HMAC-SHA1 (hex) over nonce\0user\0password\0admin|notadmin, keyed with the shared secret. */
export function registrationMac(secret, nonce, user, password, admin) {
  return createHmac("sha1", secret)
    .update(`${nonce}\0${user}\0${password}\0${admin ? "admin" : "notadmin"}`, "utf8")
    .digest("hex");
}

/** Password login; returns { userId, accessToken }. `user` is a localpart or a full user ID. */
export async function login(baseUrl, user, password) {
  const res = await call("POST", `${trimBase(baseUrl)}/_matrix/client/v3/login`, {
    body: {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
      initial_device_display_name: "stocktake-tests",
    },
  });
  return { userId: res.user_id, accessToken: res.access_token };
}

/**
 * Register `user` (localpart) through Synapse's shared-secret admin API
 * (GET then POST /_synapse/admin/v1/register). If the user already exists (M_USER_IN_USE),
 * log in with `password` instead. Returns { userId, accessToken }.
 */
export async function registerUser(baseUrl, secret, user, password, admin = false) {
  const url = `${trimBase(baseUrl)}/_synapse/admin/v1/register`;
  const { nonce } = await call("GET", url);
  try {
    const res = await call("POST", url, {
      body: {
        nonce,
        username: user,
        password,
        admin: Boolean(admin),
        mac: registrationMac(secret, nonce, user, password, admin),
      },
    });
    return { userId: res.user_id, accessToken: res.access_token };
  } catch (err) {
    if (err instanceof SynapseError && err.errcode === "M_USER_IN_USE") {
      return login(baseUrl, user, password);
    }
    throw err;
  }
}

/**
 * Override the message rate limit of `userId` (admin API, needs an admin's token).
 * Synapse only takes non-negative INTEGERS here (0.5 answers 400 M_INVALID_PARAM), and a 0 in
 * either field means "no limit at all". The tightest limit is { messagesPerSecond: 1, burstCount: 1 }:
 * a second message within the same second answers 429 M_LIMIT_EXCEEDED with retry_after_ms.
 * Restore with deleteRatelimitOverride (back to the server's rc_message) or { 0, 0 } (unlimited).
 * Returns Synapse's answer: { messages_per_second, burst_count }.
 */
export async function overrideRatelimit(baseUrl, adminToken, userId, { messagesPerSecond, burstCount }) {
  for (const [name, value] of [["messagesPerSecond", messagesPerSecond], ["burstCount", burstCount]]) {
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`overrideRatelimit: ${name} must be a non-negative integer (Synapse rejects others), got ${value}`);
    }
  }
  return call("POST", ratelimitUrl(baseUrl, userId), {
    token: adminToken,
    body: { messages_per_second: messagesPerSecond, burst_count: burstCount },
  });
}

/** The current override of `userId`: { messages_per_second, burst_count }, or {} if none. */
export async function getRatelimitOverride(baseUrl, adminToken, userId) {
  return call("GET", ratelimitUrl(baseUrl, userId), { token: adminToken });
}

/** Remove the override: `userId` falls back to the server's rc_message (unlimited in tests). */
export async function deleteRatelimitOverride(baseUrl, adminToken, userId) {
  await call("DELETE", ratelimitUrl(baseUrl, userId), { token: adminToken });
}

function ratelimitUrl(baseUrl, userId) {
  return `${trimBase(baseUrl)}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`;
}
