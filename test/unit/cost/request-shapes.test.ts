/**
 * Request bodies of the shapes the counting must take apart without failing: values that are not
 * the usual objects (null, strings, numbers, a value left undefined by a program), tools and
 * functions with parts missing, limits of 0, and how the tallies of lines and of parts of a file
 * add up, refused requests included. The expected counts are written out with the same recipe
 * (chat-tokens.ts) over the package's own counter, whose counts token-counts.test.ts checks.
 */
import { describe, expect, test } from "vitest";
import { MAX_STRING_CHARS } from "../../../provider/cost/string-limit";
import {
  addToTally,
  countRequestBody,
  emptyTally,
  mergeTallies,
  type TokenTally,
  tallyLines,
} from "../../../provider/cost/tally";
import { textCounter } from "../../../provider/cost/tokenizer";

const CHAT = "/v1/chat/completions";
const MODEL = "gpt-4o-mini";
const count = textCounter("o200k_base");
/** Every message costs 3 tokens besides its values, and the reply is primed with 3. */
const framed = (...messages: number[]) => messages.reduce((sum, values) => sum + 3 + values, 0) + 3;
/** A function's fixed cost with o200k_base, and the end of a tool list. */
const FUNCTION = 7;
const TOOLS_END = 12;

const chat = (body: Record<string, unknown>) => countRequestBody({ model: MODEL, ...body }, CHAT);

describe("chat messages of other shapes", () => {
  test("a message that is not an object counts as its text or JSON; null counts nothing", () => {
    expect(chat({ messages: ["hello there", 42, null] }).input).toBe(
      framed(count("hello there"), count("42"), 0),
    );
  });

  test("a list under another key than content counts as its JSON, not as content parts", () => {
    const toolCalls = [
      { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
      { id: "call_2", type: "image_url", image_url: { url: "https://example.com/x.png" } },
    ];
    const counted = chat({ messages: [{ role: "assistant", content: null, tool_calls: toolCalls }] });
    expect(counted).toMatchObject({
      input: framed(count("assistant") + count(JSON.stringify(toolCalls))),
      uncounted: 0,
    });
  });

  test("content parts: null nothing, text and numbers as text, a refusal's text, others as JSON", () => {
    const other = { type: "custom", data: { a: 1 } };
    const content = [null, "plain text", 7, { type: "refusal", refusal: "Je ne peux pas." }, other];
    expect(chat({ messages: [{ role: "user", content }] })).toMatchObject({
      input: framed(
        count("user") +
          count("plain text") +
          count("7") +
          count("Je ne peux pas.") +
          count(JSON.stringify(other)),
      ),
      uncounted: 0,
    });
  });

  test("a value a program left undefined counts nothing, as JSON drops it", () => {
    const counted = chat({
      messages: [
        { role: "user", content: undefined, name: undefined },
        { role: "user", content: [undefined] },
      ],
    });
    // `name` costs its 1 token even when empty.
    expect(counted.input).toBe(framed(count("user") + 1, count("user")));
  });

  test.each(["image_url", "input_image", "input_audio", "input_file", "file", "image_file"])(
    "a %s part is not counted, and is reported",
    (type) => {
      const counted = chat({
        messages: [{ role: "user", content: [{ type, [type]: { url: "x", data: "AAAA" } }] }],
      });
      expect(counted).toMatchObject({ input: framed(count("user")), uncounted: 1 });
    },
  );

  test("a request without messages counts the reply priming only", () => {
    expect(chat({}).input).toBe(3);
  });
});

describe("function definitions with parts missing", () => {
  test("no description or parameters, null ones, and properties that are not objects count as nothing", () => {
    const functions = [
      { name: "ping" },
      { name: "look", description: null, parameters: null },
      { name: "find", description: "Finds.", parameters: { properties: null } },
      { name: "list", description: "Lists", parameters: { properties: "ab" } },
      {
        name: "pick",
        description: "Picks one.",
        parameters: {
          type: "object",
          properties: {
            item: null,
            size: { type: "integer", description: null },
            note: { description: null },
          },
        },
      },
    ];
    const counted = chat({ tools: functions.map((fn) => ({ type: "function", function: fn })) });
    const expected =
      FUNCTION +
      count("ping:") +
      FUNCTION +
      count("look:") +
      FUNCTION +
      count("find:Finds") +
      FUNCTION +
      count("list:Lists") +
      FUNCTION +
      count("pick:Picks one") +
      3 +
      (3 + count("item::")) +
      (3 + count("size:integer:")) +
      (3 + count("note::")) +
      TOOLS_END;
    expect(counted).toMatchObject({ input: framed() + expected, uncounted: 0 });
  });

  test("tools whose function is missing, null or not an object are reported as not counted", () => {
    const tools = [
      { type: "code_interpreter" },
      { type: "function", function: null },
      { type: "function", function: "f" },
    ];
    expect(chat({ tools })).toMatchObject({ input: framed(), uncounted: 3 });
  });

  test("the legacy functions list counts each entry, one that is not an object as an empty function", () => {
    const counted = chat({ functions: [{ name: "old", description: "Old style." }, "junk"] });
    expect(counted.input).toBe(
      framed() + FUNCTION + count("old:Old style") + FUNCTION + count(":") + TOOLS_END,
    );
  });
});

describe("limits and inputs", () => {
  test.each([
    [0, 0],
    [5, 5],
    [-1, undefined],
    [2.5, undefined],
    ["10", undefined],
  ])("max_completion_tokens %j gives at most %j output tokens", (limit, maxOutput) => {
    expect(chat({ messages: [], max_completion_tokens: limit }).maxOutput).toBe(maxOutput);
  });

  test("empty instructions add no message to a responses request", () => {
    const counted = countRequestBody({ model: MODEL, instructions: "", input: "hi" }, "/v1/responses");
    expect(counted.input).toBe(framed(count("user") + count("hi")));
  });

  test("a prompt that mixes token ids with text counts the text and the lists of ids", () => {
    const counted = countRequestBody(
      { model: "gpt-3.5-turbo-instruct", prompt: ["one two three", 7, [1, 2]], max_tokens: 1 },
      "/v1/completions",
    );
    // Three tokens of text and two ids: not the three items of a list of ids.
    expect(counted.input).toBe(textCounter("cl100k_base")("one two three") + 2);
    expect(counted.input).toBe(5);
  });
});

describe("lines of a file", () => {
  const line = (body: unknown) => JSON.stringify({ custom_id: "x", method: "POST", url: CHAT, body });
  const messages = [{ role: "user", content: [{ type: "text", text: "Quoi ?" }, { type: "image_url" }] }];
  const one = framed(count("user") + count("Quoi ?"));

  test("a line of white space is skipped; a body that is null or not an object is an invalid line", () => {
    const tally = tallyLines([" \t ", line(null), line("text"), line({ model: MODEL, messages })], CHAT);
    expect(tally).toMatchObject({ requests: 1, invalidLines: 2, inputTokens: one, uncountedParts: 1 });
  });

  test("requests with a string over the API's limit are refused, the first named by its line", () => {
    const long = line({
      model: MODEL,
      messages: [{ role: "user", content: "a".repeat(MAX_STRING_CHARS + 1) }],
    });
    const tally = tallyLines([line({ model: MODEL, messages, max_tokens: 4 }), long, "", long], CHAT);
    expect(tally).toEqual({
      model: MODEL,
      endpoint: CHAT,
      requests: 3,
      inputTokens: one,
      maxOutputTokens: 4,
      unboundedRequests: 0,
      uncountedParts: 1,
      invalidLines: 0,
      refusedRequests: 2,
      firstRefusedLine: 2,
      firstRefusedByte: undefined,
    });
  });

  test("a refused request added with its byte offset keeps the first one's", () => {
    const tally = emptyTally(CHAT);
    const refused = { model: MODEL, input: 0, maxOutput: 0, uncounted: 0, refused: true };
    addToTally(tally, refused, { byte: 120 });
    addToTally(tally, refused, { byte: 900 });
    expect(tally).toMatchObject({ requests: 2, refusedRequests: 2, firstRefusedByte: 120, inputTokens: 0 });
  });
});

describe("tallies of parts of a file", () => {
  const part = (fields: Partial<TokenTally>): TokenTally => ({ ...emptyTally(CHAT), ...fields });

  test("add up, keep the first model, and the first refused request of the first part that has one", () => {
    const parts = [
      part({ requests: 0 }),
      part({ model: "gpt-4o", requests: 3, inputTokens: 40, maxOutputTokens: 20, unboundedRequests: 1 }),
      part({
        model: "gpt-4o",
        requests: 2,
        uncountedParts: 2,
        invalidLines: 1,
        refusedRequests: 1,
        firstRefusedLine: 7,
        firstRefusedByte: 300,
      }),
      part({
        model: "gpt-4.1",
        requests: 4,
        inputTokens: 5,
        refusedRequests: 2,
        firstRefusedLine: 12,
        firstRefusedByte: 800,
      }),
    ];
    expect(mergeTallies(CHAT, parts)).toEqual({
      model: "gpt-4o",
      endpoint: CHAT,
      requests: 9,
      inputTokens: 45,
      maxOutputTokens: 20,
      unboundedRequests: 1,
      uncountedParts: 2,
      invalidLines: 1,
      refusedRequests: 3,
      firstRefusedLine: 7,
      firstRefusedByte: 300,
    });
  });

  test("of an endpoint that is not counted have no endpoint", () => {
    expect(mergeTallies("/v1/moderations", [part({ requests: 1 })])).toMatchObject({
      endpoint: undefined,
      requests: 1,
    });
  });
});
