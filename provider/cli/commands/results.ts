import { isBatchApiError, isBatchInputError } from "../../errors";
import { type WriteChunk, writeAtomically } from "../../results/atomic-file";
import { readBatchResults } from "../../results/read-batch-results";
import { copyLines } from "../../results/select-lines";
import { countRecord, describeSummary, emptySummary, totalOf } from "../../results/summary";
import type { BatchResultsSummary } from "../../results/types";
import type { CliCommand, ExitCode } from "../command";
import { parseResultsArguments, RESULTS_USAGE, type ResultsCommand } from "./results-arguments";

/** Where the command writes: stdout for records without --out, stderr for the summary and errors. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * `openai-batch results <batch-id>`: writes the joined records, a one-line summary, and with
 * --failed-requests the input lines of the requests that did not succeed. Exit code 0 when every
 * request succeeded, 1 when some did not, 2 for a usage, file or API error.
 */
export async function runResults(argv: readonly string[], io: CommandIo = processIo): Promise<ExitCode> {
  const parsed = parseResultsArguments(argv);
  if (parsed.kind === "help") {
    io.stdout.write(`${RESULTS_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "usageError") {
    io.stderr.write(`openai-batch results: ${parsed.message}\n\n${RESULTS_USAGE}\n`);
    return 2;
  }
  try {
    const { summary, failedLines } = await writeRecords(parsed, io);
    if (parsed.failedRequests !== undefined && parsed.input !== undefined) {
      const input = parsed.input;
      await writeAtomically(parsed.failedRequests, (write) =>
        copyLines(input, failedLines, write).then(() => undefined),
      );
    }
    const ok = summary.succeeded === totalOf(summary);
    io.stderr.write(`${summaryLine(parsed, summary)}\n`);
    return ok ? 0 : 1;
  } catch (error) {
    io.stderr.write(`openai-batch results: ${messageOf(error)}\n`);
    return 2;
  }
}

async function writeRecords(
  command: ResultsCommand,
  io: CommandIo,
): Promise<{ summary: BatchResultsSummary; failedLines: Set<number> }> {
  const summary = emptySummary();
  const failedLines = new Set<number>();
  const produce = async (write: WriteChunk) => {
    const records = readBatchResults(
      command.batchId,
      command.input === undefined ? {} : { input: command.input },
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
  return { summary, failedLines };
}

function summaryLine(command: ResultsCommand, summary: BatchResultsSummary): string {
  if (command.json) {
    return JSON.stringify({
      batchId: command.batchId,
      ...summary,
      ...(command.out === undefined ? {} : { out: command.out }),
      ...(command.failedRequests === undefined ? {} : { failedRequests: command.failedRequests }),
    });
  }
  const where = command.out === undefined ? "" : `; records in ${command.out}`;
  const retry = command.failedRequests === undefined ? "" : `; failed requests in ${command.failedRequests}`;
  return `${command.batchId}: ${describeSummary(summary)}${where}${retry}`;
}

function messageOf(error: unknown): string {
  if (isBatchApiError(error) || isBatchInputError(error)) return error.message;
  const io = error as NodeJS.ErrnoException;
  if (typeof io.code === "string" && typeof io.path === "string") {
    return `cannot write ${io.path}: ${io.code === "ENOENT" ? "no such directory" : io.message}`;
  }
  return error instanceof Error ? error.message : String(error);
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
  run: (args, io) => runResults(args, io),
};
