// Types for synapse-admin.mjs, so strict TypeScript tests can import it without allowJs.

export declare class SynapseError extends Error {
  readonly status: number;
  readonly errcode: string | undefined;
  readonly body: unknown;
}

export interface MatrixSession {
  userId: string;
  accessToken: string;
}

export interface RatelimitOverride {
  messages_per_second?: number;
  burst_count?: number;
}

export declare function registrationMac(
  secret: string,
  nonce: string,
  user: string,
  password: string,
  admin: boolean,
): string;

export declare function login(baseUrl: string, user: string, password: string): Promise<MatrixSession>;

export declare function registerUser(
  baseUrl: string,
  secret: string,
  user: string,
  password: string,
  admin?: boolean,
): Promise<MatrixSession>;

export declare function overrideRatelimit(
  baseUrl: string,
  adminToken: string,
  userId: string,
  limits: { messagesPerSecond: number; burstCount: number },
): Promise<RatelimitOverride>;

export declare function getRatelimitOverride(
  baseUrl: string,
  adminToken: string,
  userId: string,
): Promise<RatelimitOverride>;

export declare function deleteRatelimitOverride(baseUrl: string, adminToken: string, userId: string): Promise<void>;
