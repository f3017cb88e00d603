import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** What was written: the size and the sha256 of the bytes. */
export interface WrittenFile {
  bytes: number;
  sha256: string;
}

export type WriteChunk = (chunk: string | Buffer) => Promise<void>;

const BLOCK_BYTES = 1 << 20;

/**
 * Writes a file atomically (making its directory if needed): into a temporary file beside it, flushed to disk, then renamed over
 * the target, so that a reader sees the old file or the whole new one, never a part. Writes are
 * gathered into blocks of 1 MiB. On failure the temporary file is removed and the target is left
 * as it was.
 */
export async function writeAtomically(
  path: string,
  produce: (write: WriteChunk) => Promise<void>,
): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx");
  const hash = createHash("sha256");
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const block = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await handle.write(block, 0, block.length);
  };
  try {
    await produce(async (chunk) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      hash.update(buffer);
      bytes += buffer.length;
      pending.push(buffer);
      pendingBytes += buffer.length;
      if (pendingBytes >= BLOCK_BYTES) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest("hex") };
}
