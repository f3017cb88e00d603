import { stat } from "node:fs/promises";
import { LIMITS } from "../limits";
import type { BatchErrorEntry } from "../store/records";
import { checkLine, newLineCheckState } from "./check-line";
import { VALIDATION_CODES as CODES } from "./codes";
import { readLines } from "./line-reader";

export interface ValidationResult {
  /** Requests (lines) in the file. */
  lines: number;
  /** The model the requests name, if any. */
  model: string | undefined;
  /** Empty when the file is valid. */
  errors: BatchErrorEntry[];
}

/**
 * Validates a batch input file line by line, as the real service does while a batch is
 * `validating`, without loading the file. Reports at most LIMITS.maxValidationErrors errors.
 */
export async function validateInputFile(path: string, endpoint: string): Promise<ValidationResult> {
  const { size } = await stat(path);
  if (size > LIMITS.maxBatchFileBytes) {
    return fileError(
      CODES.fileTooLarge,
      `The input file is ${size} bytes; a batch input file can be at most ${LIMITS.maxBatchFileBytes} bytes (200 MB).`,
    );
  }
  const state = newLineCheckState();
  const errors: BatchErrorEntry[] = [];
  let lines = 0;
  let embeddingsReported = false;
  for await (const line of readLines(path)) {
    lines = line.number;
    if (line.number > LIMITS.maxBatchLines) {
      errors.push({
        code: CODES.tooManyTasks,
        message: `The input file has more than ${LIMITS.maxBatchLines} requests; a batch can have at most ${LIMITS.maxBatchLines}.`,
        line: line.number,
        param: null,
      });
      break;
    }
    const problem = line.utf8
      ? checkLine(line.text, line.number, endpoint, state)
      : {
          code: CODES.invalidJsonLine,
          message: "This line is not valid UTF-8. Input files must be encoded as UTF-8.",
          line: line.number,
          param: null,
        };
    if (problem !== undefined) errors.push(problem);
    if (!embeddingsReported && state.embeddingInputs > LIMITS.maxEmbeddingInputs) {
      embeddingsReported = true;
      errors.push({
        code: CODES.tooManyEmbeddingInputs,
        message: `The batch has more than ${LIMITS.maxEmbeddingInputs} embedding inputs in all; an /v1/embeddings batch can have at most ${LIMITS.maxEmbeddingInputs}.`,
        line: line.number,
        param: "body.input",
      });
    }
    if (errors.length >= LIMITS.maxValidationErrors) break;
  }
  if (lines === 0) {
    return fileError(
      CODES.emptyFile,
      "The input file is empty. A batch input file must have at least one request.",
    );
  }
  return { lines, model: state.model, errors: errors.slice(0, LIMITS.maxValidationErrors) };
}

/** Counts the lines of a file and finds its model, without judging it (for forced statuses). */
export async function surveyInputFile(path: string): Promise<{ lines: number; model: string | undefined }> {
  let lines = 0;
  let model: string | undefined;
  for await (const line of readLines(path)) {
    lines = line.number;
    if (model === undefined) {
      try {
        const body = (JSON.parse(line.text) as { body?: { model?: unknown } }).body;
        if (typeof body?.model === "string") model = body.model;
      } catch {
        // Not JSON: nothing to learn from this line.
      }
    }
  }
  return { lines, model };
}

function fileError(code: string, message: string): ValidationResult {
  return { lines: 0, model: undefined, errors: [{ code, message, line: null, param: null }] };
}
