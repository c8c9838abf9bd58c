import { z } from "zod";
import type { Logger } from "../../src/ports.js";
import { sleep } from "./client.js";
import { requestJson, type JsonRequest } from "./http.js";
import type { MatrixStateFile } from "./state-file.js";

export interface LoginSettings {
  homeserverUrl: string;
  accessToken?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  deviceName: string;
}

export interface Session {
  userId: string;
  accessToken: string;
}

export class LoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoginError";
  }
}

const WhoAmI = z.object({ user_id: z.string() }).loose();
const LoginResponse = z.object({ user_id: z.string(), access_token: z.string(), device_id: z.string().optional() }).loose();
const ErrorBody = z.object({ errcode: z.string().optional(), error: z.string().optional() }).loose();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

async function call(url: string, init: JsonRequest): Promise<unknown> {
  const { status, body } = await requestJson(url, { ...init, signal: AbortSignal.timeout(30_000) });
  if (status < 200 || status >= 300) {
    const error = ErrorBody.safeParse(body);
    const errcode = error.success ? error.data.errcode : undefined;
    throw new HttpError(status, errcode, `${status}${errcode ? ` ${errcode}` : ""}${error.success && error.data.error ? `: ${error.data.error}` : ""}`);
  }
  return body;
}

/** Retries while the homeserver cannot be reached at all (it may be starting too), up to a minute. */
async function reachable<T>(what: string, logger: Logger, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const network = !(error instanceof HttpError) || error.status >= 500;
      if (!network || Date.now() > deadline) throw error;
      if (attempt === 0) logger.warn({ err: (error as Error).message }, `${what}: homeserver not reachable yet; retrying`);
      await sleep(Math.min(5_000, 250 * 2 ** attempt));
    }
  }
}

function base(url: string): string {
  return url.replace(/\/+$/, "");
}

async function whoami(settings: LoginSettings, token: string, logger: Logger): Promise<string> {
  const body = await reachable("whoami", logger, () => call(`${base(settings.homeserverUrl)}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${token}` } }));
  return WhoAmI.parse(body).user_id;
}

function sameUser(stored: string, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  return wanted.startsWith("@") ? stored === wanted : stored.startsWith(`@${wanted}:`);
}

/**
 * An access token from the config; else the token kept from an earlier password login; else a
 * password login now, whose token is kept so the password can leave the config.
 */
export async function logIn(settings: LoginSettings, state: MatrixStateFile, logger: Logger): Promise<Session> {
  if (settings.accessToken) {
    try {
      return { userId: await whoami(settings, settings.accessToken, logger), accessToken: settings.accessToken };
    } catch (error) {
      throw new LoginError(`matrix.accessToken was not accepted by ${settings.homeserverUrl} (${(error as Error).message})`);
    }
  }
  const stored = state.login;
  if (stored && base(stored.homeserverUrl) === base(settings.homeserverUrl) && sameUser(stored.userId, settings.user)) {
    try {
      const userId = await whoami(settings, stored.accessToken, logger);
      return { userId, accessToken: stored.accessToken };
    } catch (error) {
      if (!(error instanceof HttpError && error.errcode === "M_UNKNOWN_TOKEN")) throw error;
      logger.warn({ user: stored.userId }, "the kept access token was revoked; logging in again");
      await state.setLogin(null);
    }
  }
  if (!settings.user || !settings.password) {
    throw new LoginError(`no access token for ${settings.user ?? "the bot"}: set matrix.password for one login (the token is then kept in ${state.path}), or matrix.accessToken`);
  }
  const { user, password } = settings;
  let body: unknown;
  try {
    body = await reachable("login", logger, () =>
      call(`${base(settings.homeserverUrl)}/_matrix/client/v3/login`, {
        method: "POST",
        body: { type: "m.login.password", identifier: { type: "m.id.user", user }, password, initial_device_display_name: settings.deviceName },
      }),
    );
  } catch (error) {
    throw new LoginError(`password login as ${user} failed (${(error as Error).message})`);
  }
  const session = LoginResponse.parse(body);
  await state.setLogin({ homeserverUrl: settings.homeserverUrl, userId: session.user_id, accessToken: session.access_token, deviceId: session.device_id ?? null });
  logger.info({ user: session.user_id, device: session.device_id, kept: state.path }, "logged in with the password; the access token is kept, the password is no longer needed");
  return { userId: session.user_id, accessToken: session.access_token };
}
