import { resolve } from "node:path";
import { displayable, scrubKey } from "../../display";
import { isBatchApiError, isBatchInputError } from "../../errors";
import { type WriteChunk, writeAtomically } from "../../results/atomic-file";
import { readBatchResultsFor } from "../../results/read-batch-results";
import { copyLines } from "../../results/select-lines";
import { countRecord, describeSummary, emptySummary, totalOf } from "../../results/summary";
import type { BatchResultsSummary } from "../../results/types";
import { CLI_AUDIENCE } from "../../runtime/settings-advice";
import { describeFileSystemError } from "../../validation/jsonl/open-input-file";
import { isClosedPipe } from "../closed-output";
import { type CliCommand, type CliIo, EXIT, type ExitCode } from "../command";
import { writeJson } from "../output";
import { parseResultsArguments, RESULTS_USAGE, type ResultsArguments } from "./results-arguments";
import { checkResultsPaths } from "./results-paths";

/**
 * `openai-batch results <batch-id>`: writes the joined records, a one-line summary, and with
 * --failed-requests the input lines of the requests that did not succeed. Exit code 0 when every
 * request succeeded, 1 when some did not, 2 for a usage, file or API error. A wrong command line
 * throws `CliUsageError` for the dispatcher to report; the other failures are reported here,
 * because under --json their document goes where the records do not.
 */
export async function runResults(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parseResultsArguments(argv);
  checkResultsPaths(parsed, io.cwd);
  // The paths, read and written from the current directory.
  const command: ResultsArguments = {
    ...parsed,
    input: pathIn(io, parsed.input),
    out: pathIn(io, parsed.out),
    failedRequests: pathIn(io, parsed.failedRequests),
  };
  // Under --json the outcome is one document: on stdout, unless the records are there.
  const report = command.out === undefined ? io.stderr : io.stdout;
  // What is shown (not the records, which are data) never carries the key, even one a server echoed.
  const key = process.env.OPENAI_API_KEY;
  const show = (text: string) => displayable(scrubKey(text, key));
  try {
    const { summary, failedLines, status } = await writeRecords(command, io);
    if (command.failedRequests !== undefined && command.input !== undefined) {
      const input = command.input;
      await writeAtomically(command.failedRequests, (write) =>
        copyLines(input, failedLines, write).then(() => undefined),
      );
    }
    // A batch that did not complete (failed, cancelled, expired) did not succeed, even when none
    // of its requests are known to have failed (without --input, one cancelled early has none).
    const ok = status === "completed" && summary.succeeded === totalOf(summary);
    if (command.json) {
      writeJson(
        report,
        scrubbed(key, {
          ok,
          batchId: command.batchId,
          ...(status === undefined ? {} : { status }),
          ...summary,
          ...(parsed.out === undefined ? {} : { out: parsed.out }),
          ...(parsed.failedRequests === undefined ? {} : { failedRequests: parsed.failedRequests }),
        }),
      );
    } else {
      io.stderr.write(`${show(summaryLine(parsed, summary, status))}\n`);
    }
    return ok ? EXIT.ok : EXIT.invalid;
  } catch (error) {
    // The reader of the records has gone (`| head -1`): stop quietly, as a Unix tool does.
    if (isClosedPipe(error)) return EXIT.ok;
    const failure = failureOf(error);
    if (command.json) writeJson(report, scrubbed(key, { ok: false, error: failure }));
    else io.stderr.write(`openai-batch results: ${show(failure.message)}\n`);
    return EXIT.usage;
  }
}

/** A JSON document without the key in any string of it. */
function scrubbed(key: string | undefined, value: unknown): unknown {
  return JSON.parse(
    scrubKey(JSON.stringify(value), key === undefined ? undefined : JSON.stringify(key).slice(1, -1)),
  );
}

function pathIn(io: CliIo, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(io.cwd, path);
}

async function writeRecords(
  command: ResultsArguments,
  io: CliIo,
): Promise<{ summary: BatchResultsSummary; failedLines: Set<number>; status: string | undefined }> {
  const summary = emptySummary();
  const failedLines = new Set<number>();
  let status: string | undefined;
  const produce = async (write: WriteChunk) => {
    const records = readBatchResultsFor(
      CLI_AUDIENCE,
      command.batchId,
      command.input === undefined ? {} : { input: command.input },
      (seen) => {
        status = seen;
      },
    );
    for await (const record of records) {
      countRecord(summary, record);
      if (record.status !== "succeeded" && record.line !== undefined) failedLines.add(record.line);
      await write(`${JSON.stringify(record)}\n`);
    }
  };
  if (command.out !== undefined) {
    await writeAtomically(command.out, produce);
  } else {
    await produce((chunk) => writeWithBackPressure(io.stdout, chunk));
  }
  return { summary, failedLines, status };
}

/**
 * E.g. `batch_abc: 4 requests: 2 succeeded, 2 failed (server_error 2); records in out.jsonl`, and
 * `batch_abc (cancelled): ...` for a batch that did not complete.
 */
function summaryLine(
  command: ResultsArguments,
  summary: BatchResultsSummary,
  status: string | undefined,
): string {
  const where = command.out === undefined ? "" : `; records in ${command.out}`;
  const retry = command.failedRequests === undefined ? "" : `; failed requests in ${command.failedRequests}`;
  const state = status === undefined || status === "completed" ? "" : ` (${status})`;
  return `${command.batchId}${state}: ${describeSummary(summary)}${where}${retry}`;
}

/** What went wrong, by what the user can do about it, for the message and the JSON document. */
function failureOf(error: unknown): { kind: string; message: string; [key: string]: unknown } {
  if (isBatchApiError(error)) {
    return {
      kind: "api",
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    };
  }
  if (isBatchInputError(error)) {
    // The input file cannot be read; or a line of it has no custom_id, or the key is missing.
    const unreadable = error.problems.every((problem) => problem.reason.startsWith("cannot read "));
    return { kind: unreadable ? "file" : "input", message: error.message };
  }
  const io = error as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof io.code === "string" && typeof io.path === "string") {
    // A rename names the file it was to replace as `dest`.
    const file = typeof io.dest === "string" ? io.dest : io.path;
    const reason = io.code === "ENOENT" ? "no such directory" : describeFileSystemError(error);
    return { kind: "file", message: `cannot write ${file}: ${reason}`, file };
  }
  return { kind: "internal", message: error instanceof Error ? error.message : String(error) };
}

function writeWithBackPressure(stream: NodeJS.WritableStream, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else stream.once("drain", () => resolve());
  });
}

/** `openai-batch results`, as a subcommand of the dispatcher. */
export const resultsCommand: CliCommand = {
  name: "results",
  summary: "join a finished batch's output and error files with its input",
  usage: RESULTS_USAGE,
  run: runResults,
};
