import type { BatchErrorEntry } from "../store/records";
import { VALIDATION_CODES as CODES } from "./codes";
import { MAX_LINE_DEPTH, nestsDeeperThan } from "./nesting";
import { holdsLoneSurrogate } from "./unicode";

/** What the validator remembers from line to line. */
export interface LineCheckState {
  /** custom_id → the line it first appeared on. */
  seenIds: Map<string, number>;
  /** The model of the first line that named one. */
  model: string | undefined;
  modelLine: number;
  /** Embedding inputs counted so far (for /v1/embeddings). */
  embeddingInputs: number;
}

export function newLineCheckState(): LineCheckState {
  return { seenIds: new Map(), model: undefined, modelLine: 0, embeddingInputs: 0 };
}

/** What a backend asks of a line beyond OpenAI's rules. */
export interface LineRules {
  /** Most characters in a `custom_id` (Together: 64); absent: no bound. */
  maxCustomIdLength?: number | undefined;
  /** `method` and `url` may be left out (Together's `{custom_id, body}` lines); when given, they are checked. */
  methodAndUrlOptional?: boolean;
  /** Every line must carry the url of line 1, where either form of it would do alone (Azure). */
  sameUrlAs?: string | undefined;
}

/**
 * Checks one line of a batch input file against the batch's endpoint (its `url` one of `urls`,
 * the endpoint itself by default) and the backend's `rules`; returns the first problem,
 * or undefined when the line is a valid request. Updates `state` (ids seen, model, input count).
 */
export function checkLine(
  text: string,
  line: number,
  endpoint: string,
  state: LineCheckState,
  urls: readonly string[] = [endpoint],
  rules: LineRules = {},
): BatchErrorEntry | undefined {
  const source = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (nestsDeeperThan(source)) {
    return error(
      CODES.invalidJsonLine,
      `This line nests objects and arrays more than ${MAX_LINE_DEPTH} levels deep. Flatten the request.`,
      line,
      null,
    );
  }
  let value: unknown;
  try {
    value = source.trim() === "" ? undefined : JSON.parse(source);
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return error(CODES.invalidJsonLine, "This line is not parseable as valid JSON.", line, null);
  }
  if (holdsLoneSurrogate(source, value)) {
    return error(
      CODES.invalidJsonLine,
      "This line contains a lone surrogate escape (such as \\ud800 without its pair), which is not valid Unicode.",
      line,
      null,
    );
  }
  const request = value as Record<string, unknown>;
  const optional = rules.methodAndUrlOptional === true ? ["method", "url"] : [];
  for (const field of ["custom_id", "method", "url", "body"]) {
    if (optional.includes(field) && request[field] === undefined) continue;
    if (request[field] === undefined || request[field] === null) {
      return error(CODES.missingRequiredParameter, `Missing required parameter: '${field}'.`, line, field);
    }
  }
  const customId = request.custom_id;
  if (typeof customId !== "string" || customId === "") {
    return error(CODES.invalidValue, "Invalid 'custom_id': expected a non-empty string.", line, "custom_id");
  }
  const most = rules.maxCustomIdLength;
  if (most !== undefined && customId.length > most) {
    return error(
      CODES.invalidValue,
      `Invalid 'custom_id': it is ${customId.length} characters long; a custom_id can be at most ${most} characters.`,
      line,
      "custom_id",
    );
  }
  // A line that leaves out `method` or `url` (where the backend allows it) runs the batch's endpoint.
  const given = (field: string) => request[field] !== undefined || !optional.includes(field);
  if (given("method") && request.method !== "POST") {
    return error(
      CODES.invalidMethod,
      `Invalid 'method': ${JSON.stringify(request.method)}. Only POST is supported.`,
      line,
      "method",
    );
  }
  if (
    rules.sameUrlAs !== undefined &&
    urls.includes(request.url as string) &&
    request.url !== rules.sameUrlAs
  ) {
    return error(
      CODES.invalidUrl,
      `The url ${JSON.stringify(request.url)} differs from line 1's url '${rules.sameUrlAs}'. Every request in a batch must use the same url.`,
      line,
      "url",
    );
  }
  if (given("url") && !urls.includes(request.url as string)) {
    return error(
      CODES.invalidUrl,
      `The url ${JSON.stringify(request.url)} does not match the batch endpoint '${endpoint}'. Every request in a batch must use the batch's endpoint.`,
      line,
      "url",
    );
  }
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return error(CODES.invalidValue, "Invalid 'body': expected an object.", line, "body");
  }
  const firstLine = state.seenIds.get(customId);
  if (firstLine !== undefined) {
    return error(
      CODES.duplicateCustomId,
      `The custom_id '${customId}' is already used on line ${firstLine}. The custom_id of each request in a batch must be unique.`,
      line,
      "custom_id",
    );
  }
  state.seenIds.set(customId, line);
  const model = (body as Record<string, unknown>).model;
  if (typeof model === "string") {
    if (state.model === undefined) {
      state.model = model;
      state.modelLine = line;
    } else if (model !== state.model) {
      return error(
        CODES.mismatchedModel,
        `The model '${model}' differs from the model '${state.model}' of line ${state.modelLine}. All requests in a batch must use the same model.`,
        line,
        "body.model",
      );
    }
  }
  if (endpoint === "/v1/embeddings")
    state.embeddingInputs += countInputs((body as Record<string, unknown>).input);
  return undefined;
}

/** Inputs in an embeddings request: one per string or token array. */
export function countInputs(input: unknown): number {
  if (!Array.isArray(input)) return input === undefined ? 0 : 1;
  if (input.length === 0) return 0;
  return typeof input[0] === "number" ? 1 : input.length;
}

function error(code: string, message: string, line: number | null, param: string | null): BatchErrorEntry {
  return { code, message, line, param };
}
