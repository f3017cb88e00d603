import { constants, type Stats } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { BatchInputFileError } from "../../errors";

/**
 * Opens an input file for reading, refusing anything that is not a regular file before it is
 * opened: a named pipe would block the read forever and a device (`/dev/zero`) never ends. The
 * file is opened non-blocking and checked again through the handle, so that a file swapped for a
 * pipe in between is refused too. Every failure is a `BatchInputFileError` naming `path`.
 */
export async function openInputFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const before = await describeFailure(path, () => stat(path));
  refuseIfNotRegular(path, before);
  const handle = await describeFailure(path, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK));
  try {
    const after = await handle.stat();
    refuseIfNotRegular(path, after);
    return { handle, size: after.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** What a file system entry is, when it is not a regular file. */
export function describeNonRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return "it is a directory";
  if (stats.isFIFO()) return "it is a named pipe (FIFO), not a regular file";
  if (stats.isSocket()) return "it is a socket, not a regular file";
  if (stats.isCharacterDevice()) return "it is a character device, not a regular file";
  if (stats.isBlockDevice()) return "it is a block device, not a regular file";
  return "it is not a regular file";
}

function refuseIfNotRegular(path: string, stats: Stats): void {
  const what = describeNonRegular(stats);
  if (what !== undefined) {
    throw new BatchInputFileError(path, `${what}; give the path of a .jsonl file`);
  }
}

async function describeFailure<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new BatchInputFileError(path, describeFileSystemError(error));
  }
}

/** Why a file system call failed, in plain words, from Node's error code. */
export function describeFileSystemError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "there is no such file";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "EMFILE":
    case "ENFILE":
      return "too many files are open";
    default:
      return typeof code === "string"
        ? `the system refused it (${code})`
        : error instanceof Error
          ? error.message
          : String(error);
  }
}
