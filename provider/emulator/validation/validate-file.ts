import { stat } from "node:fs/promises";
import { LIMITS } from "../limits";
import { type EmulatorProfile, OPENAI_EMULATION } from "../profiles";
import type { BatchErrorEntry } from "../store/records";
import { checkLine, type LineRules, newLineCheckState } from "./check-line";
import { VALIDATION_CODES as CODES } from "./codes";
import { readLines } from "./line-reader";

export interface ValidationResult {
  /** Requests (lines) in the file. */
  lines: number;
  /** The model the requests name, if any. */
  model: string | undefined;
  /** Empty when the file is valid. */
  errors: BatchErrorEntry[];
  /** Where the file decides the endpoint (Azure): the endpoint its first line's url names. */
  endpoint?: string;
}

/**
 * Validates a batch input file line by line, as the real service does while a batch is
 * `validating`, without loading the file. Reports at most LIMITS.maxValidationErrors errors.
 */
export async function validateInputFile(
  path: string,
  batchEndpoint: string,
  profile: EmulatorProfile = OPENAI_EMULATION,
): Promise<ValidationResult> {
  const { size } = await stat(path);
  const mostBytes = profile.maxBatchFileBytes;
  const mostLines = profile.maxBatchLines;
  if (size > mostBytes) {
    return fileError(
      CODES.fileTooLarge,
      `The input file is ${size} bytes; a batch input file can be at most ${mostBytes} bytes (${mostBytes / (1024 * 1024)} MB).`,
    );
  }
  const state = newLineCheckState();
  const rules: LineRules = {
    maxCustomIdLength: profile.maxCustomIdLength,
    methodAndUrlOptional: !profile.linesNeedMethodAndUrl,
  };
  const errors: BatchErrorEntry[] = [];
  let lines = 0;
  let endpoint = batchEndpoint;
  let decided: string | undefined;
  let embeddingsReported = false;
  for await (const line of readLines(path)) {
    lines = line.number;
    if (line.number === 1 && profile.byteOrderMark !== undefined && line.text.charCodeAt(0) === 0xfeff) {
      return fileError(profile.byteOrderMark.code, profile.byteOrderMark.message);
    }
    if (line.number === 1 && profile.fileDecidesEndpoint) {
      const url = urlOf(line.text);
      decided = endpointOfUrl(profile, url) ?? batchEndpoint;
      endpoint = decided;
      // Either form of the url would do, but the file keeps to the one its first line carries.
      if (url !== undefined && profile.lineUrls[decided]?.includes(url)) rules.sameUrlAs = url;
    }
    if (line.number > mostLines) {
      errors.push({
        code: CODES.tooManyTasks,
        message: `The input file has more than ${mostLines} requests; a batch can have at most ${mostLines}.`,
        line: line.number,
        param: null,
      });
      break;
    }
    const problem = line.utf8
      ? checkLine(line.text, line.number, endpoint, state, profile.lineUrls[endpoint], rules)
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
  const { deployments } = profile;
  if (deployments !== undefined && state.model !== undefined && !deployments.has(state.model)) {
    errors.unshift({
      code: CODES.modelNotFound,
      message: `The deployment '${state.model}' does not exist. The 'model' of each line must name a Global Batch or Data Zone Batch deployment of this resource: ${[...deployments.keys()].join(", ")}.`,
      line: state.modelLine,
      param: "body.model",
    });
  }
  return {
    lines,
    model: state.model,
    errors: errors.slice(0, LIMITS.maxValidationErrors),
    ...(decided === undefined ? {} : { endpoint: decided }),
  };
}

/** The `url` of a line, when it is JSON with a string url. */
function urlOf(text: string): string | undefined {
  try {
    const url = (JSON.parse(text.replace(/^\uFEFF/, "")) as { url?: unknown }).url;
    return typeof url === "string" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint whose line urls include `url`. */
function endpointOfUrl(profile: EmulatorProfile, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return Object.keys(profile.lineUrls).find((endpoint) => profile.lineUrls[endpoint]?.includes(url));
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
