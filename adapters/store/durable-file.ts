import { chmod, copyFile, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import type { Adapter } from "lowdb";

/**
 * A lowdb adapter that survives power loss: the JSON goes to a temporary file that is fsynced,
 * renamed over the old file, and the directory is fsynced so the rename itself is durable.
 * (lowdb's own JSONFile renames without fsync.) Reads return the raw JSON: the store validates it.
 */
export class DurableJsonFile implements Adapter<unknown> {
  constructor(readonly path: string) {}

  async read(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new NotJsonError(`${this.path} is not valid JSON (${(error as Error).message})`);
    }
  }

  async write(data: unknown): Promise<void> {
    // Serialise before the first await so the snapshot is of one moment, whatever runs meanwhile.
    await writeFileAtomically(this.path, JSON.stringify(data));
  }
}

/**
 * Replaces a file so that a crash leaves either the old or the new content: a temporary file,
 * fsynced, renamed over the old one, and the directory fsynced so the rename itself is durable.
 */
export async function writeFileAtomically(path: string, text: string | Buffer, mode = 0o644): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temp, "w", mode);
  try {
    await file.writeFile(text);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await file.close();
  // open() applies the mode only to a file it creates; a leftover temp file keeps its own.
  await chmod(temp, mode);
  await rename(temp, path);
  await syncDirectory(dirname(path));
}

/**
 * Copies a file and waits until the copy is on the disk (the file and its directory entry): a
 * backup that keeps what is about to be overwritten must not exist only in the page cache.
 */
export async function copyFileDurably(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  const file = await open(to, "r+");
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  await syncDirectory(dirname(to));
}

export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The file is there but is not JSON at all: the store refuses it as it refuses an invalid one. */
export class NotJsonError extends Error {}
