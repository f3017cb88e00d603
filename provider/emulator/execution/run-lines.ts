import { truncate } from "node:fs/promises";
import type { RequestFailure } from "../faults/injector";
import { digest } from "../ids";
import type { BatchEndpoint } from "../limits";
import { openSink } from "../store/file-sink";
import type { BatchProgress, UsageTotals } from "../store/records";
import type { UsageCounter } from "../tokens/usage-counter";
import { readLines } from "../validation/line-reader";
import { executeRequest } from "./execute-request";
import { injectedFailure, notRunLine, refusedLine, successLine } from "./output-lines";

export interface RunLinesInput {
  batchId: string;
  endpoint: BatchEndpoint;
  inputPath: string;
  outputPath: string;
  errorPath: string;
  progress: BatchProgress;
  /** "execute": run requests up to line `untilLine` at `atMs`; "expire": mark every remaining request expired. */
  mode: { kind: "execute"; untilLine: number; atMs: number } | { kind: "expire" };
  /** Flush the output to the disk before returning. */
  durable: boolean;
  /** Whether a request (by its `url`) fails on purpose, as a fault rule decides. */
  requestFailure?: (url: string) => RequestFailure | undefined;
  /** Counts the tokens of the requests answered. */
  tokens: UsageCounter;
  /**
   * Where lines name deployments (Azure): the deployments and the model each runs. An answer
   * names the model, as Azure's answers do, not the deployment.
   */
  deployments?: ReadonlyMap<string, string> | undefined;
}

export interface RunLinesResult {
  progress: BatchProgress;
  usage: UsageTotals;
}

export const EXPIRED_MESSAGE = "This request could not be executed before the completion window expired.";

/**
 * Runs the next requests of a batch, streaming: reads the input from where the batch stopped,
 * appends each answer to the output or error file, and returns the new progress and the tokens
 * used. Nothing but the current line is held in memory.
 */
export async function runLines(input: RunLinesInput): Promise<RunLinesResult> {
  const { batchId, endpoint, mode } = input;
  const progress = { ...input.progress };
  const usage: UsageTotals = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  await cutTo(input.outputPath, progress.outputBytes);
  await cutTo(input.errorPath, progress.errorBytes);
  const output = openSink(input.outputPath, true);
  const errors = openSink(input.errorPath, true);
  try {
    for await (const line of readLines(input.inputPath, progress.byteOffset, progress.done + 1)) {
      if (mode.kind === "execute" && line.number > mode.untilLine) break;
      const request = parseRequest(line.text);
      if (mode.kind === "expire") {
        await errors.write(
          notRunLine(batchId, line.number, request?.customId ?? null, "batch_expired", EXPIRED_MESSAGE),
        );
        progress.failed += 1;
      } else if (request === undefined) {
        await errors.write(
          notRunLine(
            batchId,
            line.number,
            null,
            "invalid_json_line",
            "This line is not parseable as valid JSON.",
          ),
        );
        progress.failed += 1;
      } else {
        const injected = input.requestFailure?.(request.url === "" ? endpoint : request.url);
        if (injected !== undefined) {
          // A failed request is answered with an error and counts no tokens.
          await errors.write(refusedLine(batchId, line.number, request.customId, injectedFailure(injected)));
          progress.failed += 1;
          progress.done = line.number;
          progress.byteOffset = line.end;
          continue;
        }
        const result = await executeRequest(
          endpoint,
          deployedModel(request.body, input.deployments),
          {
            batchId,
            customId: request.customId ?? "",
            line: line.number,
            createdSec: Math.floor(mode.atMs / 1000),
            seed: digest(endpoint, request.customId ?? "", JSON.stringify(request.body)),
          },
          input.tokens,
        );
        if (result.ok) {
          await output.write(successLine(batchId, line.number, request.customId ?? "", result.value));
          usage.inputTokens += result.value.usage.input;
          usage.outputTokens += result.value.usage.output;
          progress.completed += 1;
        } else {
          await errors.write(refusedLine(batchId, line.number, request.customId, result.value));
          progress.failed += 1;
        }
      }
      progress.done = line.number;
      progress.byteOffset = line.end;
    }
  } finally {
    await output.finish(input.durable);
    await errors.finish(input.durable);
  }
  progress.outputBytes += output.bytes;
  progress.errorBytes += errors.bytes;
  return { progress, usage };
}

/**
 * Cuts a pending output file back to the length the state knows, dropping whatever an interrupted
 * run (a crash, an I/O error) wrote past it.
 */
async function cutTo(path: string, bytes: number): Promise<void> {
  try {
    await truncate(path, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || bytes !== 0) throw error;
  }
}

function parseRequest(
  text: string,
): { customId: string | null; url: string; body: Record<string, unknown> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const body = record.body;
  return {
    customId: typeof record.custom_id === "string" ? record.custom_id : null,
    url: typeof record.url === "string" ? record.url : "",
    body:
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {},
  };
}

/** The body with its deployment name replaced by the model the deployment runs, where there is one. */
function deployedModel(
  body: Record<string, unknown>,
  deployments: ReadonlyMap<string, string> | undefined,
): Record<string, unknown> {
  const model = typeof body.model === "string" ? deployments?.get(body.model) : undefined;
  return model === undefined ? body : { ...body, model };
}
