import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { BATCH_ENDPOINTS } from "../../contract";
import { tallyFile } from "../../cost/count-file";
import { type CostEstimate, type EstimateAdvice, estimateCost } from "../../cost/estimate";
import { formatUsd } from "../../cost/format-usd";
import { GIVEN_PRICE_SOURCE } from "../../cost/prices";
import { isBatchInputFileError } from "../../errors";
import { describeFileSystemError, openInputFile } from "../../validation/jsonl/open-input-file";
import { BYTE_ORDER_MARK_PROBLEM } from "../../validation/jsonl/text-rules";
import { type CliCommand, type CliIo, EXIT, type ExitCode } from "../command";
import { CliFileError, CliUsageError } from "../errors";
import { parseOptions } from "../options";
import { plural, writeJson } from "../output";
import { endpointOfFirstLine, readFirstLine } from "./estimate-endpoint";
import { readPricesFile } from "./estimate-prices";

export const ESTIMATE_USAGE = `Usage: openai-batch estimate <file.jsonl> [--endpoint <endpoint>] [--prices <prices.json>] [--json]

Counts the tokens of a Batch API input file with each model's encoding and prices them at the
Batch API's rates, from the price table shipped with the package. Nothing is sent. A relative
path is read from the current directory.

Options:
  --endpoint <endpoint>   the batch endpoint; one of ${BATCH_ENDPOINTS.join(", ")}
                          (default: the url of the first line)
  --prices <file>         a JSON file of prices that correct or add to the table, in US dollars
                          per million tokens at batch rates, e.g.
                          {"gpt-4o-mini": {"input": 0.075, "cachedInput": 0.0375, "output": 0.3}}
  --json                  print one JSON document on stdout: { model, requests, inputTokens,
                          maxOutputTokens, inputCostUsd, maxCostUsd, priceAsOf }, with null where
                          a figure is unknown; or, when there is no estimate,
                          { ok: false, error: { kind, message } }

Output: the figures on stdout; warnings (no output limit, no price for the model) on stderr.

Exit codes:
  0   the estimate is printed
  1   the file is not JSON requests with a body, or its first line gives no endpoint
      (kind "invalid")
  2   the command line is wrong (kind "usage", a --prices file that is not prices among it), or
      a file cannot be read (kind "file")`;

export interface EstimateArguments {
  file: string;
  endpoint: string | undefined;
  prices: string | undefined;
  json: boolean;
}

/** Reads the arguments of `estimate`. Pure: no I/O. Throws `CliUsageError`. */
export function parseEstimateArguments(args: readonly string[]): EstimateArguments {
  const { values, positionals } = parseOptions(args, {
    endpoint: { type: "string", example: "/v1/chat/completions" },
    prices: { type: "string", example: "prices.json" },
    json: { type: "boolean" },
  });
  const [file, extra] = positionals;
  if (file === undefined) throw new CliUsageError("name the .jsonl file to estimate");
  if (extra !== undefined) throw new CliUsageError(`one file at a time; got ${file} and ${extra}`);
  if (file === "-") throw new CliUsageError("estimate reads a file, not stdin; name the .jsonl file");
  const endpoint = values.endpoint as string | undefined;
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new CliUsageError(
      `--endpoint ${JSON.stringify(endpoint)} is not a batch endpoint; use one of ${BATCH_ENDPOINTS.join(", ")}`,
    );
  }
  return { file, endpoint, prices: values.prices as string | undefined, json: values.json === true };
}

/**
 * `openai-batch estimate`: returns the exit code. A wrong command line throws `CliUsageError` and
 * a file that cannot be read `CliFileError`, which the dispatcher reports (as JSON under --json).
 */
export async function runEstimate(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const args = parseEstimateArguments(argv);
  const path = resolve(io.cwd, args.file);
  await checkReadable(path, args.file);
  const prices =
    args.prices === undefined ? undefined : await readPricesFile(resolve(io.cwd, args.prices), args.prices);
  if (await startsWithByteOrderMark(path)) {
    return reportInvalid(`${args.file}:1: ${BYTE_ORDER_MARK_PROBLEM}`, {}, args, io);
  }
  let endpoint = args.endpoint;
  if (endpoint === undefined) {
    const { line, cut } = await readFirstLine(path);
    const found = endpointOfFirstLine(line, cut, args.file);
    if ("problem" in found) return reportInvalid(found.problem, {}, args, io);
    endpoint = found.endpoint;
  }
  let tally: Awaited<ReturnType<typeof tallyFile>>;
  try {
    tally = await tallyFile(path, endpoint);
  } catch (error) {
    throw new CliFileError(args.file, describeFileSystemError(error));
  }
  if (tally.invalidLines > 0) {
    const message = `${args.file}: ${plural(tally.invalidLines, "line")} ${tally.invalidLines === 1 ? "is" : "are"} not a JSON request with a body; \`openai-batch validate ${args.file}\` names them`;
    return reportInvalid(message, { invalidLines: tally.invalidLines }, args, io);
  }
  const { estimate, warnings } = estimateCost(tally, {
    advice: COMMAND_LINE_ADVICE,
    ...(prices === undefined ? {} : { prices }),
  });
  for (const warning of warnings) {
    io.stderr.write(`warning: ${warning}\n`);
  }
  if (args.json) writeJson(io.stdout, estimate);
  else io.stdout.write(`${describe(args, estimate)}\n`);
  return EXIT.ok;
}

/** Reports a file that cannot be estimated as it is (kind "invalid"), and returns exit code 1. */
function reportInvalid(
  message: string,
  details: Record<string, unknown>,
  args: EstimateArguments,
  io: CliIo,
): ExitCode {
  if (args.json) {
    writeJson(io.stdout, { ok: false, error: { kind: "invalid", message, ...details } });
  } else {
    io.stderr.write(`${message}\n`);
  }
  return EXIT.invalid;
}

/** Whether the file starts with the UTF-8 byte-order mark, which no JSON line may start with. */
async function startsWithByteOrderMark(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(3);
    const { bytesRead } = await handle.read(head, 0, 3, 0);
    return bytesRead === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } finally {
    await handle.close();
  }
}

/** Refuses a file that is missing or not a regular file, naming it as the user wrote it. */
async function checkReadable(path: string, label: string): Promise<void> {
  try {
    const { handle } = await openInputFile(path);
    await handle.close();
  } catch (error) {
    if (isBatchInputFileError(error)) throw new CliFileError(label, error.reason);
    throw error;
  }
}

/** What the warnings tell the user to do: this command's options, not the resource's arguments. */
const COMMAND_LINE_ADVICE: EstimateAdvice = {
  price: (model) =>
    `pass --prices <file.json> holding {${JSON.stringify(model)}: {"input": ..., "output": ...}} in US dollars per million tokens at batch rates`,
  unboundedOutput: "set max_tokens (max_completion_tokens, max_output_tokens) on each request",
};

function describe({ file, prices }: EstimateArguments, e: CostEstimate): string {
  const tokens = (n: number | null) => (n === null ? "unknown" : n.toLocaleString("en-US"));
  const dollars = (n: number | null) => (n === null ? "unknown" : formatUsd(n));
  return [
    `${file}: ${plural(e.requests, "request")}${e.model === null ? "" : ` for ${e.model}`}`,
    `  input tokens:       ${tokens(e.inputTokens)}`,
    `  max output tokens:  ${e.maxOutputTokens === null && e.inputTokens !== null ? "unbounded" : tokens(e.maxOutputTokens)}`,
    `  input cost:         ${dollars(e.inputCostUsd)}`,
    `  most cost:          ${dollars(e.maxCostUsd)}`,
    `  prices as of:       ${e.priceAsOf === GIVEN_PRICE_SOURCE ? `--prices ${prices}` : (e.priceAsOf ?? "no price for this model")} (batch rates)`,
  ].join("\n");
}

/** `openai-batch estimate`, as a subcommand of the dispatcher. */
export const estimateCommand: CliCommand = {
  name: "estimate",
  summary: "count the tokens of an input file and price them at batch rates",
  usage: ESTIMATE_USAGE,
  run: runEstimate,
};
