import { open, unlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * Whether a directory can take a write now: `access()` says yes on a full disk, so this writes,
 * syncs and removes a small file. A seam for tests, which cannot fill a disk.
 */
export type WriteProbe = (dir: string) => Promise<void>;

/** 4 KiB: one block, so a disk with less than that free fails like a change would. */
const PROBE = Buffer.alloc(4096, 0x20);

export const writeProbe: WriteProbe = async (dir) => {
  const path = join(dir, `.healthz.${process.pid}.tmp`);
  const handle = await open(path, "w");
  try {
    await handle.write(PROBE);
    await handle.sync();
  } finally {
    await handle.close();
    await unlink(path).catch(() => undefined);
  }
};
