import { open, readFile, rename, unlink } from "node:fs/promises";
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
      throw new Error(`${this.path} is not valid JSON (${(error as Error).message})`);
    }
  }

  async write(data: unknown): Promise<void> {
    // Serialise before the first await so the snapshot is of one moment, whatever runs meanwhile.
    const text = JSON.stringify(data);
    const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    const file = await open(temp, "w");
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await file.close();
    await rename(temp, this.path);
    await syncDirectory(dirname(this.path));
  }
}

export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
