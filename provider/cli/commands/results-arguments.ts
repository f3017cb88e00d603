/** `openai-batch results`: its usage and its command line, parsed without I/O. */

export interface ResultsCommand {
  kind: "results";
  batchId: string;
  input: string | undefined;
  out: string | undefined;
  failedRequests: string | undefined;
  json: boolean;
}

export type ResultsParse = ResultsCommand | { kind: "help" } | { kind: "usageError"; message: string };

export const RESULTS_USAGE = `Usage: openai-batch results <batch-id> [--input requests.jsonl] [--out results.jsonl]
                            [--failed-requests retry.jsonl] [--json]

Joins a finished batch's output and error files with its input: one JSON record per request,
{custom_id, line, status, statusCode, body, error}, in input order when --input is given.
Prints a one-line summary to stderr. Exits 0 when every request succeeded, 1 when some did not,
2 for a usage, file or API error.

  --input            the batch's input file (records then come in input order)
  --out              write the records there (default: stdout)
  --failed-requests  write the input lines of the requests that did not succeed there, byte for
                     byte, ready to submit again (needs --input)
  --json             print the summary as one line of JSON

The key and URL come from OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID.`;

const VALUE_OPTIONS = { "--input": "input", "--out": "out", "--failed-requests": "failedRequests" } as const;

/** Parses the arguments after `results`. */
export function parseResultsArguments(argv: readonly string[]): ResultsParse {
  const values: Partial<Record<"input" | "out" | "failedRequests", string>> = {};
  let batchId: string | undefined;
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq !== -1 ? arg.slice(0, eq) : arg;
    if (flag === "--help" || flag === "-h") return { kind: "help" };
    if (flag === "--json") {
      json = true;
    } else if (flag in VALUE_OPTIONS) {
      const key = VALUE_OPTIONS[flag as keyof typeof VALUE_OPTIONS];
      const value = eq !== -1 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++index];
      if (value === undefined || value === "" || (eq === -1 && value.startsWith("--"))) {
        return { kind: "usageError", message: `${flag} needs a file path, e.g. ${flag} results.jsonl` };
      }
      values[key] = value;
    } else if (arg.startsWith("-")) {
      return { kind: "usageError", message: `unknown option ${arg}` };
    } else if (batchId === undefined) {
      batchId = arg;
    } else {
      return { kind: "usageError", message: `one batch at a time; got ${batchId} and ${arg}` };
    }
  }
  if (batchId === undefined) {
    return { kind: "usageError", message: "name the batch, e.g. openai-batch results batch_abc123" };
  }
  if (values.failedRequests !== undefined && values.input === undefined) {
    return {
      kind: "usageError",
      message: "--failed-requests copies lines of the input, so it needs --input <the batch's input file>",
    };
  }
  return {
    kind: "results",
    batchId,
    input: values.input,
    out: values.out,
    failedRequests: values.failedRequests,
    json,
  };
}
