// Generic HTTP side of the fake API: versioned prefix, route matching, body parsing
// (JSON and multipart), bot-token auth, fault injection and recording. The Discord
// semantics of each route live in routes.ts.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Recorder, RecordedFile, RecordedRequest } from './recorder.ts';

export interface RouteContext {
  method: string;
  path: string;
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
}

export interface RouteResult {
  status?: number;
  /** JSON body; omit for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition {
  method: string;
  /** Template with `:name` placeholders, e.g. `/channels/:channel_id/messages`. */
  pattern: string;
  /** false for interaction/webhook-token routes, which Discord serves without a bot token. */
  auth?: boolean;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** Thrown by handlers to answer with a Discord-style JSON error. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

/** Throw a Discord-style error from a route handler. */
export function fail(status: number, code: number, message: string, errors?: unknown): never {
  throw new DiscordHttpError(status, code, message, errors);
}

type Handler = RouteDefinition['handler'];

/** `get(pattern, handler, auth?)`-style shorthands for registering routes. */
export function routeHelpers(rest: RestServer) {
  const add = (method: string) => (pattern: string, handler: Handler, auth = true): void => rest.add({ method, pattern, handler, auth });
  return { get: add('GET'), post: add('POST'), patch: add('PATCH'), put: add('PUT'), del: add('DELETE') };
}

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** HTTP method; any when omitted. */
  method?: string;
  /** Route template (e.g. `/channels/:channel_id/messages`) or a RegExp tested against the concrete path. */
  route?: string | RegExp;
  /** Extra predicate over the incoming request. */
  match?: (ctx: RouteContext) => boolean;
  /** How many matching requests get the fault; default 1. */
  count?: number;
}

export interface FaultSpec extends FaultMatch {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Label stored on the recorded request. */
  label?: string;
}

export interface RateLimitSpec extends FaultMatch {
  /** Seconds, as a float like Discord's `retry_after`. Default 1. */
  retryAfter?: number;
  /** Global limit: `x-ratelimit-global` header and `global: true` in the body. */
  global?: boolean;
  /** `x-ratelimit-scope`; default 'user' ('global' when global). */
  scope?: 'user' | 'shared' | 'global';
}

interface ActiveFault {
  spec: FaultMatch;
  remaining: number;
  respond: () => { status: number; body: unknown; headers: Record<string, string>; label: string };
}

interface CompiledRoute extends RouteDefinition {
  regex: RegExp;
  names: string[];
}

export class RestServer {
  private readonly routes: CompiledRoute[] = [];
  private readonly faults: ActiveFault[] = [];

  constructor(
    private readonly options: { token: string; prefix: string },
    private readonly recorder: Recorder,
  ) {}

  /** Routes match in registration order, so register literal paths (`/users/@me`) first. */
  add(route: RouteDefinition): void {
    const names: string[] = [];
    const source = route.pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return escapeRegExp(segment);
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ ...route, regex: new RegExp(`^${source}$`), names });
  }

  injectFault(spec: FaultSpec): void {
    this.faults.push({
      spec,
      remaining: spec.count ?? 1,
      respond: () => ({ status: spec.status, body: spec.body ?? { message: 'fault', code: 0 }, headers: spec.headers ?? {}, label: spec.label ?? `fault ${spec.status}` }),
    });
  }

  /** Answer the next `count` matching requests with a 429 shaped like Discord's. */
  rateLimit(spec: RateLimitSpec = {}): void {
    const retryAfter = spec.retryAfter ?? 1;
    const global = spec.global ?? false;
    this.faults.push({
      spec,
      remaining: spec.count ?? 1,
      respond: () => {
        // Discord's Retry-After header is whole seconds (rounded up); the body keeps
        // the float. @discordjs/rest reads the headers, not the body.
        const headers: Record<string, string> = { 'retry-after': String(Math.ceil(retryAfter)) };
        if (global) {
          headers['x-ratelimit-global'] = 'true';
          headers['x-ratelimit-scope'] = 'global';
        } else {
          const bucketKey = spec.route instanceof RegExp ? spec.route.source : (spec.route ?? 'any');
          headers['x-ratelimit-limit'] = '5';
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = ((Date.now() + retryAfter * 1000) / 1000).toFixed(3);
          headers['x-ratelimit-reset-after'] = retryAfter.toFixed(3);
          headers['x-ratelimit-bucket'] = createHash('sha1').update(bucketKey).digest('hex').slice(0, 32);
          headers['x-ratelimit-scope'] = spec.scope ?? 'user';
        }
        return {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
          headers,
          label: global ? 'rate-limit (global)' : 'rate-limit',
        };
      },
    });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = lowerCaseHeaders(req);
    const fullPath = safeDecode(url.pathname);
    const path = fullPath.startsWith(this.options.prefix) ? fullPath.slice(this.options.prefix.length) || '/' : fullPath;
    const query = Object.fromEntries(url.searchParams);
    const at = Date.now();

    let parsed: { body: unknown; files: RecordedFile[] };
    try {
      parsed = await parseBody(raw, headers['content-type'] ?? '');
    } catch {
      parsed = { body: raw.toString('utf8'), files: [] };
    }

    const record = (route: string | null, params: Record<string, string>, status: number, response: unknown, fault?: string): RecordedRequest =>
      this.recorder.record({
        kind: 'rest', at, method, path, route, params, query, headers, body: parsed.body, files: parsed.files,
        status, response, ...(fault ? { fault } : {}),
      });

    const matched = fullPath.startsWith(this.options.prefix) ? this.match(method, path) : null;
    if (!matched) {
      // Unknown routes are recorded with route=null so a test can list what's missing.
      const body = { message: '404: Not Found', code: 0 };
      record(null, {}, 404, body);
      sendJson(res, 404, body);
      return;
    }

    const { route, params } = matched;
    const ctx: RouteContext = { method, path, route: route.pattern, params, query, headers, body: parsed.body, files: parsed.files };

    const fault = this.takeFault(ctx);
    if (fault) {
      const answer = fault.respond();
      record(route.pattern, params, answer.status, answer.body, answer.label);
      sendJson(res, answer.status, answer.body, answer.headers);
      return;
    }

    if ((route.auth ?? true) && headers['authorization'] !== `Bot ${this.options.token}`) {
      const body = { message: '401: Unauthorized', code: 0 };
      record(route.pattern, params, 401, body);
      sendJson(res, 401, body);
      return;
    }

    let result: RouteResult;
    try {
      result = await route.handler(ctx);
    } catch (error) {
      if (error instanceof DiscordHttpError) {
        const body = { message: error.message, code: error.code, ...(error.errors ? { errors: error.errors } : {}) };
        record(route.pattern, params, error.status, body);
        sendJson(res, error.status, body);
        return;
      }
      // A bug in the fake itself: answer 500 and record it so the test output shows why.
      const body = { message: `500: fake server crashed: ${String(error)}`, code: 0 };
      record(route.pattern, params, 500, body, 'handler-crash');
      sendJson(res, 500, body);
      return;
    }
    const status = result.status ?? (result.body === undefined ? 204 : 200);
    record(route.pattern, params, status, result.body);
    sendJson(res, status, result.body, result.headers);
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = m[i + 1] ?? '';
      });
      return { route, params };
    }
    return null;
  }

  private takeFault(ctx: RouteContext): ActiveFault | null {
    const index = this.faults.findIndex(({ spec, remaining }) => {
      if (remaining <= 0) return false;
      if (spec.method && spec.method.toUpperCase() !== ctx.method) return false;
      if (typeof spec.route === 'string' && spec.route !== ctx.route) return false;
      if (spec.route instanceof RegExp && !spec.route.test(ctx.path)) return false;
      return spec.match ? spec.match(ctx) : true;
    });
    const fault = this.faults[index];
    if (!fault) return null;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    // discord.js sends files as multipart with the JSON in `payload_json`; let
    // Node's built-in Response do the multipart parsing.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let body: unknown;
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
