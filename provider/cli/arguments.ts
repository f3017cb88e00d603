import { BATCH_ENDPOINTS } from "../contract";

export interface ValidateCommand {
  kind: "validate";
  file: string;
  endpoint: string | undefined;
  json: boolean;
}

export type Command = ValidateCommand | { kind: "help" } | { kind: "usageError"; message: string };

export const USAGE = `Usage: openai-batch validate <file.jsonl> [--endpoint <endpoint>] [--json]

Checks a Batch API input file without sending anything: valid JSON on every line, custom_id,
method, url and body on each, one endpoint, unique custom ids, one model, and the API's limits
(50,000 lines, 200 MB, 50,000 embedding inputs). Exits 0 when the file is valid, 1 when not.

  --endpoint   the batch endpoint; one of ${BATCH_ENDPOINTS.join(", ")}
               (default: the url of the first line)
  --json       print the report as JSON`;

/** Parses the command line. Pure: no I/O. */
export function parseArguments(argv: readonly string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    return { kind: "help" };
  }
  if (verb !== "validate") {
    return {
      kind: "usageError",
      message: `unknown command ${JSON.stringify(verb)}; the command is "validate"`,
    };
  }
  let file: string | undefined;
  let endpoint: string | undefined;
  let json = false;
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index]!;
    if (arg === "--json") {
      json = true;
    } else if (arg === "--endpoint") {
      endpoint = rest[index + 1];
      index += 1;
      if (endpoint === undefined) {
        return {
          kind: "usageError",
          message: "--endpoint needs a value, e.g. --endpoint /v1/chat/completions",
        };
      }
    } else if (arg.startsWith("--endpoint=")) {
      endpoint = arg.slice("--endpoint=".length);
    } else if (arg === "--help" || arg === "-h") {
      return { kind: "help" };
    } else if (arg.startsWith("-")) {
      return { kind: "usageError", message: `unknown option ${arg}` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { kind: "usageError", message: `one file at a time; got ${file} and ${arg}` };
    }
  }
  if (file === undefined) {
    return { kind: "usageError", message: "name the .jsonl file to validate" };
  }
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    return {
      kind: "usageError",
      message: `--endpoint ${JSON.stringify(endpoint)} is not a batch endpoint; use one of ${BATCH_ENDPOINTS.join(", ")}`,
    };
  }
  return { kind: "validate", file, endpoint, json };
}
