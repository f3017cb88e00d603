import { resolve } from "node:path";
import { BATCH_ENDPOINTS } from "../../contract";
import { isBatchInputFileError } from "../../errors";
import { formatReport } from "../../validation/jsonl/format";
import {
  type BatchInputReport,
  type BatchInputSource,
  validateBatchInput,
} from "../../validation/jsonl/validate";
import { type CliCommand, type CliIo, EXIT, type ExitCode } from "../command";
import { CliUsageError } from "../errors";
import { countedStream, countFileLines } from "../line-count";
import { parseOptions } from "../options";
import { plural, writeJson } from "../output";

const STDIN = "-";

const USAGE = `Usage: openai-batch validate <file.jsonl>... [--endpoint <endpoint>] [--json]

Checks Batch API input files without sending anything: UTF-8 JSON on every line, custom_id,
method, url and body on each, the body fields the endpoint requires, one endpoint, unique custom
ids, one model, and the API's limits (50,000 lines, 200 MB, 50,000 embedding inputs). Give
several files to check them all; "-" reads stdin. Relative paths are read from the current
directory.

Options:
  --endpoint <endpoint>   the batch endpoint; one of ${BATCH_ENDPOINTS.join(", ")}
                          (default: the url of each file's first line)
  --json                  print one JSON document on stdout: a report per file and a summary

Output: one line per file and, for several files, a summary on stdout; each problem, as
file:line: message, on stderr. A file over the limits is checked up to them, and counted to its
end.

Exit codes:
  0   every file is valid
  1   a file is not valid
  2   the command line is wrong, or a file cannot be read (a directory, a named pipe, a device,
      a missing file); this wins over 1`;

export interface ValidateArguments {
  files: string[];
  endpoint: string | undefined;
  json: boolean;
}

/** Reads the arguments of `validate`. Pure: no I/O. Throws `CliUsageError`. */
export function parseValidateArguments(args: readonly string[]): ValidateArguments {
  const { values, positionals } = parseOptions(args, {
    endpoint: { type: "string", example: "/v1/chat/completions" },
    json: { type: "boolean" },
  });
  if (positionals.length === 0) {
    throw new CliUsageError('name the .jsonl files to validate, or "-" for stdin');
  }
  if (positionals.filter((file) => file === STDIN).length > 1) {
    throw new CliUsageError('"-" (stdin) can be given only once');
  }
  const endpoint = values.endpoint as string | undefined;
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new CliUsageError(
      `--endpoint ${JSON.stringify(endpoint)} is not a batch endpoint; use one of ${BATCH_ENDPOINTS.join(", ")}`,
    );
  }
  return { files: [...positionals], endpoint, json: values.json === true };
}

/**
 * What became of one file. The report's `lineCount` and `bytes` cover the whole file; when the
 * checks stopped at the Batch API's limits, `checkedLines` says how many lines they read.
 */
type FileOutcome =
  | {
      file: string;
      path: string;
      status: "valid" | "invalid";
      report: BatchInputReport;
      checkedLines?: number;
    }
  | { file: string; path: string; status: "unreadable"; error: string };

/** `openai-batch validate`: the same checks as `pulumi preview`, for pipelines without Pulumi. */
export const validateCommand: CliCommand = {
  name: "validate",
  summary: "check Batch API input files (JSONL) without sending anything",
  usage: USAGE,
  run: runValidate,
};

async function runValidate(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = parseValidateArguments(args);
  const outcomes: FileOutcome[] = [];
  for (const file of command.files) {
    const outcome = await validateOne(file, command.endpoint, io);
    outcomes.push(outcome);
    if (!command.json) {
      printOutcome(outcome, io);
    }
  }
  const summary = summarize(outcomes);
  if (command.json) {
    writeJson(io.stdout, {
      ok: summary.invalid === 0 && summary.unreadable === 0,
      files: outcomes.map(jsonOf),
      summary,
    });
  } else if (outcomes.length > 1) {
    io.stdout.write(`${summaryLine(summary)}\n`);
  }
  if (summary.unreadable > 0) return EXIT.usage;
  return summary.invalid > 0 ? EXIT.invalid : EXIT.ok;
}

async function validateOne(file: string, endpoint: string | undefined, io: CliIo): Promise<FileOutcome> {
  const path = file === STDIN ? STDIN : resolve(io.cwd, file);
  const stdin = file === STDIN ? countedStream(io.stdin) : undefined;
  const source: BatchInputSource = stdin === undefined ? { path } : { stream: stdin.chunks };
  const label = file === STDIN ? "stdin" : file;
  try {
    const report = await validateBatchInput(
      source,
      endpoint === undefined ? { endpointFromFirstLine: true } : { endpoint },
    );
    const status = report.ok ? "valid" : "invalid";
    if (report.sha256 !== undefined) {
      return { file: label, path, status, report };
    }
    // The checks stopped at the Batch API's limits (or did not start, over 200 MB): the counts
    // still cover the whole file, read again (or read on, for stdin) with nothing but a count.
    const whole = stdin === undefined ? await countFileLines(path) : await stdin.countRest();
    return {
      file: label,
      path,
      status,
      report: { ...report, lineCount: whole.lines, bytes: whole.bytes },
      checkedLines: report.lineCount,
    };
  } catch (error) {
    if (isBatchInputFileError(error)) {
      return { file: label, path, status: "unreadable", error: `cannot read ${label}: ${error.reason}` };
    }
    throw error;
  }
}

function printOutcome(outcome: FileOutcome, io: CliIo): void {
  if (outcome.status === "unreadable") {
    io.stderr.write(`openai-batch validate: ${outcome.error}\n`);
    return;
  }
  const { report, checkedLines } = outcome;
  if (outcome.status === "invalid") {
    io.stderr.write(`${formatReport(report, outcome.file).join("\n")}\n`);
    const checked =
      checkedLines === undefined
        ? ""
        : checkedLines === 0
          ? ` and ${plural(report.bytes, "byte")}, none of them checked`
          : ` and ${plural(report.bytes, "byte")}, the first ${plural(checkedLines, "line")} checked`;
    io.stdout.write(
      `${outcome.file}: invalid: ${plural(report.problemCount, "problem")} in ${plural(report.lineCount, "line")}${checked}\n`,
    );
    return;
  }
  const facts = [
    `${plural(report.lineCount, "request")}${report.endpoint === undefined ? "" : ` for ${report.endpoint}`}`,
    plural(report.bytes, "byte"),
    ...(report.model === undefined ? [] : [`model ${report.model}`]),
    `sha256 ${report.sha256}`,
  ];
  io.stdout.write(`${outcome.file}: valid: ${facts.join(", ")}\n`);
}

interface Summary {
  files: number;
  valid: number;
  invalid: number;
  unreadable: number;
  problems: number;
}

function summarize(outcomes: readonly FileOutcome[]): Summary {
  const count = (status: FileOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  return {
    files: outcomes.length,
    valid: count("valid"),
    invalid: count("invalid"),
    unreadable: count("unreadable"),
    problems: outcomes.reduce((sum, o) => sum + ("report" in o ? o.report.problemCount : 0), 0),
  };
}

/** E.g. `3 files: 1 valid, 1 invalid (2 problems), 1 unreadable`. */
export function summaryLine(summary: Summary): string {
  const parts = [`${summary.valid} valid`];
  if (summary.invalid > 0) {
    parts.push(`${summary.invalid} invalid (${plural(summary.problems, "problem")})`);
  }
  if (summary.unreadable > 0) {
    parts.push(`${summary.unreadable} unreadable`);
  }
  return `${plural(summary.files, "file")}: ${parts.join(", ")}`;
}

function jsonOf(outcome: FileOutcome): Record<string, unknown> {
  const { file, path, status } = outcome;
  if (!("report" in outcome)) return { file, path, status, error: outcome.error };
  const checked = outcome.checkedLines === undefined ? {} : { checkedLines: outcome.checkedLines };
  return { file, path, status, ...outcome.report, ...checked };
}
