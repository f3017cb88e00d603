import { open, stat } from "node:fs/promises";
import { LIMITS } from "../../contract";
import type { LineProblem } from "./line-problem";
import { JsonlScanner } from "./scanner";
import { serializeRequests } from "./serialize";

/** Where the JSONL comes from: a file on disk, inline request objects, or the bytes themselves. */
export type BatchInputSource =
  | { path: string }
  | { requests: readonly unknown[] }
  | { content: string | Uint8Array };

export interface ValidateBatchInputOptions {
  /** The batch endpoint; when absent (not known yet), the checks that need it are skipped. */
  endpoint?: string;
  /** How many problems to list; all are counted. Default 100. */
  maxProblems?: number;
  /** Longer lines are reported without being held in memory. Default 32 MiB. */
  maxLineBytes?: number;
}

export interface BatchInputReport {
  ok: boolean;
  /** The first problems found, in line order. */
  problems: LineProblem[];
  /** How many problems there are in all. */
  problemCount: number;
  /** How many lines were read. */
  lineCount: number;
  /** The size of the input in bytes. */
  bytes: number;
  /** The hex sha256 of the exact bytes, absent when the input was refused before it was all read. */
  sha256?: string;
  /** The model every line names, when they agree. */
  model?: string;
  /** How many embedding inputs the lines carry (for `/v1/embeddings`). */
  embeddingInputs: number;
}

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Checks a batch input the way `check` does, without Pulumi and without any network call: valid
 * JSON on every line, the fields each request needs, one endpoint, unique custom ids, one model,
 * and the Batch API's size limits. Files are streamed: memory stays flat whatever their size.
 */
export async function validateBatchInput(
  source: BatchInputSource,
  options: ValidateBatchInputOptions = {},
): Promise<BatchInputReport> {
  const scanner = new JsonlScanner({
    endpoint: options.endpoint,
    maxProblems: options.maxProblems ?? 100,
    maxLineBytes: options.maxLineBytes ?? 32 * 1024 * 1024,
  });
  if ("path" in source) {
    const size = (await stat(source.path)).size;
    if (size > LIMITS.maxFileBytes) {
      return tooLarge(size);
    }
    await scanFile(source.path, scanner);
  } else {
    const bytes = "requests" in source ? serializeRequests(source.requests) : toBuffer(source.content);
    if (bytes.length > LIMITS.maxFileBytes) {
      return tooLarge(bytes.length);
    }
    scanner.push(bytes);
  }
  const sha256 = scanner.end();
  return {
    ok: scanner.problemCount === 0,
    problems: scanner.problems,
    problemCount: scanner.problemCount,
    lineCount: scanner.lineCount,
    bytes: scanner.bytes,
    ...(sha256 === undefined ? {} : { sha256 }),
    ...(scanner.model === undefined ? {} : { model: scanner.model }),
    embeddingInputs: scanner.embeddingInputs,
  };
}

/**
 * Reads the file into one buffer that is used again for every chunk (the scanner copies the
 * partial line it keeps), so memory stays flat however large the file is.
 */
async function scanFile(path: string, scanner: JsonlScanner): Promise<void> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0 || !scanner.push(buffer.subarray(0, bytesRead))) {
        return;
      }
    }
  } finally {
    await file.close();
  }
}

function toBuffer(content: string | Uint8Array): Buffer {
  return typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
}

function tooLarge(size: number): BatchInputReport {
  const megabytes = (size / (1024 * 1024)).toFixed(1);
  return {
    ok: false,
    problems: [
      {
        message: `the input is ${megabytes} MB; a batch input file may be at most ${LIMITS.maxFileBytes / (1024 * 1024)} MB, so split it into several batches`,
      },
    ],
    problemCount: 1,
    lineCount: 0,
    bytes: size,
    embeddingInputs: 0,
  };
}
