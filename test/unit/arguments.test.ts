import { describe, expect, test } from "vitest";
import { costArgumentProblems } from "../../provider/cost/arguments";
import { checkArguments } from "../../provider/validation/arguments";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const valid = { endpoint: "/v1/chat/completions", inputFileId: "file-abc" };

describe("checkArguments", () => {
  test("valid arguments give no problem", () => {
    expect(checkArguments(valid)).toEqual([]);
  });

  test.each([
    [
      "an unknown endpoint",
      { ...valid, endpoint: "/v1/chat" },
      [
        {
          property: "endpoint",
          reason:
            '"/v1/chat" is not an endpoint the Batch API runs; use one of "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"',
        },
      ],
    ],
    [
      "no input at all",
      { endpoint: "/v1/embeddings" },
      [
        {
          property: "requests",
          reason: "give the batch its input: exactly one of requests, inputFile or inputFileId",
        },
      ],
    ],
    [
      "two inputs",
      { ...valid, inputFile: "a.jsonl" },
      [
        {
          property: "inputFile",
          reason:
            "inputFile and inputFileId are both set; give exactly one of requests, inputFile or inputFileId",
        },
        {
          property: "inputFileId",
          reason:
            "inputFile and inputFileId are both set; give exactly one of requests, inputFile or inputFileId",
        },
      ],
    ],
    [
      "requests that are not an array",
      { endpoint: "/v1/embeddings", requests: "x" },
      [
        {
          property: "requests",
          reason: "requests must be an array of request lines {custom_id, method, url, body}",
        },
      ],
    ],
    [
      "an empty inputFile",
      { endpoint: "/v1/embeddings", inputFile: " " },
      [{ property: "inputFile", reason: "inputFile must be the path of a local .jsonl file" }],
    ],
    [
      "a completion window the API lacks",
      { ...valid, completionWindow: "1h" },
      [
        {
          property: "completionWindow",
          reason: '"1h" is not a completion window the Batch API offers; use "24h"',
        },
      ],
    ],
    [
      "a metadata value that is not a string",
      { ...valid, metadata: { team: 7 } },
      [{ property: "metadata.team", reason: "the value must be a string, not a number (7)" }],
    ],
    [
      "a metadata key over 64 characters",
      { ...valid, metadata: { ["k".repeat(65)]: "v" } },
      [
        {
          property: `metadata.${"k".repeat(65)}`,
          reason: "the key is 65 characters long; keys may have at most 64",
        },
      ],
    ],
    [
      "a metadata value over 512 characters",
      { ...valid, metadata: { note: "v".repeat(513) } },
      [
        {
          property: "metadata.note",
          reason: "the value is 513 characters long; values may have at most 512",
        },
      ],
    ],
    [
      "the reserved metadata key",
      { ...valid, metadata: { pulumi_openai_batch_token: "x" } },
      [
        {
          property: "metadata.pulumi_openai_batch_token",
          reason: "the key pulumi_openai_batch_token is reserved by this provider; choose another key",
        },
      ],
    ],
    [
      "16 metadata keys",
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, "v"])) },
      [
        {
          property: "metadata",
          reason:
            "metadata has 16 keys; at most 15 are allowed, because the API takes 16 and one carries the token that keeps a retried create from making a second batch",
        },
      ],
    ],
    [
      "an output expiry with a wrong anchor and too few seconds",
      { ...valid, outputExpiresAfter: { anchor: "completed_at", seconds: 60 } },
      [
        {
          property: "outputExpiresAfter.anchor",
          reason: '"completed_at" is not an anchor the API accepts; use "created_at"',
        },
        {
          property: "outputExpiresAfter.seconds",
          reason: "60 is out of range; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
        },
      ],
    ],
    [
      "a poll interval below the floor of 1 second",
      { ...valid, pollIntervalSeconds: 0.001 },
      [
        {
          property: "pollIntervalSeconds",
          reason:
            "pollIntervalSeconds is 0.001; use at least 1 second, as faster polling only spends the API's rate limit",
        },
      ],
    ],
    [
      "a wait timeout beyond one week",
      { ...valid, waitTimeoutSeconds: 1e300 },
      [
        {
          property: "waitTimeoutSeconds",
          reason: "waitTimeoutSeconds is 1e+300; use at most 604800 seconds (one week)",
        },
      ],
    ],
    [
      "a wait timeout of NaN, named as such",
      { ...valid, waitTimeoutSeconds: Number.NaN },
      [
        {
          property: "waitTimeoutSeconds",
          reason:
            "waitTimeoutSeconds is NaN, which is not a number of seconds; give a number of seconds greater than 0, at most 604800 (one week)",
        },
      ],
    ],
    [
      "a poll interval of Infinity, named as such",
      { ...valid, pollIntervalSeconds: Number.POSITIVE_INFINITY },
      [
        {
          property: "pollIntervalSeconds",
          reason:
            "pollIntervalSeconds is Infinity, which is not a number of seconds; give a number of seconds greater than 0, at most 86400 (one day)",
        },
      ],
    ],
    [
      "an output expiry of NaN seconds, named as such",
      { ...valid, outputExpiresAfter: { anchor: "created_at", seconds: Number.NaN } },
      [
        {
          property: "outputExpiresAfter.seconds",
          reason:
            "NaN, which is not a number of seconds; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
        },
      ],
    ],
    [
      "an output expiry of null seconds (a NaN inside an object reaches the provider as null)",
      { ...valid, outputExpiresAfter: { anchor: "created_at", seconds: null } },
      [
        {
          property: "outputExpiresAfter.seconds",
          reason:
            "null is not a number; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
        },
      ],
    ],
    [
      "a metadata value of NaN, named as such",
      { ...valid, metadata: { team: Number.NaN } },
      [{ property: "metadata.team", reason: "the value must be a string, not a number (NaN)" }],
    ],
    [
      "the floor and the bound themselves are accepted",
      { ...valid, pollIntervalSeconds: 1, waitTimeoutSeconds: 604_800 },
      [],
    ],
    [
      "a flag that is not a boolean",
      { ...valid, waitForCompletion: "yes" },
      [
        {
          property: "waitForCompletion",
          reason: 'waitForCompletion must be true or false, not a string ("yes")',
        },
      ],
    ],
    [
      "a zero timeout",
      { ...valid, waitTimeoutSeconds: 0 },
      [
        {
          property: "waitTimeoutSeconds",
          reason:
            "waitTimeoutSeconds is 0; give a number of seconds greater than 0, at most 604800 (one week)",
        },
      ],
    ],
    [
      "a poll interval longer than the timeout",
      { ...valid, waitTimeoutSeconds: 10, pollIntervalSeconds: 60 },
      [
        {
          property: "pollIntervalSeconds",
          reason:
            "the poll interval (60 s) is longer than the wait timeout (10 s); make it shorter, or the wait would end before its first poll",
        },
      ],
    ],
    [
      "a poll interval longer than the default timeout",
      { ...valid, pollIntervalSeconds: 86_400 * 2 },
      [
        {
          property: "pollIntervalSeconds",
          reason: "pollIntervalSeconds is 172800; use at most 86400 seconds (one day)",
        },
      ],
    ],
  ])("%s", (_name, inputs, expected) => {
    expect(checkArguments(inputs)).toEqual(expected);
  });

  test.each([
    [
      { maxFailedRatio: 1.5 },
      "maxFailedRatio",
      "maxFailedRatio is 1.5; give a number from 0 to 1 (the share of requests that may fail; 0 fails on any failure)",
    ],
    [
      { maxFailedRatio: "0.1" },
      "maxFailedRatio",
      'maxFailedRatio is "0.1"; give a number from 0 to 1 (the share of requests that may fail; 0 fails on any failure)',
    ],
    [
      { maxFailedRatio: Number.NaN },
      "maxFailedRatio",
      "maxFailedRatio is NaN, which is not a number; give a number from 0 to 1 (the share of requests that may fail; 0 fails on any failure)",
    ],
    [
      { resultsPath: "" },
      "resultsPath",
      'resultsPath must be the path of a file, relative to the Pulumi project, such as "results.jsonl"; got ""',
    ],
    [
      { resultsPath: "out/" },
      "resultsPath",
      'resultsPath must be the path of a file, relative to the Pulumi project, such as "results.jsonl"; got "out/"',
    ],
    [
      { retryFailedRequests: 1.5 },
      "retryFailedRequests",
      "retryFailedRequests is 1.5; give a whole number of follow-up batches from 0 to 10",
    ],
    [
      { retryFailedRequests: 11 },
      "retryFailedRequests",
      "retryFailedRequests is 11; give a whole number of follow-up batches from 0 to 10",
    ],
    [
      { retryFailedRequests: Number.NEGATIVE_INFINITY },
      "retryFailedRequests",
      "retryFailedRequests is -Infinity, which is not a number; give a whole number of follow-up batches from 0 to 10",
    ],
  ])("results argument %j is refused", (extra, property, reason) => {
    expect(checkArguments({ ...valid, ...extra })).toEqual([{ property, reason }]);
  });

  test("valid results arguments and unknown ones pass", () => {
    expect(
      checkArguments({ ...valid, maxFailedRatio: 0, resultsPath: "r.jsonl", retryFailedRequests: 3 }),
    ).toEqual([]);
    expect(
      checkArguments({
        ...valid,
        maxFailedRatio: UNKNOWN,
        resultsPath: UNKNOWN,
        retryFailedRequests: UNKNOWN,
      }),
    ).toEqual([]);
  });

  test("every wrong property is reported at once", () => {
    const problems = checkArguments({
      endpoint: "x",
      inputFileId: "f",
      completionWindow: "1h",
      cancelOnDelete: 1,
    });
    expect(problems.map((p) => p.property)).toEqual(["endpoint", "completionWindow", "cancelOnDelete"]);
  });

  test("unknown values (preview) are never rejected", () => {
    expect(
      checkArguments({
        endpoint: UNKNOWN,
        inputFile: UNKNOWN,
        completionWindow: UNKNOWN,
        metadata: { team: UNKNOWN },
        outputExpiresAfter: { anchor: UNKNOWN, seconds: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" },
        waitForCompletion: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        waitTimeoutSeconds: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
      }),
    ).toEqual([]);
  });
});

describe("costArgumentProblems", () => {
  test.each([
    [
      { maxCostUsd: Number.NaN },
      "maxCostUsd",
      "maxCostUsd is NaN, which is not a number of US dollars; give the most the batch may cost in US dollars, a number of 0 or more",
    ],
    [
      { maxCostUsd: -1 },
      "maxCostUsd",
      "maxCostUsd is -1; give the most the batch may cost in US dollars, a number of 0 or more",
    ],
    [
      { assumedOutputTokensPerRequest: Number.POSITIVE_INFINITY },
      "assumedOutputTokensPerRequest",
      "assumedOutputTokensPerRequest is Infinity, which is not a number of tokens; give a whole number of tokens, 0 or more",
    ],
  ])("%j names the value as given", (inputs, property, reason) => {
    expect(costArgumentProblems(inputs)).toEqual([{ property, reason }]);
  });
});
