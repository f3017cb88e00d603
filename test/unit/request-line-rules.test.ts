import { describe, expect, test } from "vitest";
import type { ValidateBatchInputOptions } from "../../provider/validation/jsonl/validate";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const req = (id: string, url: string, body: Record<string, unknown>) => ({
  custom_id: id,
  method: "POST",
  url,
  body,
});
const arr = (n: number) => Array.from({ length: n }, () => "x");

// Lines against the rules of the Batch API: the url and its endpoint, the model, the body, and
// the embedding inputs up to the limit of 50,000, with the exact problems each gives.
const CASES: [
  string,
  unknown[],
  ValidateBatchInputOptions,
  { problems: unknown[]; embeddingInputs: number },
][] = [
  [
    "first line not an endpoint",
    [req("a", "/v1/nope", { model: "m" })],
    { endpointFromFirstLine: true },
    {
      problems: [
        {
          customId: "a",
          line: 1,
          field: "url",
          message:
            'url "/v1/nope" is not an endpoint the Batch API runs; use one of /v1/responses, /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/moderations, /v1/images/generations, /v1/images/edits, /v1/videos',
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "second line other endpoint",
    [req("a", "/v1/moderations", { input: "x" }), req("b", "/v1/embeddings", { model: "m", input: "x" })],
    { endpointFromFirstLine: true },
    {
      problems: [
        {
          customId: "b",
          line: 2,
          field: "url",
          message:
            'url is "/v1/embeddings" but the batch endpoint is "/v1/moderations"; every line must use the batch\'s endpoint',
        },
        {
          customId: "b",
          line: 2,
          field: "body.model",
          message:
            'body.model is "m" but line 1 sets none; a batch runs one model, so use the same model on every line or split the file',
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "url missing no endpoint",
    [{ custom_id: "a", method: "POST", body: {} }],
    {},
    {
      problems: [
        { customId: "a", line: 1, field: "url", message: "url is missing; set it to the batch endpoint" },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "url missing endpoint",
    [{ custom_id: "a", method: "POST", body: {} }],
    { endpoint: "/v1/moderations" },
    {
      problems: [
        {
          customId: "a",
          line: 1,
          field: "url",
          message: 'url is missing; set it to the batch endpoint ("/v1/moderations")',
        },
        {
          customId: "a",
          line: 1,
          field: "body.input",
          message: "body.input is missing; a /v1/moderations request needs input",
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "url number no endpoint",
    [{ custom_id: "a", method: "POST", url: 5, body: {} }],
    {},
    {
      problems: [{ customId: "a", line: 1, field: "url", message: "url must be a string" }],
      embeddingInputs: 0,
    },
  ],
  [
    "moderations no model then model",
    [req("a", "/v1/moderations", { input: "x" }), req("b", "/v1/moderations", { input: "x", model: "omni" })],
    { endpoint: "/v1/moderations" },
    {
      problems: [
        {
          customId: "b",
          line: 2,
          field: "body.model",
          message:
            'body.model is "omni" but line 1 sets none; a batch runs one model, so use the same model on every line or split the file',
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "moderations model then none",
    [req("a", "/v1/moderations", { input: "x", model: "omni" }), req("b", "/v1/moderations", { input: "x" })],
    { endpoint: "/v1/moderations" },
    {
      problems: [
        {
          customId: "b",
          line: 2,
          field: "body.model",
          message:
            'body.model is not set but line 1 uses "omni"; a batch runs one model, so use the same model on every line or split the file',
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "chat no model unknown endpoint",
    [req("a", "/v1/chat/completions", { messages: [] })],
    {},
    { problems: [], embeddingInputs: 0 },
  ],
  [
    "moderations inputs not counted",
    [req("a", "/v1/moderations", { input: ["a", "b"] })],
    { endpoint: "/v1/moderations" },
    { problems: [], embeddingInputs: 0 },
  ],
  [
    "embeddings null input",
    [req("a", "/v1/embeddings", { model: "m", input: null })],
    { endpoint: "/v1/embeddings" },
    {
      problems: [
        {
          customId: "a",
          line: 1,
          field: "body.input",
          message: "body.input is missing; a /v1/embeddings request needs input",
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "emb 49999+1",
    [
      req("a", "/v1/embeddings", { model: "m", input: arr(49999) }),
      req("b", "/v1/embeddings", { model: "m", input: "x" }),
    ],
    { endpoint: "/v1/embeddings" },
    { problems: [], embeddingInputs: 50000 },
  ],
  [
    "emb 49999+2+1",
    [
      req("a", "/v1/embeddings", { model: "m", input: arr(49999) }),
      req("b", "/v1/embeddings", { model: "m", input: ["x", "y"] }),
      req("c", "/v1/embeddings", { model: "m", input: "z" }),
    ],
    { endpoint: "/v1/embeddings" },
    {
      problems: [
        {
          customId: "b",
          line: 2,
          field: "body.input",
          message:
            "this line brings the embedding inputs to 50001; a batch takes at most 50000 embedding inputs in all, so split the file",
        },
      ],
      embeddingInputs: 50002,
    },
  ],
  [
    "body missing",
    [{ custom_id: "a", method: "POST", url: "/v1/moderations" }],
    { endpoint: "/v1/moderations" },
    {
      problems: [
        {
          customId: "a",
          line: 1,
          field: "body",
          message: "body is missing; it holds the request's parameters",
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "body array",
    [{ custom_id: "a", method: "POST", url: "/v1/moderations", body: [] }],
    { endpoint: "/v1/moderations" },
    {
      problems: [
        {
          customId: "a",
          line: 1,
          field: "body",
          message: "body must be a JSON object with the request's parameters",
        },
      ],
      embeddingInputs: 0,
    },
  ],
  [
    "line array",
    [[1]],
    { endpoint: "/v1/moderations" },
    {
      problems: [{ line: 1, message: "must be a JSON object with custom_id, method, url and body" }],
      embeddingInputs: 0,
    },
  ],
  [
    "line null",
    ["null"],
    { endpoint: "/v1/moderations" },
    {
      problems: [{ line: 1, message: "must be a JSON object with custom_id, method, url and body" }],
      embeddingInputs: 0,
    },
  ],
];

describe("checkRequestLine through validateBatchInput", () => {
  test.each(CASES)("%s", async (_name, lines, options, expected) => {
    const content = `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`;
    const report = await validateBatchInput({ content }, options);
    expect({ problems: report.problems, embeddingInputs: report.embeddingInputs }).toEqual(expected);
  });
});
