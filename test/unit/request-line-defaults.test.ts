import { describe, expect, test } from "vitest";
import { DEFAULT_REQUEST_METHOD, withRequestDefaults } from "../../provider/validation/request-defaults";

const CHAT = "/v1/chat/completions";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The lines as JSON text: key order and keys holding undefined show. */
const asText = (lines: unknown[] | undefined) => lines?.map((line) => JSON.stringify(line));

describe("withRequestDefaults: method and url filled in, in the API's key order", () => {
  test("the default method is POST", () => {
    expect(DEFAULT_REQUEST_METHOD).toBe("POST");
  });

  test.each([
    [
      "a line with neither",
      { body: { n: 1 }, custom_id: "a" },
      `{"custom_id":"a","method":"POST","url":"${CHAT}","body":{"n":1}}`,
    ],
    ["a line without a custom id", { body: {} }, `{"method":"POST","url":"${CHAT}","body":{}}`],
    [
      "a line with its url only",
      { url: "/v1/embeddings", custom_id: "b" },
      `{"custom_id":"b","method":"POST","url":"/v1/embeddings"}`,
    ],
    [
      "a line with its method only",
      { method: "GET", custom_id: "c" },
      `{"custom_id":"c","method":"GET","url":"${CHAT}"}`,
    ],
    [
      "a line whose method and url are given as undefined",
      { custom_id: "d", method: undefined, url: undefined, extra: undefined, body: {} },
      `{"custom_id":"d","method":"POST","url":"${CHAT}","body":{}}`,
    ],
  ])("%s", (_name, line, text) => {
    expect(asText(withRequestDefaults([line], CHAT))).toEqual([text]);
  });

  test("a line with both is the same object; lines that are not objects pass as they are", () => {
    const full = { url: CHAT, method: "POST", custom_id: "a" };
    const lines = [full, null, "text", 3, ["x"]];
    const out = withRequestDefaults(lines, CHAT)!;
    expect(out).toHaveLength(5);
    for (const [i, line] of out.entries()) expect(line).toBe(lines[i]);
  });

  test.each([
    ["unknown", UNKNOWN],
    ["missing", undefined],
    ["not a string", 5],
  ])("an endpoint %s: lines without url cannot be completed, lines with one can", (_name, endpoint) => {
    expect(withRequestDefaults([{ custom_id: "a" }], endpoint)).toBeUndefined();
    expect(asText(withRequestDefaults([{ custom_id: "a", url: CHAT }], endpoint))).toEqual([
      `{"custom_id":"a","method":"POST","url":"${CHAT}"}`,
    ]);
  });
});
