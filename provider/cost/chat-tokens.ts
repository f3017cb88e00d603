import type { EncodingName } from "./encodings";
import type { TextCounter } from "./tokenizer";

/**
 * How the chat models frame a conversation, as OpenAI's published counting recipe describes it:
 * every message costs 3 tokens besides its values, a `name` one more, and every reply is primed
 * with 3 tokens.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * The recipe's figures for function definitions, which the model reads in a format of its own:
 * a fixed cost per function (7 with o200k_base, 10 with cl100k_base), per property list, per
 * property, per enum, and at the end.
 */
const TOOL_FRAMING = {
  functionStart: { o200k_base: 7, cl100k_base: 10 },
  propertiesStart: 3,
  property: 3,
  enumStart: -3,
  enumItem: 3,
  end: 12,
} as const;

/** Counts what a message list, a tool list or a content part holds; `uncounted` sums what it cannot. */
export interface Tally {
  tokens: number;
  uncounted: number;
}

/** Content part types that carry no text the tokenizer can count: images, audio, files. */
const MEDIA_PARTS = new Set(["image_url", "input_image", "input_audio", "input_file", "file", "image_file"]);

/** The tokens of a list of messages (each a JSON object), with the reply priming. */
export function messagesTokens(messages: readonly unknown[], count: TextCounter, into: Tally): void {
  for (const message of messages) {
    into.tokens += TOKENS_PER_MESSAGE;
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      into.tokens += valueTokens(message, count);
      continue;
    }
    for (const [key, value] of Object.entries(message)) {
      into.tokens += key === "content" ? contentTokens(value, count, into) : valueTokens(value, count);
      if (key === "name") {
        into.tokens += TOKENS_PER_NAME;
      }
    }
  }
  into.tokens += REPLY_PRIMING_TOKENS;
}

/** A message's content: a string, or a list of parts of which only text (or a refusal's text) is counted. */
export function contentTokens(content: unknown, count: TextCounter, into: Tally): number {
  if (!Array.isArray(content)) {
    return valueTokens(content, count);
  }
  let tokens = 0;
  for (const part of content) {
    const record = part !== null && typeof part === "object" ? (part as Record<string, unknown>) : undefined;
    if (record !== undefined && typeof record.text === "string") {
      tokens += count(record.text);
    } else if (record !== undefined && typeof record.refusal === "string") {
      tokens += count(record.refusal);
    } else if (record !== undefined && MEDIA_PARTS.has(String(record.type))) {
      into.uncounted += 1;
    } else {
      tokens += valueTokens(part, count);
    }
  }
  return tokens;
}

/** A value that is not content: a string counts as text, anything else as its JSON. */
function valueTokens(value: unknown, count: TextCounter): number {
  if (value === null || value === undefined) {
    return 0;
  }
  return count(typeof value === "string" ? value : JSON.stringify(value));
}

/** A function definition, whatever the endpoint's wrapping (`{function: {...}}` or flat). */
export interface FunctionDefinition {
  name?: unknown;
  description?: unknown;
  parameters?: unknown;
}

/** The tokens of a list of function definitions, framed as the recipe says. */
export function functionsTokens(
  functions: readonly FunctionDefinition[],
  encoding: EncodingName,
  count: TextCounter,
): number {
  if (functions.length === 0) {
    return 0;
  }
  let tokens = 0;
  for (const fn of functions) {
    tokens += TOOL_FRAMING.functionStart[encoding];
    tokens += count(`${text(fn.name)}:${withoutFinalDot(text(fn.description))}`);
    const properties = propertiesOf(fn.parameters);
    if (properties.length > 0) {
      tokens += TOOL_FRAMING.propertiesStart;
      for (const [key, property] of properties) {
        tokens += TOOL_FRAMING.property;
        if (Array.isArray(property.enum)) {
          tokens += TOOL_FRAMING.enumStart;
          for (const item of property.enum) {
            tokens += TOOL_FRAMING.enumItem + count(text(item));
          }
        }
        tokens += count(`${key}:${text(property.type)}:${withoutFinalDot(text(property.description))}`);
      }
    }
  }
  return tokens + TOOL_FRAMING.end;
}

function propertiesOf(parameters: unknown): [string, Record<string, unknown>][] {
  if (parameters === null || typeof parameters !== "object") {
    return [];
  }
  const properties = (parameters as { properties?: unknown }).properties;
  if (properties === null || typeof properties !== "object") {
    return [];
  }
  return Object.entries(properties as Record<string, unknown>).map(([key, value]) => [
    key,
    value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {},
  ]);
}

function text(value: unknown): string {
  if (value === undefined || value === null) {
    return "";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function withoutFinalDot(value: string): string {
  return value.endsWith(".") ? value.slice(0, -1) : value;
}
