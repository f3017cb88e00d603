import type { Readable, Writable } from "node:stream";

/**
 * The exit codes of `openai-batch`, the same for every subcommand: 0 when all is well (the input
 * is valid), 1 when the input is not, 2 for a wrong command line or a file that cannot be read.
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The outside world of a command, passed in so that tests can run commands in process. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  /** The directory relative paths are read from. */
  readonly cwd: string;
}

/**
 * One subcommand of `openai-batch`. A command reads its own arguments (see `parseOptions`), writes
 * its results to `io.stdout` and returns its exit code. It reports a wrong command line by
 * throwing `CliUsageError` and a file it cannot read by throwing `CliFileError`; the dispatcher
 * prints those (as JSON under `--json`) and exits 2.
 */
export interface CliCommand {
  /** The word after `openai-batch`, e.g. `validate`. */
  readonly name: string;
  /** One line for the list of commands in `openai-batch --help`. */
  readonly summary: string;
  /** The command's full help, starting with its `Usage:` line. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<ExitCode>;
}
