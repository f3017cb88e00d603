import { describe, expect, test } from "vitest";
import { interruptedCreate, isMarkerOf, MARKER_CONTENT } from "../../provider/policy/in-flight";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const TOKEN = "0123456789abcdef0123456789abcdef";

describe("the in-flight marker: its own part of the name is exactly 12 hex digits", () => {
  test.each([
    ["a1b2c3d4e5f6", true],
    ["0a1b2c3d4e5f6", false],
    ["a1b2c3d4e5f60", false],
    ["a1b2c3d4e5f", false],
    ["a1b2c3d4e5fg", false],
    ["", false],
  ])("%j is %s", (own, expected) => {
    expect(isMarkerOf(`in-flight.${TOKEN}.${own}.marker.jsonl`, TOKEN)).toBe(expected);
  });
});

describe("the in-flight marker's content", () => {
  test("is the one request line it names, which a batch input check accepts", async () => {
    expect(MARKER_CONTENT).toBe(
      `${JSON.stringify({
        custom_id: "pulumi-openai-batch-in-flight-marker",
        method: "POST",
        url: "/v1/chat/completions",
        body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "in-flight marker" }] },
      })}\n`,
    );
    const report = await validateBatchInput({ content: MARKER_CONTENT }, { endpointFromFirstLine: true });
    expect(report).toMatchObject({
      ok: true,
      lineCount: 1,
      endpoint: "/v1/chat/completions",
      model: "gpt-4o-mini",
    });
  });
});

describe("which batch a create adopts when two carry the token from the same second", () => {
  test("the first listed (the API lists the newest first)", () => {
    const marker = { id: "m1", filename: `in-flight.${TOKEN}.a1b2c3d4e5f6.marker.jsonl` };
    const batches = [
      { id: "batch_b", created_at: 100 },
      { id: "batch_a", created_at: 100 },
      { id: "batch_old", created_at: 99 },
    ];
    expect(interruptedCreate(TOKEN, batches, [marker], new Set())).toEqual({
      batch: batches[0],
      markers: ["m1"],
    });
  });
});
