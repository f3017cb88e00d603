import { type EncodingName, encodingOf } from "./encodings";
import {
  type CountedEndpoint,
  countRequestTokens,
  isCountedEndpoint,
  type RequestTokens,
} from "./request-tokens";
import { textCounter } from "./tokenizer";

/** The counts of a set of requests. Tallies of parts of a file add up with `mergeTallies`. */
export interface TokenTally {
  /** The model of the requests (the first one seen); undefined when there are none. */
  model: string | undefined;
  /** The endpoint counted, or undefined when the endpoint is not one whose tokens are counted. */
  endpoint: CountedEndpoint | undefined;
  requests: number;
  inputTokens: number;
  /** The sum of the output limits of the requests that set one. */
  maxOutputTokens: number;
  /** Requests that set no output limit. */
  unboundedRequests: number;
  /** Content parts and tools that are not counted (images, audio, files, built-in tools). */
  uncountedParts: number;
  /** Lines that are not a JSON request with a `body` object; they count as no request. */
  invalidLines: number;
  /**
   * Requests that hold a string longer than the API takes (string-limit.ts): they will fail, and
   * are counted as requests but not their tokens.
   */
  refusedRequests: number;
  /** The 1-based line of the first such request, when known. */
  firstRefusedLine: number | undefined;
  /** The byte offset in the file of the first such request's line (resolved to a line by tallyFile). */
  firstRefusedByte: number | undefined;
}

export function emptyTally(endpoint: string): TokenTally {
  return {
    model: undefined,
    endpoint: isCountedEndpoint(endpoint) ? endpoint : undefined,
    requests: 0,
    inputTokens: 0,
    maxOutputTokens: 0,
    unboundedRequests: 0,
    uncountedParts: 0,
    invalidLines: 0,
    refusedRequests: 0,
    firstRefusedLine: undefined,
    firstRefusedByte: undefined,
  };
}

/** One request line's counts, with its model. Undefined for an endpoint that is not counted. */
export interface LineTokens extends RequestTokens {
  model: string | undefined;
}

/**
 * Counts one request line of a batch input file (`{"custom_id", "method", "url", "body"}`).
 * Undefined for a line that is not a JSON request with a `body` object (`validateBatchInput`
 * says what is wrong with it).
 */
export function countRequestLine(line: string, endpoint: CountedEndpoint): LineTokens | undefined {
  const body = bodyOf(line);
  return body === undefined ? undefined : countRequestBody(body, endpoint);
}

function bodyOf(line: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(line) as { body?: unknown } | null;
    const body = parsed?.body;
    return body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Counts one request body, with the encoding of its own model. */
export function countRequestBody(
  body: Readonly<Record<string, unknown>>,
  endpoint: CountedEndpoint,
): LineTokens {
  const model = typeof body.model === "string" ? body.model : undefined;
  const encoding: EncodingName = encodingOf(model).encoding;
  return { ...countRequestTokens(endpoint, body, encoding, textCounter(encoding)), model };
}

/** Adds one request to a tally (in place); `at` says where it is, for a request that is refused. */
export function addToTally(
  tally: TokenTally,
  request: LineTokens,
  at: { line?: number; byte?: number } = {},
): void {
  tally.requests += 1;
  tally.model ??= request.model;
  if (request.refused === true) {
    addRefused(tally, at);
    return;
  }
  tally.inputTokens += request.input;
  tally.uncountedParts += request.uncounted;
  if (request.maxOutput === undefined) {
    tally.unboundedRequests += 1;
  } else {
    tally.maxOutputTokens += request.maxOutput;
  }
}

/** Counts a request that holds a string longer than the API takes: a request, none of its tokens. */
export function addRefused(tally: TokenTally, at: { line?: number; byte?: number }): void {
  tally.refusedRequests += 1;
  if (tally.refusedRequests === 1) {
    tally.firstRefusedLine = at.line;
    tally.firstRefusedByte = at.byte;
  }
}

/** The tally of the lines of a JSONL text (blank lines are skipped, as the API does). */
export function tallyLines(lines: Iterable<string>, endpoint: string): TokenTally {
  const tally = emptyTally(endpoint);
  let line = 0;
  for (const text of lines) {
    line += 1;
    addLine(tally, text, { line });
  }
  return tally;
}

/** Adds one line of a JSONL input to a tally (in place); blank lines are skipped. */
export function addLine(tally: TokenTally, line: string, at: { line?: number; byte?: number } = {}): void {
  if (line.trim() === "") {
    return;
  }
  const body = bodyOf(line);
  if (body === undefined) {
    tally.invalidLines += 1;
  } else if (tally.endpoint === undefined) {
    tally.requests += 1;
    tally.model ??= typeof body.model === "string" ? body.model : undefined;
  } else {
    addToTally(tally, countRequestBody(body, tally.endpoint), at);
  }
}

/** The tally of tallies of consecutive parts of one input, in order. */
export function mergeTallies(endpoint: string, parts: readonly TokenTally[]): TokenTally {
  const total = emptyTally(endpoint);
  for (const part of parts) {
    total.model ??= part.model;
    total.requests += part.requests;
    total.inputTokens += part.inputTokens;
    total.maxOutputTokens += part.maxOutputTokens;
    total.unboundedRequests += part.unboundedRequests;
    total.uncountedParts += part.uncountedParts;
    total.invalidLines += part.invalidLines;
    if (part.refusedRequests > 0 && total.refusedRequests === 0) {
      total.firstRefusedLine = part.firstRefusedLine;
      total.firstRefusedByte = part.firstRefusedByte;
    }
    total.refusedRequests += part.refusedRequests;
  }
  return total;
}
