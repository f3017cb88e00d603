#!/usr/bin/env node
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { BATCH_ENDPOINTS } from "../contract";
import { formatReport } from "../validation/jsonl/format";
import { validateBatchInput } from "../validation/jsonl/validate";
import { parseArguments, USAGE } from "./arguments";
import { runResults } from "./commands/results";

/** `openai-batch validate`: the same checks as `pulumi preview`, for pipelines without Pulumi. */
async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "results") return runResults(argv.slice(1));
  const command = parseArguments(argv);
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === "usageError") {
    process.stderr.write(`openai-batch: ${command.message}\n\n${USAGE}\n`);
    return 2;
  }
  const endpoint = command.endpoint ?? (await firstLineUrl(command.file));
  if (endpoint !== undefined && !(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    process.stderr.write(
      `${command.file}:1: url ${JSON.stringify(endpoint)} is not an endpoint the Batch API runs; use one of ${BATCH_ENDPOINTS.join(", ")}\n`,
    );
    return 1;
  }
  const report = await validateBatchInput({ path: command.file }, endpoint === undefined ? {} : { endpoint });
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ file: command.file, endpoint, ...report }, null, 2)}\n`);
  } else if (report.ok) {
    process.stdout.write(
      `${command.file}: valid: ${report.lineCount} requests for ${endpoint}, ${report.bytes} bytes${report.model ? `, model ${report.model}` : ""}, sha256 ${report.sha256}\n`,
    );
  } else {
    process.stderr.write(`${formatReport(report, command.file).join("\n")}\n`);
  }
  return report.ok ? 0 : 1;
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`openai-batch: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
