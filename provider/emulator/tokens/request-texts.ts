import type { TiktokenEncodingName } from "./encoding";

/**
 * What the input of a request is made of, for its `usage`: the texts the model reads, and the
 * tokens that come with no text (a conversation's framing, prompts given as token ids).
 *
 * Chat follows OpenAI's published counting recipe ("How to count tokens with tiktoken", OpenAI
 * Cookbook): each message costs 3 tokens and the tokens of each of its values, a `name` 1 more,
 * and the reply is primed with 3; function definitions are read as `name:description` and
 * `property:type:description` lines, with 7 tokens a function for o200k_base (10 for older
 * encodings), 3 for a property list, 3 a property, 3 an enum value less 3 an enum, and 12 at the
 * end. The recipe counts string values; here a value that is not a string is read as its JSON.
 * A content part is read by its text (`text`, `refusal`); images, audio and files are not text and
 * count nothing. Responses requests are read the same way: `instructions` as a first (developer)
 * message, a string `input` as a user message, a list as its messages. Completions and embeddings
 * read their `prompt` and `input`: texts, or token ids counted one each.
 */
export interface RequestTexts {
  texts: string[];
  /** Tokens that come with no text. */
  fixed: number;
}

const MESSAGE_TOKENS = 3;
const NAME_TOKENS = 1;
const REPLY_PRIMING_TOKENS = 3;
const FUNCTION_TOKENS = { o200k_base: 7, other: 10 };
const PROPERTIES_TOKENS = 3;
const PROPERTY_TOKENS = 3;
const ENUM_TOKENS = -3;
const ENUM_VALUE_TOKENS = 3;
const FUNCTIONS_END_TOKENS = 12;

const NOT_TEXT_PARTS = new Set([
  "image_url",
  "input_image",
  "input_audio",
  "input_file",
  "file",
  "image_file",
]);

/** The input of a request to an endpoint whose usage is counted in tokens; undefined for the others. */
export function inputTexts(
  endpoint: string,
  body: Readonly<Record<string, unknown>>,
  encoding: TiktokenEncodingName,
): RequestTexts | undefined {
  const input: RequestTexts = { texts: [], fixed: 0 };
  switch (endpoint) {
    case "/v1/chat/completions": {
      readConversation(asList(body.messages), input);
      const functions = asList(body.tools).flatMap((tool) => {
        const definition = asRecord(tool)?.function;
        return asRecord(definition) === undefined ? [] : [definition as Record<string, unknown>];
      });
      for (const legacy of asList(body.functions)) {
        const definition = asRecord(legacy);
        if (definition !== undefined) functions.push(definition);
      }
      readFunctions(functions, encoding, input);
      return input;
    }
    case "/v1/responses": {
      const conversation: unknown[] = [];
      if (typeof body.instructions === "string" && body.instructions.length > 0) {
        conversation.push({ role: "developer", content: body.instructions });
      }
      if (typeof body.input === "string") conversation.push({ role: "user", content: body.input });
      else conversation.push(...asList(body.input));
      readConversation(conversation, input);
      const functions = asList(body.tools).filter((tool) => asRecord(tool)?.type === "function");
      readFunctions(functions as Record<string, unknown>[], encoding, input);
      return input;
    }
    case "/v1/completions":
      readPrompt(body.prompt, input);
      return input;
    case "/v1/embeddings":
      readPrompt(body.input, input);
      return input;
    default:
      return undefined;
  }
}

function readConversation(messages: readonly unknown[], into: RequestTexts): void {
  for (const message of messages) {
    into.fixed += MESSAGE_TOKENS;
    const fields = asRecord(message);
    if (fields === undefined) {
      pushValue(message, into);
      continue;
    }
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (key === "content" && Array.isArray(value)) {
        for (const part of value) readPart(part, into);
      } else {
        pushValue(value, into);
      }
      if (key === "name") into.fixed += NAME_TOKENS;
    }
  }
  into.fixed += REPLY_PRIMING_TOKENS;
}

function readPart(part: unknown, into: RequestTexts): void {
  const fields = asRecord(part);
  if (fields !== undefined && typeof fields.text === "string") into.texts.push(fields.text);
  else if (fields !== undefined && typeof fields.refusal === "string") into.texts.push(fields.refusal);
  else if (fields === undefined || !NOT_TEXT_PARTS.has(String(fields.type))) pushValue(part, into);
}

function readFunctions(
  functions: readonly Record<string, unknown>[],
  encoding: TiktokenEncodingName,
  into: RequestTexts,
): void {
  if (functions.length === 0) return;
  for (const definition of functions) {
    into.fixed += encoding === "o200k_base" ? FUNCTION_TOKENS.o200k_base : FUNCTION_TOKENS.other;
    into.texts.push(`${plain(definition.name)}:${withoutFinalPeriod(plain(definition.description))}`);
    const properties = asRecord(asRecord(definition.parameters)?.properties);
    const names = properties === undefined ? [] : Object.keys(properties);
    if (names.length === 0) continue;
    into.fixed += PROPERTIES_TOKENS;
    for (const name of names) {
      const property = asRecord(properties![name]) ?? {};
      into.fixed += PROPERTY_TOKENS;
      if (Array.isArray(property.enum)) {
        into.fixed += ENUM_TOKENS;
        for (const value of property.enum) {
          into.fixed += ENUM_VALUE_TOKENS;
          into.texts.push(plain(value));
        }
      }
      into.texts.push(`${name}:${plain(property.type)}:${withoutFinalPeriod(plain(property.description))}`);
    }
  }
  into.fixed += FUNCTIONS_END_TOKENS;
}

/** A prompt or an embedding input: text, texts, token ids, or lists of token ids. */
function readPrompt(prompt: unknown, into: RequestTexts): void {
  if (typeof prompt === "string") {
    into.texts.push(prompt);
    return;
  }
  if (!Array.isArray(prompt)) return;
  if (prompt.every((item) => typeof item === "number")) {
    into.fixed += prompt.length;
    return;
  }
  for (const item of prompt) {
    if (typeof item === "string") into.texts.push(item);
    else if (Array.isArray(item)) into.fixed += item.length;
  }
}

function pushValue(value: unknown, into: RequestTexts): void {
  if (value === null || value === undefined) return;
  into.texts.push(typeof value === "string" ? value : JSON.stringify(value));
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function withoutFinalPeriod(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
