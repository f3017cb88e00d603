import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkBatch } from "../../provider/runtime/check";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CHAT = "/v1/chat/completions";
const request = (id: string, model = "gpt-4o-mini") => ({
  custom_id: id,
  method: "POST",
  url: CHAT,
  body: { model, messages: [{ role: "user", content: "hi" }] },
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "check-"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe("checkBatch", () => {
  test("fills in defaults and the hash and count of the uploaded bytes, and no create token", async () => {
    const content = `${JSON.stringify(request("a"))}\n${JSON.stringify(request("b"))}\n`;
    const dir = project({ "in.jsonl": content });
    const result = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl", resourceKey: "p/s/n" }, dir);
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      endpoint: CHAT,
      inputFile: "in.jsonl",
      resourceKey: "p/s/n",
      completionWindow: "24h",
      waitForCompletion: false,
      waitTimeoutSeconds: 86400,
      pollIntervalSeconds: 30,
      cancelOnDelete: true,
      deleteInputFileOnDelete: true,
      retryFailedRequests: 0,
      inputSha256: createHash("sha256").update(content).digest("hex"),
      requestCount: 2,
      // Two requests of one message ("user", "hi"): 3 + 1 + 1 tokens for the message and 3 to prime
      // the reply, 8 each; no output limit. 16 tokens at $0.075 per million round to $0.000001.
      estimate: {
        model: "gpt-4o-mini",
        requests: 2,
        inputTokens: 16,
        inputCostUsd: 0.000001,
        priceAsOf: "2025-08-07",
      },
    });
  });

  test("JSONL problems name the file and the line", async () => {
    const dir = project({
      "bad.jsonl": `${JSON.stringify(request("a"))}\n${JSON.stringify(request("b", "other"))}\n`,
    });
    const result = await checkBatch({ endpoint: CHAT, inputFile: "bad.jsonl" }, dir);
    expect(result.failures).toEqual([
      {
        property: "inputFile",
        reason: `${join(dir, "bad.jsonl")}:2 (custom_id "b"): body.model is "other" but line 1 uses "gpt-4o-mini"; a batch runs one model, so use the same model on every line or split the file`,
      },
    ]);
    expect(result.inputs.inputSha256).toBeUndefined();
  });

  test("inline requests are reported by index and custom_id", async () => {
    const result = await checkBatch(
      { endpoint: CHAT, requests: [request("a"), { ...request("b"), method: "PUT" }] },
      "/",
    );
    expect(result.failures).toEqual([
      {
        property: "",
        reason:
          'requests[1].method (custom_id "b"): method is "PUT"; the Batch API only runs "POST" requests',
      },
    ]);
  });

  test("a missing file says where it was looked for", async () => {
    const dir = project({});
    const result = await checkBatch({ endpoint: CHAT, inputFile: "nope.jsonl" }, dir);
    expect(result.failures).toEqual([
      {
        property: "inputFile",
        reason: `cannot read ${join(dir, "nope.jsonl")}: there is no such file; inputFile is relative to the Pulumi project's directory`,
      },
    ]);
  });

  test("unknown inputs during preview are passed over", async () => {
    const result = await checkBatch(
      { endpoint: UNKNOWN, requests: [{ ...request("a"), body: UNKNOWN }] },
      "/",
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs.inputSha256).toBeUndefined();
  });

  test("values computed by an earlier check are never trusted from the news", async () => {
    const result = await checkBatch(
      {
        endpoint: CHAT,
        inputFileId: "file-1",
        inputSha256: "forged",
        requestCount: 9,
        createToken: "forged",
      },
      "/",
    );
    expect(result.inputs.inputSha256).toBeUndefined();
    expect(result.inputs.requestCount).toBeUndefined();
    expect(result.inputs).not.toHaveProperty("createToken");
  });

  test("argument problems and JSONL problems are reported together", async () => {
    const dir = project({ "in.jsonl": `${JSON.stringify(request("a"))}\nnot json\n` });
    const result = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl", metadata: { team: 7 } }, dir);
    expect(result.failures).toEqual([
      { property: "metadata.team", reason: "the value must be a string, not a number (7)" },
      {
        property: "inputFile",
        reason: `${join(dir, "in.jsonl")}:2: the line is not valid JSON: expected a value, found a word that is not a JSON value (strings need double quotes) (column 1)`,
      },
    ]);
  });

  test("with a wrong endpoint, the JSONL is still read but not compared with it", async () => {
    const result = await checkBatch({ endpoint: "/v1/nope", requests: [request("a"), request("a")] }, "/");
    expect(result.failures.map((f) => f.property)).toEqual(["endpoint", "requests[1].custom_id"]);
    expect(result.failures[1]?.reason).toBe(
      'custom_id "a" is already used on requests[0]; every custom_id must be unique',
    );
  });
});

describe("checkBatch: resultsPath against the file system", () => {
  const line = `${JSON.stringify(request("a"))}\n`;

  test.each([
    ["the same name", "in.jsonl"],
    ["./ in front", "./in.jsonl"],
    ["through a folder and ..", "sub/../in.jsonl"],
    ["a symbolic link to it", "link.jsonl"],
  ])("resultsPath that is the inputFile (%s) is refused, naming both", async (_name, resultsPath) => {
    const dir = project({ "in.jsonl": line });
    mkdirSync(join(dir, "sub"));
    symlinkSync(join(dir, "in.jsonl"), join(dir, "link.jsonl"));
    const { failures } = await checkBatch(
      { endpoint: CHAT, inputFile: "in.jsonl", resultsPath, waitForCompletion: true },
      dir,
      { cacheDir: null },
    );
    expect(failures).toEqual([
      {
        property: "resultsPath",
        reason: `resultsPath ${JSON.stringify(resultsPath)} is the same file as inputFile "in.jsonl" (${realpathSync(join(dir, "in.jsonl"))}): writing there would overwrite the input; give resultsPath another path`,
      },
    ]);
  });

  test("resultsPath given as the inputFile's absolute path is refused", async () => {
    const dir = project({ "in.jsonl": line });
    const absolute = join(dir, "in.jsonl");
    const { failures } = await checkBatch(
      { endpoint: CHAT, inputFile: absolute, resultsPath: "in.jsonl" },
      dir,
      {
        cacheDir: null,
      },
    );
    expect(failures.map((failure) => failure.property)).toEqual(["resultsPath"]);
  });

  test("a resultsPath that is a directory is refused before any batch runs", async () => {
    const dir = project({ "in.jsonl": line });
    mkdirSync(join(dir, "results"));
    const { failures } = await checkBatch(
      { endpoint: CHAT, inputFile: "in.jsonl", resultsPath: "results" },
      dir,
      {
        cacheDir: null,
      },
    );
    expect(failures).toEqual([
      {
        property: "resultsPath",
        reason: `resultsPath "results" (${join(dir, "results")}) cannot be written: it is a directory; give the path of a file in a folder that can be written, such as "results.jsonl"`,
      },
    ]);
  });

  test("a resultsPath in folders still to be made passes (up makes them), and so does one beside the input", async () => {
    const dir = project({ "in.jsonl": line });
    for (const resultsPath of ["out/2026/results.jsonl", "in.results.jsonl"]) {
      const { failures } = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl", resultsPath }, dir, {
        cacheDir: null,
      });
      expect(failures).toEqual([]);
    }
  });

  test("an unknown resultsPath or inputFile (preview) is passed over", async () => {
    const dir = project({ "in.jsonl": line });
    const unknownPath = await checkBatch(
      { endpoint: CHAT, inputFile: "in.jsonl", resultsPath: UNKNOWN },
      dir,
      {
        cacheDir: null,
      },
    );
    expect(unknownPath.failures).toEqual([]);
    const unknownInput = await checkBatch(
      { endpoint: CHAT, inputFile: UNKNOWN, resultsPath: "in.jsonl" },
      dir,
      {
        cacheDir: null,
      },
    );
    expect(unknownInput.failures).toEqual([]);
  });
});
