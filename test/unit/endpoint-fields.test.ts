import { describe, expect, test } from "vitest";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

async function problemsOf(endpoint: string, body: Record<string, unknown>) {
  const line = JSON.stringify({ custom_id: "r1", method: "POST", url: endpoint, body });
  return (await validateBatchInput({ content: `${line}\n` }, { endpoint })).problems;
}

describe("each endpoint's required body fields (from the OpenAPI spec)", () => {
  test.each([
    ["/v1/chat/completions", { model: "m", messages: [] }],
    ["/v1/responses", { model: "m", input: "hi" }],
    ["/v1/responses", { model: "m", prompt: { id: "pmpt_1" } }],
    ["/v1/embeddings", { model: "m", input: "hi" }],
    ["/v1/completions", { model: "m", prompt: "hi" }],
    ["/v1/moderations", { input: "hi" }],
    ["/v1/images/generations", { prompt: "a cat" }],
    ["/v1/images/edits", { prompt: "a hat", images: [{ file_id: "file-1" }] }],
    ["/v1/videos", { prompt: "a wave" }],
  ])("%s with %j is valid", async (endpoint, body) => {
    expect(await problemsOf(endpoint, body)).toEqual([]);
  });

  test.each([
    ["/v1/chat/completions", { model: "m" }, "messages", "messages"],
    ["/v1/chat/completions", { model: "m", messages: null }, "messages", "messages"],
    ["/v1/responses", { model: "m" }, "input", "input or prompt"],
    ["/v1/embeddings", { model: "m" }, "input", "input"],
    ["/v1/completions", { model: "m" }, "prompt", "prompt"],
    ["/v1/moderations", {}, "input", "input"],
    ["/v1/images/generations", { model: "gpt-image-1" }, "prompt", "prompt"],
    ["/v1/images/edits", { prompt: "a hat" }, "images", "images"],
    ["/v1/images/edits", { images: [] }, "prompt", "prompt"],
    ["/v1/videos", { model: "sora-2" }, "prompt", "prompt"],
  ])("%s with %j is refused for lack of body.%s", async (endpoint, body, field, needs) => {
    expect(await problemsOf(endpoint, body)).toEqual([
      {
        line: 1,
        field: `body.${field}`,
        customId: "r1",
        message: `body.${field} is missing; a ${endpoint} request needs ${needs}`,
      },
    ]);
  });

  test.each(["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/completions"])(
    "%s without a model says so once",
    async (endpoint) => {
      const body = { messages: [], input: "x", prompt: "x" };
      expect(await problemsOf(endpoint, body)).toEqual([
        {
          line: 1,
          field: "body.model",
          customId: "r1",
          message: "body.model is missing; every line needs the same model",
        },
      ]);
    },
  );

  test("without an endpoint (not known yet at preview) the fields are not checked", async () => {
    const line = JSON.stringify({ custom_id: "r1", method: "POST", url: "/v1/chat/completions", body: {} });
    expect((await validateBatchInput({ content: line })).problems).toEqual([]);
  });
});
