/** The command line is wrong. The message says what to change; the command's usage follows it. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/**
 * A file named on the command line cannot be read. The message names the file as the user wrote
 * it and says why in plain words, e.g. `cannot read requests.jsonl: it is a directory`.
 */
export class CliFileError extends Error {
  override readonly name = "CliFileError";
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`cannot read ${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}

/** Why a file system call failed, in plain words, from Node's error code. */
export function describeFileError(error: unknown): string {
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
      return "too many symbolic links";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    default:
      return typeof code === "string" ? `the system refused it (${code})` : String(error);
  }
}
