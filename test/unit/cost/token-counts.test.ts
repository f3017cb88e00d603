import { get_encoding } from "tiktoken";
import { beforeAll, describe, expect, test } from "vitest";
import { type EncodingName, encodingOf } from "../../../provider/cost/encodings";
import { countRequestBody, tallyLines } from "../../../provider/cost/tally";
import { textCounter } from "../../../provider/cost/tokenizer";

// Reference counts come from two other implementations of the same encodings: js-tiktoken (a
// JavaScript port) and tiktoken (OpenAI's Rust core compiled to WASM). Special-token text counts
// as plain text, as it does in the API.
type JsTiktoken = typeof import("js-tiktoken", { with: { "resolution-mode": "import" }});
let jsTiktoken: JsTiktoken;
beforeAll(async () => {
  // js-tiktoken is an ES module; this test file is CommonJS.
  jsTiktoken = await import("js-tiktoken");
});
const jsRef = new Map<EncodingName, ReturnType<JsTiktoken["getEncoding"]>>();
const reference = (encoding: EncodingName) => (text: string) => {
  let enc = jsRef.get(encoding);
  if (enc === undefined) {
    enc = jsTiktoken.getEncoding(encoding);
    jsRef.set(encoding, enc);
  }
  return enc.encode(text, [], []).length;
};
const wasmRef = (encoding: EncodingName) => {
  const enc = get_encoding(encoding);
  return (text: string) => enc.encode(text, [], []).length;
};

const TEXTS: [string, string][] = [
  ["plain English", "Summarise the customer's ticket in one sentence, please."],
  ["accents", "Crème brûlée, naïve café, Straße, façade, São Paulo, Ærøskøbing"],
  ["CJK", "東京の天気は晴れです。今日는 날씨가 좋네요. 北京欢迎你"],
  ["Arabic and Hebrew", "مرحبا بالعالم — שלום עולם"],
  ["emoji with joiners and flags", "🎉👩‍👩‍👧‍👦🏳️‍🌈🇫🇷 ok 👍🏽"],
  ["special-token text", "before <|endoftext|> after <|im_start|>"],
  ["code and whitespace", "function f(x) {\n\treturn x  +  1;   \n}\n\n\n    // done"],
  ["digits", "3.14159265358979 1234567890 0x1F 1e-10"],
];

describe("text counts equal the reference tokenizers", () => {
  describe.each<EncodingName>(["o200k_base", "cl100k_base"])("%s", (encoding) => {
    const wasm = wasmRef(encoding);
    test.each(TEXTS)("%s", (_label, text) => {
      const expected = reference(encoding)(text);
      expect(textCounter(encoding)(text)).toBe(expected);
      expect(wasm(text)).toBe(expected);
    });
  });
});

describe("the model's encoding", () => {
  test.each([
    ["gpt-4o-mini", "o200k_base", true],
    ["gpt-4o-2024-08-06", "o200k_base", true],
    ["GPT-4o-Mini", "o200k_base", true],
    ["chatgpt-4o-latest", "o200k_base", true],
    ["gpt-4.5-preview", "o200k_base", true],
    ["o1", "o200k_base", true],
    ["gpt-oss-120b", "o200k_base", true],
    ["omni-moderation-latest", "o200k_base", true],
    ["gpt-4.1-nano", "o200k_base", true],
    ["gpt-5-mini", "o200k_base", true],
    ["o3", "o200k_base", true],
    ["o4-mini", "o200k_base", true],
    ["ft:gpt-4o-mini-2024-07-18:org::abc", "o200k_base", true],
    ["gpt-4-turbo", "cl100k_base", true],
    ["gpt-3.5-turbo-0125", "cl100k_base", true],
    ["text-embedding-3-small", "cl100k_base", true],
    ["text-embedding-ada-002", "cl100k_base", true],
    ["davinci-002", "cl100k_base", true],
    ["babbage-002", "cl100k_base", true],
    ["ft:gpt-3.5-turbo-0125:org::xyz", "cl100k_base", true],
    ["some-future-model", "o200k_base", false],
  ])("%s uses %s", (model, encoding, known) => {
    expect(encodingOf(model)).toEqual({ encoding, known });
  });

  test("a request without a model is counted with o200k_base, as a guess", () => {
    expect(encodingOf(undefined)).toEqual({ encoding: "o200k_base", known: false });
  });
});

describe("an encoding's counter", () => {
  test.each<EncodingName>(["o200k_base", "cl100k_base"])(
    "%s is made once, and counts empty text as 0",
    (encoding) => {
      expect(textCounter(encoding)).toBe(textCounter(encoding));
      expect(textCounter(encoding)("")).toBe(0);
    },
  );
});

/** The published counting recipe, written out plainly against the reference tokenizer. */
function referenceChat(
  messages: Record<string, unknown>[],
  encoding: EncodingName,
): { tokens: number; images: number } {
  const count = reference(encoding);
  let tokens = 3;
  let images = 0;
  for (const message of messages) {
    tokens += 3;
    for (const [key, value] of Object.entries(message)) {
      if (typeof value === "string") {
        tokens += count(value);
      } else if (Array.isArray(value)) {
        for (const part of value as { type: string; text?: string }[]) {
          if (part.type === "text" || part.type === "input_text") tokens += count(part.text ?? "");
          else images += 1;
        }
      }
      if (key === "name") tokens += 1;
    }
  }
  return { tokens, images };
}

interface Fn {
  name: string;
  description: string;
  parameters: { properties: Record<string, { type: string; description: string; enum?: string[] }> };
}

function referenceTools(functions: Fn[], encoding: EncodingName): number {
  const count = reference(encoding);
  const trim = (s: string) => (s.endsWith(".") ? s.slice(0, -1) : s);
  let tokens = 0;
  for (const fn of functions) {
    tokens += encoding === "o200k_base" ? 7 : 10;
    tokens += count(`${fn.name}:${trim(fn.description)}`);
    const props = Object.entries(fn.parameters.properties);
    if (props.length > 0) {
      tokens += 3;
      for (const [key, prop] of props) {
        tokens += 3;
        if (prop.enum) {
          tokens -= 3;
          for (const item of prop.enum) tokens += 3 + count(item);
        }
        tokens += count(`${key}:${prop.type}:${trim(prop.description)}`);
      }
    }
  }
  return functions.length > 0 ? tokens + 12 : tokens;
}

const WEATHER: Fn = {
  name: "get_weather",
  description: "Gets the weather of a city.",
  parameters: {
    properties: {
      city: { type: "string", description: "The city, e.g. Zürich or 東京." },
      unit: { type: "string", description: "The unit", enum: ["celsius", "fahrenheit"] },
    },
  },
};
const NO_PARAMS: Fn = { name: "now", description: "The time 🕒", parameters: { properties: {} } };

const CHAT_MESSAGES: Record<string, unknown>[] = [
  { role: "system", content: "You are terse. Réponds en français si on te parle français." },
  { role: "user", name: "ana", content: "Quel temps fait-il à Zürich ? 🌦️" },
  { role: "assistant", content: "Il pleut." },
];

describe("chat completions requests", () => {
  describe.each([
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4-turbo", "cl100k_base"],
  ] as const)("%s", (model, encoding) => {
    test("messages carry 3 tokens each, a name 1 more, and 3 for the reply", () => {
      const counted = countRequestBody(
        { model, messages: CHAT_MESSAGES, max_tokens: 50 },
        "/v1/chat/completions",
      );
      expect(counted).toEqual({
        model,
        input: referenceChat(CHAT_MESSAGES, encoding).tokens,
        maxOutput: 50,
        uncounted: 0,
      });
    });

    test("tool definitions are counted with the recipe's framing", () => {
      const tools = [WEATHER, NO_PARAMS].map((fn) => ({ type: "function", function: fn }));
      const counted = countRequestBody({ model, messages: CHAT_MESSAGES, tools }, "/v1/chat/completions");
      expect(counted.input).toBe(
        referenceChat(CHAT_MESSAGES, encoding).tokens + referenceTools([WEATHER, NO_PARAMS], encoding),
      );
      expect(counted.maxOutput).toBeUndefined();
    });

    test("images in content are reported as not counted; their text is counted", () => {
      const messages = [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture? Qu'y a-t-il ?" },
            { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ];
      const expected = referenceChat(messages, encoding);
      const counted = countRequestBody(
        { model, messages, max_completion_tokens: 10, n: 3 },
        "/v1/chat/completions",
      );
      expect(counted).toEqual({ model, input: expected.tokens, maxOutput: 30, uncounted: 2 });
    });
  });
});

describe("responses requests", () => {
  test("instructions count as a first message, input items as messages, images as not counted", () => {
    const input = [
      {
        role: "user",
        content: [
          { type: "input_text", text: "Décris l'image 🙂" },
          { type: "input_image", image_url: "https://example.com/a.png" },
        ],
      },
    ];
    const counted = countRequestBody(
      {
        model: "gpt-5-mini",
        instructions: "Be brief.",
        input,
        max_output_tokens: 200,
        tools: [{ type: "function", ...WEATHER }, { type: "web_search" }],
      },
      "/v1/responses",
    );
    const expected = referenceChat([{ role: "developer", content: "Be brief." }, ...input], "o200k_base");
    expect(counted).toEqual({
      model: "gpt-5-mini",
      input: expected.tokens + referenceTools([WEATHER], "o200k_base"),
      maxOutput: 200,
      uncounted: 2,
    });
  });

  test("a string input is one user message; no max_output_tokens is unbounded", () => {
    const counted = countRequestBody({ model: "o4-mini", input: "Hallo Welt, grüß Gott" }, "/v1/responses");
    expect(counted.input).toBe(
      referenceChat([{ role: "user", content: "Hallo Welt, grüß Gott" }], "o200k_base").tokens,
    );
    expect(counted.maxOutput).toBeUndefined();
  });
});

describe("embeddings and completions requests", () => {
  const cl = reference("cl100k_base");
  test.each([
    ["a string", "naïve café 😀", (): number => cl("naïve café 😀")],
    ["strings", ["one", "deux 2", "三"], (): number => cl("one") + cl("deux 2") + cl("三")],
    ["token ids", [1, 2, 3, 4], (): number => 4],
    [
      "lists of token ids",
      [
        [1, 2],
        [3, 4, 5],
      ],
      (): number => 5,
    ],
  ])("embedding input as %s, counted with cl100k_base", (_label, input, expected) => {
    expect(countRequestBody({ model: "text-embedding-3-small", input }, "/v1/embeddings")).toEqual({
      model: "text-embedding-3-small",
      input: expected(),
      maxOutput: 0,
      uncounted: 0,
    });
  });

  test("a completion without max_tokens is bounded by the API's default of 16 per choice", () => {
    const counted = countRequestBody(
      { model: "gpt-3.5-turbo-instruct", prompt: "Say ¡hola!", best_of: 2 },
      "/v1/completions",
    );
    expect(counted).toEqual({
      model: "gpt-3.5-turbo-instruct",
      input: cl("Say ¡hola!"),
      maxOutput: 32,
      uncounted: 0,
    });
  });
});

describe("a file's tally", () => {
  test("adds up the lines, skips blank ones, and counts requests without a limit", () => {
    const line = (id: string, body: Record<string, unknown>) =>
      JSON.stringify({ custom_id: id, method: "POST", url: "/v1/chat/completions", body });
    const messages = [{ role: "user", content: "¿Qué tal? 🤔" }];
    const one = referenceChat(messages, "o200k_base").tokens;
    const tally = tallyLines(
      [line("a", { model: "gpt-4o", messages, max_tokens: 7 }), "", line("b", { model: "gpt-4o", messages })],
      "/v1/chat/completions",
    );
    expect(tally).toEqual({
      model: "gpt-4o",
      endpoint: "/v1/chat/completions",
      requests: 2,
      inputTokens: 2 * one,
      maxOutputTokens: 7,
      unboundedRequests: 1,
      uncountedParts: 0,
      invalidLines: 0,
      refusedRequests: 0,
    });
  });

  test("an endpoint whose tokens are not counted gives requests only", () => {
    const tally = tallyLines(['{"body":{"model":"omni-moderation-latest","input":"x"}}'], "/v1/moderations");
    expect(tally).toMatchObject({
      model: "omni-moderation-latest",
      endpoint: undefined,
      requests: 1,
      inputTokens: 0,
    });
  });

  test("lines that are not JSON requests are counted as invalid, not as requests", () => {
    const tally = tallyLines(["{not json", '{"body":[]}', "null"], "/v1/chat/completions");
    expect(tally).toMatchObject({ requests: 0, invalidLines: 3 });
  });
});
