/** `openai-batch results`: its usage and its command line, parsed without I/O. */
import { CliUsageError } from "../errors";
import { parseOptions } from "../options";

export interface ResultsArguments {
  batchId: string;
  input: string | undefined;
  out: string | undefined;
  failedRequests: string | undefined;
  json: boolean;
}

export const RESULTS_USAGE = `Usage: openai-batch results <batch-id> [--input requests.jsonl] [--out results.jsonl]
                            [--failed-requests retry.jsonl] [--json]

Joins a finished batch's output and error files with its input: one JSON record per request,
{custom_id, line, status, statusCode, body, error}, in input order when --input is given.
Relative paths are read and written from the current directory. A download cut off half-way
resumes where it stopped.

Options:
  --input <file>            the batch's input file (records then come in input order)
  --out <file>              write the records there, atomically (default: stdout)
  --failed-requests <file>  write the input lines of the requests that did not succeed there,
                            byte for byte, ready to submit again (needs --input)
  --json                    print the outcome as one JSON document: the summary
                            { ok, batchId, status, succeeded, failed, expired, cancelled,
                            missing, errorCodes, out, failedRequests }, or { ok: false, error: { kind,
                            message } }. It goes to stdout with --out, and to stderr when the
                            records are on stdout; a usage error goes to stdout.

Output: the records (to stdout without --out); a one-line summary on stderr.

Exit codes:
  0   the batch completed and every request succeeded
  1   some requests did not succeed, or the batch failed, expired or was cancelled
  2   the command line is wrong (kind "usage"), a file cannot be read or written (kind "file"),
      the API failed or does not know the batch (kind "api"), or the key is missing or the batch
      has not finished (kind "input")

The key and URL come from OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID.`;

/** Reads the arguments of `results`. Pure: no I/O. Throws `CliUsageError`. */
export function parseResultsArguments(args: readonly string[]): ResultsArguments {
  const { values, positionals } = parseOptions(args, {
    input: { type: "string", example: "requests.jsonl" },
    out: { type: "string", example: "results.jsonl" },
    "failed-requests": { type: "string", example: "retry.jsonl" },
    json: { type: "boolean" },
  });
  const [batchId, extra] = positionals;
  if (batchId === undefined) {
    throw new CliUsageError("name the batch, e.g. openai-batch results batch_abc123");
  }
  if (extra !== undefined) {
    throw new CliUsageError(`one batch at a time; got ${batchId} and ${extra}`);
  }
  const input = values.input as string | undefined;
  const failedRequests = values["failed-requests"] as string | undefined;
  if (failedRequests !== undefined && input === undefined) {
    throw new CliUsageError(
      "--failed-requests copies lines of the input, so it needs --input <the batch's input file>",
    );
  }
  return {
    batchId,
    input,
    out: values.out as string | undefined,
    failedRequests,
    json: values.json === true,
  };
}
