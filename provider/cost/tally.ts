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
  };
}

/** One request line's counts, with its model. Undefined for an endpoint that is not counted. */
export interface LineTokens extends RequestTokens {
  model: string | undefined;
}

/**
 * Counts one request line of a batch input file (`{"custom_id", "method", "url", "body"}`). A line
 * that is not a JSON object counts as a request of no tokens: validation reports it, not this.
 */
export function countRequestLine(line: string, endpoint: CountedEndpoint): LineTokens {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(line) as { body?: unknown };
    if (parsed.body !== null && typeof parsed.body === "object" && !Array.isArray(parsed.body)) {
      body = parsed.body as Record<string, unknown>;
    }
  } catch {
    // Counted as empty; `validateBatchInput` names the line.
  }
  return countRequestBody(body, endpoint);
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

/** Adds one request to a tally (in place). */
export function addToTally(tally: TokenTally, request: LineTokens): void {
  tally.requests += 1;
  tally.model ??= request.model;
  tally.inputTokens += request.input;
  tally.uncountedParts += request.uncounted;
  if (request.maxOutput === undefined) {
    tally.unboundedRequests += 1;
  } else {
    tally.maxOutputTokens += request.maxOutput;
  }
}

/** The tally of the lines of a JSONL text (blank lines are skipped, as the API does). */
export function tallyLines(lines: Iterable<string>, endpoint: string): TokenTally {
  const tally = emptyTally(endpoint);
  for (const line of lines) {
    if (line.trim() === "") {
      continue;
    }
    if (tally.endpoint === undefined) {
      tally.requests += 1;
    } else {
      addToTally(tally, countRequestLine(line, tally.endpoint));
    }
  }
  return tally;
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
  }
  return total;
}
