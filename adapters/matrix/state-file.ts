import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { writeFileAtomically } from "../store/durable-file.js";

/** How many handled event ids are remembered: far more than one sync batch. */
export const REMEMBERED_EVENTS = 2_000;

const LoginSchema = z.object({
  homeserverUrl: z.string(),
  userId: z.string(),
  accessToken: z.string(),
  deviceId: z.string().nullable(),
});
export type StoredLogin = z.infer<typeof LoginSchema>;

const StateSchema = z.object({
  version: z.literal(1),
  /** Kept after a password login, so the password is needed once. */
  login: LoginSchema.nullable(),
  /** Where the next sync starts: saved only after every event before it was handled. */
  syncToken: z.string().nullable(),
  filter: z.object({ id: z.number(), filter: z.unknown() }).nullable(),
  /** Recently handled command events: a batch redelivered after a crash is not answered twice. */
  handled: z.array(z.string()),
  values: z.record(z.string(), z.string()),
});
type State = z.infer<typeof StateSchema>;

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateFileError";
  }
}

/**
 * The Matrix adapter's own small file (matrix-bot-sdk's storage provider): sync token, login,
 * recently handled events. Written whole to a temporary file, fsynced and renamed, readable by its
 * owner only (it holds an access token). A file that fails validation is reported, never overwritten.
 */
export class MatrixStateFile {
  private state: State;
  private readonly handled: Set<string>;
  private writing: Promise<void> = Promise.resolve();
  private tokens: Promise<void> = Promise.resolve();
  private tokensHeld = false;
  private closed = false;
  /**
   * Called when the SDK has a new sync token, after it emitted the batch: resolves once everything
   * emitted so far is handled. The token is saved then, in the background, so the next sync (and a
   * command in another room) does not wait for a slow command in one room.
   */
  tokenBarrier: () => Promise<void> = () => Promise.resolve();

  private constructor(
    readonly path: string,
    state: State,
  ) {
    this.state = state;
    this.handled = new Set(state.handled);
  }

  static async open(path: string): Promise<MatrixStateFile> {
    let text: string | undefined;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (text === undefined) {
      await mkdir(dirname(path), { recursive: true });
      return new MatrixStateFile(path, { version: 1, login: null, syncToken: null, filter: null, handled: [], values: {} });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(`${path} is not valid JSON (${(error as Error).message}); move it away to start over`);
    }
    const parsed = StateSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StateFileError(`${path}: ${issue ? `${issue.path.join(".") || "(top level)"}: ${issue.message}` : "invalid"}; move it away to start over`);
    }
    return new MatrixStateFile(path, parsed.data);
  }

  get login(): StoredLogin | null {
    return this.state.login;
  }

  async setLogin(login: StoredLogin | null): Promise<void> {
    this.state.login = login;
    await this.save();
  }

  wasHandled(eventId: string): boolean {
    return this.handled.has(eventId);
  }

  /** Remembered in memory at once; on disk with the next sync token (or at stop). */
  markHandled(eventId: string): void {
    this.handled.delete(eventId);
    this.handled.add(eventId);
    if (this.handled.size > REMEMBERED_EVENTS) {
      const oldest = this.handled.values().next();
      if (!oldest.done) this.handled.delete(oldest.value);
    }
  }

  // --- matrix-bot-sdk's IStorageProvider ---

  getSyncToken(): string | null {
    return this.state.syncToken;
  }

  /**
   * Returns at once; the token is written once the work before it is handled, tokens in the order
   * they came. A crash before that resumes from an older token: the batch is delivered again and
   * what was already answered is skipped (`handled`, and the core's dedupe by message id).
   */
  setSyncToken(token: string | null): Promise<void> {
    const barrier = this.tokenBarrier();
    const saved = this.tokens.then(async () => {
      await barrier;
      if (this.closed || this.tokensHeld) return;
      this.state.syncToken = token;
      await this.save();
    });
    this.tokens = saved.catch(() => undefined);
    return Promise.resolve();
  }

  /**
   * No further token is saved, not even those already handed over: at stop, the events still queued
   * are skipped, so the position must stay before them (a restart delivers them again).
   */
  holdTokens(): void {
    this.tokensHeld = true;
  }

  /** Resolves once every token handed over so far was saved (or dropped because the file closed). */
  tokensSaved(): Promise<void> {
    return this.tokens;
  }

  getFilter(): { id: number; filter: unknown } {
    // The SDK's type says a filter is always there; it checks for a falsy one.
    return this.state.filter as { id: number; filter: unknown };
  }

  async setFilter(filter: { id: number; filter: unknown }): Promise<void> {
    this.state.filter = filter;
    await this.save();
  }

  readValue(key: string): string | undefined {
    return this.state.values[key];
  }

  async storeValue(key: string, value: string): Promise<void> {
    this.state.values[key] = value;
    await this.save();
  }

  /** Writes now, after any write in progress. */
  save(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const next = this.writing.then(() => this.write());
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Saves what is in memory and refuses further writes: another process may own the file next. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.tokens;
    await this.save();
    this.closed = true;
  }

  private async write(): Promise<void> {
    if (this.closed) return;
    // It holds the bot's access token: readable by its owner only.
    await writeFileAtomically(this.path, JSON.stringify({ ...this.state, handled: [...this.handled] }), 0o600);
  }
}
