import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { BATCH_ENDPOINTS } from "../../contract";
import { tallyFile } from "../../cost/count-file";
import { type CostEstimate, estimateCost } from "../../cost/estimate";
import type { CliCommand, ExitCode } from "../command";

export const ESTIMATE_USAGE = `Usage: openai-batch estimate <file.jsonl> [--endpoint <endpoint>] [--json]

Counts the tokens of a Batch API input file with each model's encoding and prices them at the
Batch API's rates, from the price table shipped with the package. Nothing is sent.
Exits 0 with an estimate, 1 when lines are not JSON requests, 2 on a usage or read error.

  --endpoint   the batch endpoint; one of ${BATCH_ENDPOINTS.join(", ")}
               (default: the url of the first line)
  --json       print { model, requests, inputTokens, maxOutputTokens, inputCostUsd, maxCostUsd,
               priceAsOf } as JSON, with null where a figure is unknown`;

export type EstimateArguments =
  | { kind: "estimate"; file: string; endpoint: string | undefined; json: boolean }
  | { kind: "help" }
  | { kind: "usageError"; message: string };

/** Parses the arguments after `estimate`. Pure. */
export function parseEstimateArguments(argv: readonly string[]): EstimateArguments {
  let file: string | undefined;
  let endpoint: string | undefined;
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--json") {
      json = true;
    } else if (arg === "--endpoint" || arg.startsWith("--endpoint=")) {
      endpoint = arg === "--endpoint" ? argv[++index] : arg.slice("--endpoint=".length);
      if (endpoint === undefined || !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
        return {
          kind: "usageError",
          message: `--endpoint ${endpoint === undefined ? "needs a value" : `${JSON.stringify(endpoint)} is not a batch endpoint`}; use one of ${BATCH_ENDPOINTS.join(", ")}`,
        };
      }
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
  return file === undefined
    ? { kind: "usageError", message: "name the .jsonl file to estimate" }
    : { kind: "estimate", file, endpoint, json };
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** `openai-batch estimate`: returns the exit code. */
export async function runEstimate(argv: readonly string[], io: CommandIo = processIo): Promise<ExitCode> {
  const args = parseEstimateArguments(argv);
  if (args.kind === "help") {
    io.stdout(`${ESTIMATE_USAGE}\n`);
    return 0;
  }
  if (args.kind === "usageError") {
    io.stderr(`openai-batch estimate: ${args.message}\n\n${ESTIMATE_USAGE}\n`);
    return 2;
  }
  let estimate: CostEstimate;
  let warnings: string[];
  try {
    const endpoint = args.endpoint ?? (await firstLineUrl(args.file));
    if (endpoint === undefined) {
      io.stderr(`${args.file}:1: no url to take the endpoint from; pass --endpoint\n`);
      return 2;
    }
    const tally = await tallyFile(args.file, endpoint);
    if (tally.invalidLines > 0) {
      io.stderr(
        `${args.file}: ${tally.invalidLines} lines are not JSON requests with a body; \`openai-batch validate ${args.file}\` names them\n`,
      );
      return 1;
    }
    ({ estimate, warnings } = estimateCost(tally));
  } catch (error) {
    io.stderr(`openai-batch estimate: cannot read ${args.file}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const warning of warnings) {
    io.stderr(`warning: ${warning}\n`);
  }
  io.stdout(args.json ? `${JSON.stringify(estimate, null, 2)}\n` : `${describe(args.file, estimate)}\n`);
  return 0;
}

function describe(file: string, e: CostEstimate): string {
  const tokens = (n: number | null) => (n === null ? "unknown" : n.toLocaleString("en-US"));
  const dollars = (n: number | null) => (n === null ? "unknown" : `$${n.toFixed(6)}`);
  return [
    `${file}: ${e.requests.toLocaleString("en-US")} requests${e.model === null ? "" : ` for ${e.model}`}`,
    `  input tokens:       ${tokens(e.inputTokens)}`,
    `  max output tokens:  ${e.maxOutputTokens === null && e.inputTokens !== null ? "unbounded" : tokens(e.maxOutputTokens)}`,
    `  input cost:         ${dollars(e.inputCostUsd)}`,
    `  most cost:          ${dollars(e.maxCostUsd)}`,
    `  prices as of:       ${e.priceAsOf ?? "no price for this model"} (batch rates)`,
  ].join("\n");
}

/** The url of the first line, if it has one. */
async function firstLineUrl(file: string): Promise<string | undefined> {
  const lines = createInterface({
    input: createReadStream(file, { end: 1024 * 1024 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      try {
        const url = (JSON.parse(line) as { url?: unknown } | null)?.url;
        return typeof url === "string" ? url : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  } finally {
    lines.close();
  }
}

/** `openai-batch estimate`, as a subcommand of the dispatcher. */
export const estimateCommand: CliCommand = {
  name: "estimate",
  summary: "count the tokens of an input file and price them at batch rates",
  usage: ESTIMATE_USAGE,
  run: (args, io) =>
    runEstimate(args, {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
    }),
};
