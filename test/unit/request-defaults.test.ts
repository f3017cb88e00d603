import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkBatch } from "../../provider/runtime/check";
import { withRequestDefaults } from "../../provider/validation/request-defaults";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CHAT = "/v1/chat/completions";
const EMBEDDINGS = "/v1/embeddings";
const CHAT_BODY = { model: "m", messages: [{ role: "user", content: "hi" }] };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const dir = mkdtempSync(join(tmpdir(), "request-defaults-"));

describe("inline requests without method and url", () => {
  test("check fills in POST and the batch's endpoint, in the API's key order, before hashing", async () => {
    const result = await checkBatch(
      {
        endpoint: EMBEDDINGS,
        requests: [
          { custom_id: "a", body: { model: "m", input: "x" } },
          { body: { model: "m", input: "y" }, custom_id: "b" },
        ],
      },
      dir,
    );
    expect(result.failures).toEqual([]);
    const expectedBytes =
      `{"custom_id":"a","method":"POST","url":"${EMBEDDINGS}","body":{"model":"m","input":"x"}}\n` +
      `{"custom_id":"b","method":"POST","url":"${EMBEDDINGS}","body":{"model":"m","input":"y"}}\n`;
    expect(result.inputs.requests).toEqual([
      { custom_id: "a", method: "POST", url: EMBEDDINGS, body: { model: "m", input: "x" } },
      { custom_id: "b", method: "POST", url: EMBEDDINGS, body: { model: "m", input: "y" } },
    ]);
    expect(result.inputs.inputSha256).toBe(sha256(expectedBytes));
    expect(result.inputs.requestCount).toBe(2);
  });

  test("the sha256 is the same whether method and url are written out or left to the defaults", async () => {
    const short = await checkBatch({ endpoint: CHAT, requests: [{ custom_id: "a", body: CHAT_BODY }] }, dir);
    const full = await checkBatch(
      { endpoint: CHAT, requests: [{ custom_id: "a", method: "POST", url: CHAT, body: CHAT_BODY }] },
      dir,
    );
    expect(short.inputs.inputSha256).toBeDefined();
    expect(short.inputs.inputSha256).toBe(full.inputs.inputSha256);
    // A second check of the filled-in lines (as the engine does on the next run) changes nothing.
    const again = await checkBatch({ endpoint: CHAT, requests: short.inputs.requests }, dir);
    expect(again.inputs.inputSha256).toBe(short.inputs.inputSha256);
    expect(again.inputs.requests).toEqual(short.inputs.requests);
  });

  test("lines that give method and url keep their bytes, whatever their key order", () => {
    const line = { body: CHAT_BODY, url: CHAT, method: "POST", custom_id: "a" };
    const [out] = withRequestDefaults([line], CHAT)!;
    expect(out).toBe(line);
  });

  test("a given url that differs from the endpoint is still refused, naming the line", async () => {
    const result = await checkBatch(
      {
        endpoint: CHAT,
        requests: [
          { custom_id: "a", body: CHAT_BODY },
          { custom_id: "b", url: EMBEDDINGS, body: CHAT_BODY },
        ],
      },
      dir,
    );
    expect(result.failures.map((f) => f.property)).toEqual([""]);
    expect(result.failures[0]!.reason).toMatch(/^requests\[1\]\.url \(custom_id "b"\): url is/);
  });

  test("a wrong method given explicitly is refused", async () => {
    const result = await checkBatch(
      { endpoint: CHAT, requests: [{ custom_id: "a", method: "GET", body: CHAT_BODY }] },
      dir,
    );
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.reason).toMatch(/method/);
  });

  test("while the endpoint is unknown (preview), lines without url are passed over, not refused", async () => {
    const result = await checkBatch(
      { endpoint: UNKNOWN, requests: [{ custom_id: "a", body: CHAT_BODY }] },
      dir,
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs.inputSha256).toBeUndefined();
    expect(withRequestDefaults([{ custom_id: "a", body: {} }], UNKNOWN)).toBeUndefined();
  });

  test("with a wrong endpoint only the endpoint is reported, not every line", async () => {
    const result = await checkBatch(
      {
        endpoint: "/v1/nope",
        requests: [
          { custom_id: "a", body: CHAT_BODY },
          { custom_id: "b", body: CHAT_BODY },
        ],
      },
      dir,
    );
    expect(result.failures.map((f) => f.property)).toEqual(["endpoint"]);
  });
});
