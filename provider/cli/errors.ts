/** The command line is wrong. The message says what to change; the command's usage follows it. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/**
 * A file named on the command line cannot be read (or written). The message names the file and
 * says why in plain words, e.g. `cannot read requests.jsonl: it is a directory`.
 */
export class CliFileError extends Error {
  override readonly name = "CliFileError";
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, action: "read" | "write" = "read") {
    super(`cannot ${action} ${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}
