import type { FileHandle } from "node:fs/promises";
import { LIMITS } from "../../contract";
import type { LineProblem } from "./line-problem";
import { openInputFile } from "./open-input-file";
import { JsonlScanner } from "./scanner";
import { serializeRequests } from "./serialize";
import { findNonFiniteNumber } from "./text-rules";

/**
 * Where the JSONL comes from: a file on disk, inline request objects, the bytes themselves, or a
 * stream of bytes (such as stdin).
 */
export type BatchInputSource =
  | { path: string }
  | { requests: readonly unknown[] }
  | { content: string | Uint8Array }
  | { stream: AsyncIterable<Uint8Array | string> };

export interface ValidateBatchInputOptions {
  /** The batch endpoint; when absent (not known yet), the checks that need it are skipped. */
  endpoint?: string;
  /** When `endpoint` is absent, check against the url of the first line that has one. */
  endpointFromFirstLine?: boolean;
  /** How many problems to list; all are counted. Default 100. */
  maxProblems?: number;
  /** Longer lines are reported without being held in memory. Default 32 MiB. */
  maxLineBytes?: number;
}

export interface BatchInputReport {
  ok: boolean;
  /** The endpoint the lines were checked against, when one was given or taken from the first line. */
  endpoint?: string;
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
 * Checks a batch input the way `check` does, without Pulumi and without any network call: UTF-8
 * JSON on every line, the fields each request and its endpoint need, one endpoint, unique custom
 * ids, one model, and the Batch API's size limits. Files and streams are read in chunks and
 * reading stops at the limits, so memory stays flat and a source that never ends is cut off. A
 * file that cannot be read, or is not a regular file, throws `BatchInputFileError`.
 *
 * For inline `requests`, problems name the request as `requests[4]` (line 5 of the upload).
 */
export async function validateBatchInput(
  source: BatchInputSource,
  options: ValidateBatchInputOptions = {},
): Promise<BatchInputReport> {
  const scanner = new JsonlScanner({
    endpoint: options.endpoint,
    ...(options.endpointFromFirstLine === undefined
      ? {}
      : { endpointFromFirstLine: options.endpointFromFirstLine }),
    ...("requests" in source ? { lineName: (line: number) => `requests[${line - 1}]` } : {}),
    maxProblems: options.maxProblems ?? 100,
    maxLineBytes: options.maxLineBytes ?? 32 * 1024 * 1024,
  });
  if ("path" in source) {
    const { handle, size } = await openInputFile(source.path);
    try {
      if (size > LIMITS.maxFileBytes) {
        return tooLarge(size);
      }
      await scanFile(handle, scanner);
    } finally {
      await handle.close();
    }
  } else if ("stream" in source) {
    for await (const chunk of source.stream) {
      if (!scanner.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk))) {
        break;
      }
    }
  } else {
    if ("requests" in source) {
      reportUnserializable(source.requests, scanner);
    }
    const bytes = "requests" in source ? serializeRequests(source.requests) : toBuffer(source.content);
    if (bytes.length > LIMITS.maxFileBytes) {
      return tooLarge(bytes.length);
    }
    scanner.push(bytes);
  }
  const sha256 = scanner.end();
  return {
    ok: scanner.problemCount === 0,
    ...(scanner.endpoint === undefined ? {} : { endpoint: scanner.endpoint }),
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
async function scanFile(file: FileHandle, scanner: JsonlScanner): Promise<void> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0 || !scanner.push(buffer.subarray(0, bytesRead))) {
      return;
    }
  }
}

/**
 * Values JSON text cannot carry as they are: NaN and Infinity would be uploaded as null, and a
 * lone surrogate is not text. Inline requests are checked before they are serialized.
 */
function reportUnserializable(requests: readonly unknown[], scanner: JsonlScanner): void {
  requests.forEach((request, index) => {
    const bad = findNonFiniteNumber(request);
    if (bad !== undefined) {
      scanner.report({
        line: index + 1,
        ...(bad.path === "" ? {} : { field: bad.path }),
        message: `${bad.path === "" ? `requests[${index}]` : bad.path} ${bad.problem}`,
      });
    }
  });
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
        message: `the input is ${megabytes} MB; a batch input file may be at most ${LIMITS.maxFileBytes / (1024 * 1024)} MB, so split it into several batches, or give it to BatchSet, which splits it into batches for you`,
      },
    ],
    problemCount: 1,
    lineCount: 0,
    bytes: size,
    embeddingInputs: 0,
  };
}
