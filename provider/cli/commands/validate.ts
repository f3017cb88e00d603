import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { BATCH_ENDPOINTS } from "../../contract";
import { formatReport } from "../../validation/jsonl/format";
import { validateBatchInput } from "../../validation/jsonl/validate";
import { type CliCommand, type CliIo, EXIT, type ExitCode } from "../command";
import { CliUsageError } from "../errors";
import { parseOptions } from "../options";
import { writeJson } from "../output";

const USAGE = `Usage: openai-batch validate <file.jsonl> [--endpoint <endpoint>] [--json]

Checks a Batch API input file without sending anything: valid JSON on every line, custom_id,
method, url and body on each, one endpoint, unique custom ids, one model, and the API's limits
(50,000 lines, 200 MB, 50,000 embedding inputs). Exits 0 when the file is valid, 1 when not,
2 when the command line is wrong or the file cannot be read.

  --endpoint   the batch endpoint; one of ${BATCH_ENDPOINTS.join(", ")}
               (default: the url of the first line)
  --json       print the report as JSON`;

export interface ValidateArguments {
  file: string;
  endpoint: string | undefined;
  json: boolean;
}

/** Reads the arguments of `validate`. Pure: no I/O. Throws `CliUsageError`. */
export function parseValidateArguments(args: readonly string[]): ValidateArguments {
  const { values, positionals } = parseOptions(args, {
    endpoint: { type: "string", example: "/v1/chat/completions" },
    json: { type: "boolean" },
  });
  const [file, ...others] = positionals;
  if (file === undefined) {
    throw new CliUsageError("name the .jsonl file to validate");
  }
  if (others.length > 0) {
    throw new CliUsageError(`one file at a time; got ${file} and ${others.join(" ")}`);
  }
  const endpoint = values.endpoint as string | undefined;
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new CliUsageError(
      `--endpoint ${JSON.stringify(endpoint)} is not a batch endpoint; use one of ${BATCH_ENDPOINTS.join(", ")}`,
    );
  }
  return { file, endpoint, json: values.json === true };
}

/** `openai-batch validate`: the same checks as `pulumi preview`, for pipelines without Pulumi. */
export const validateCommand: CliCommand = {
  name: "validate",
  summary: "check Batch API input files (JSONL) without sending anything",
  usage: USAGE,
  run: runValidate,
};

async function runValidate(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = parseValidateArguments(args);
  const path = resolve(io.cwd, command.file);
  const endpoint = command.endpoint ?? (await firstLineUrl(path));
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    io.stderr.write(
      `${command.file}:1: url ${JSON.stringify(endpoint)} is not an endpoint the Batch API runs; use one of ${BATCH_ENDPOINTS.join(", ")}\n`,
    );
    return EXIT.invalid;
  }
  const report = await validateBatchInput({ path }, endpoint === undefined ? {} : { endpoint });
  if (command.json) {
    writeJson(io.stdout, { file: command.file, endpoint, ...report });
  } else if (report.ok) {
    io.stdout.write(
      `${command.file}: valid: ${report.lineCount} requests for ${endpoint}, ${report.bytes} bytes${report.model ? `, model ${report.model}` : ""}, sha256 ${report.sha256}\n`,
    );
  } else {
    io.stderr.write(`${formatReport(report, command.file).join("\n")}\n`);
  }
  return report.ok ? EXIT.ok : EXIT.invalid;
}

/** The endpoint to check against when none is given: the url of the first line, if it has one. */
async function firstLineUrl(file: string): Promise<string | undefined> {
  const lines = createInterface({
    input: createReadStream(file, { end: 1024 * 1024 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      const url = (JSON.parse(line) as { url?: unknown }).url;
      return typeof url === "string" ? url : undefined;
    }
  } catch {
    return undefined;
  } finally {
    lines.close();
  }
  return undefined;
}
