import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isLeftover, processAlive } from "./leftovers";
import { forget, removeAtExit } from "./temp-space";

/** What was written: the size and the sha256 of the bytes. */
export interface WrittenFile {
  bytes: number;
  sha256: string;
}

export type WriteChunk = (chunk: string | Buffer) => Promise<void>;

const BLOCK_BYTES = 1 << 20;

/**
 * The temporary file of a write to `path`, beside it (a rename needs the same file system):
 * `.<name>.<pid>.<12 hex>.tmp`, named after the writing process so that a later write can tell a
 * leftover of a killed run from a write going on.
 */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/**
 * Writes a file atomically (making its directory if needed): into a temporary file beside it, flushed to disk, then renamed over
 * the target, so that a reader sees the old file or the whole new one, never a part. Writes are
 * gathered into blocks of 1 MiB. On failure the temporary file is removed and the target is left
 * as it was; if the process exits first, it is removed then; if the process is killed, the next
 * write to the same path removes it.
 */
export async function writeAtomically(
  path: string,
  produce: (write: WriteChunk) => Promise<void>,
): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  await removeLeftoverTemps(path);
  const temp = tempPathOf(path);
  const handle = await open(temp, "wx");
  removeAtExit(temp);
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
  } finally {
    forget(temp);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * Removes the temporary files that earlier writes to `path` left behind (a run killed in the
 * middle): those of a process that is gone, and any unchanged for a day (also the
 * `.<name>.<12 hex>.tmp` of earlier versions, which carry no pid).
 */
export async function removeLeftoverTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(?:(\d+)\.)?[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    try {
      const stat = await lstat(join(dir, name));
      if (!stat.isFile()) continue;
      const pid = match[1] === undefined ? undefined : Number(match[1]);
      if (isLeftover({ pid, mtimeMs: stat.mtimeMs }, now, processAlive))
        await rm(join(dir, name), { force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
