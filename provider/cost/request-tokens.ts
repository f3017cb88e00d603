import { type FunctionDefinition, functionsTokens, messagesTokens, type Tally } from "./chat-tokens";
import type { EncodingName } from "./encodings";
import { isOverStringLimit } from "./string-limit";
import type { TextCounter } from "./tokenizer";

/** The endpoints whose requests are counted. The others (moderations, images, videos) are priced per request or not at all. */
export const COUNTED_ENDPOINTS = [
  "/v1/chat/completions",
  "/v1/responses",
  "/v1/completions",
  "/v1/embeddings",
] as const;
export type CountedEndpoint = (typeof COUNTED_ENDPOINTS)[number];

export function isCountedEndpoint(endpoint: string): endpoint is CountedEndpoint {
  return (COUNTED_ENDPOINTS as readonly string[]).includes(endpoint);
}

/** The API's default `max_tokens` for /v1/completions, per the OpenAPI spec. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/** The tokens of one request. */
export interface RequestTokens {
  input: number;
  /** The most output the request can produce; undefined when it sets no limit. */
  maxOutput: number | undefined;
  /** Parts of the input that are not counted: images, audio, files, tools other than functions. */
  uncounted: number;
  /**
   * True when the request holds a string longer than the API takes (see string-limit.ts): it
   * will fail, so its tokens are not counted (all figures are 0).
   */
  refused?: boolean;
}

/**
 * Counts one request body of a counted endpoint. Pure: the encoding's counter is passed in.
 * Chat messages carry the API's framing (see chat-tokens.ts); a Responses request is counted the
 * same way, with `instructions` as a first message.
 */
export function countRequestTokens(
  endpoint: CountedEndpoint,
  body: Readonly<Record<string, unknown>>,
  encoding: EncodingName,
  count: TextCounter,
): RequestTokens {
  let refused = false;
  const counted = bodyTokens(endpoint, body, encoding, (text) => {
    if (isOverStringLimit(text)) {
      refused = true;
      return 0;
    }
    return count(text);
  });
  return refused ? { input: 0, maxOutput: 0, uncounted: 0, refused } : counted;
}

function bodyTokens(
  endpoint: CountedEndpoint,
  body: Readonly<Record<string, unknown>>,
  encoding: EncodingName,
  count: TextCounter,
): RequestTokens {
  switch (endpoint) {
    case "/v1/chat/completions":
      return chatTokens(body, encoding, count);
    case "/v1/responses":
      return responsesTokens(body, encoding, count);
    case "/v1/completions":
      return {
        input: promptTokens(body.prompt, count),
        maxOutput: (positiveInt(body.max_tokens) ?? COMPLETIONS_DEFAULT_MAX_TOKENS) * choices(body),
        uncounted: 0,
      };
    case "/v1/embeddings":
      return { input: promptTokens(body.input, count), maxOutput: 0, uncounted: 0 };
  }
}

function chatTokens(
  body: Readonly<Record<string, unknown>>,
  encoding: EncodingName,
  count: TextCounter,
): RequestTokens {
  const tally: Tally = { tokens: 0, uncounted: 0 };
  messagesTokens(Array.isArray(body.messages) ? body.messages : [], count, tally);
  const functions: FunctionDefinition[] = [];
  for (const tool of arrayOf(body.tools)) {
    const fn = recordOf(tool)?.function;
    if (fn !== undefined && fn !== null && typeof fn === "object") {
      functions.push(fn as FunctionDefinition);
    } else {
      tally.uncounted += 1;
    }
  }
  for (const fn of arrayOf(body.functions)) {
    functions.push((recordOf(fn) ?? {}) as FunctionDefinition);
  }
  tally.tokens += functionsTokens(functions, encoding, count);
  const limit = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  return {
    input: tally.tokens,
    maxOutput: limit === undefined ? undefined : limit * choices(body),
    uncounted: tally.uncounted,
  };
}

function responsesTokens(
  body: Readonly<Record<string, unknown>>,
  encoding: EncodingName,
  count: TextCounter,
): RequestTokens {
  const tally: Tally = { tokens: 0, uncounted: 0 };
  const messages: unknown[] = [];
  if (typeof body.instructions === "string" && body.instructions !== "") {
    messages.push({ role: "developer", content: body.instructions });
  }
  if (typeof body.input === "string") {
    messages.push({ role: "user", content: body.input });
  } else {
    messages.push(...arrayOf(body.input));
  }
  messagesTokens(messages, count, tally);
  const functions: FunctionDefinition[] = [];
  for (const tool of arrayOf(body.tools)) {
    const record = recordOf(tool);
    if (record?.type === "function") {
      functions.push(record as FunctionDefinition);
    } else {
      tally.uncounted += 1;
    }
  }
  tally.tokens += functionsTokens(functions, encoding, count);
  return { input: tally.tokens, maxOutput: positiveInt(body.max_output_tokens), uncounted: tally.uncounted };
}

/** A prompt or embedding input: a string, strings, token ids, or lists of token ids. */
function promptTokens(value: unknown, count: TextCounter): number {
  if (typeof value === "string") {
    return count(value);
  }
  if (!Array.isArray(value)) {
    return 0;
  }
  if (value.every((item) => typeof item === "number")) {
    return value.length;
  }
  let tokens = 0;
  for (const item of value) {
    tokens += typeof item === "string" ? count(item) : Array.isArray(item) ? item.length : 0;
  }
  return tokens;
}

/** How many answers a request asks for (`n`, or `best_of` for completions, whichever is larger). */
function choices(body: Readonly<Record<string, unknown>>): number {
  return Math.max(positiveInt(body.n) ?? 1, positiveInt(body.best_of) ?? 1);
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
