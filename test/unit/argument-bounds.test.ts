import { describe, expect, test } from "vitest";
import type { InputProblem } from "../../provider/errors";
import { checkArguments } from "../../provider/validation/arguments";

// Pulumi's sentinel for a string not known yet (during preview).
const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const base = { endpoint: "/v1/chat/completions", inputFile: "r.jsonl" };
const meta = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

// Each argument at and just past its bounds, with the exact problem (or none) it gives.
const CASES: [string, Record<string, unknown>, InputProblem[]][] = [
  [
    "no endpoint",
    { inputFile: "r.jsonl" },
    [
      {
        property: "endpoint",
        reason:
          'endpoint is required; use one of "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"',
      },
    ],
  ],
  ["unknown endpoint", { endpoint: U, inputFile: "r.jsonl" }, []],
  [
    "no source",
    { endpoint: "/v1/chat/completions" },
    [
      {
        property: "requests",
        reason: "give the batch its input: exactly one of requests, inputFile or inputFileId",
      },
    ],
  ],
  [
    "three sources",
    { ...base, requests: [], inputFileId: "file-1" },
    [
      {
        property: "requests",
        reason:
          "requests and inputFile and inputFileId are all set; give exactly one of requests, inputFile or inputFileId",
      },
      {
        property: "inputFile",
        reason:
          "requests and inputFile and inputFileId are all set; give exactly one of requests, inputFile or inputFileId",
      },
      {
        property: "inputFileId",
        reason:
          "requests and inputFile and inputFileId are all set; give exactly one of requests, inputFile or inputFileId",
      },
    ],
  ],
  [
    "requests not array",
    { endpoint: base.endpoint, requests: "x" },
    [
      {
        property: "requests",
        reason: "requests must be an array of request lines {custom_id, method, url, body}",
      },
    ],
  ],
  ["requests unknown", { endpoint: base.endpoint, requests: U }, []],
  ["requests empty array", { endpoint: base.endpoint, requests: [] }, []],
  [
    "inputFile blank",
    { endpoint: base.endpoint, inputFile: "  " },
    [{ property: "inputFile", reason: "inputFile must be the path of a local .jsonl file" }],
  ],
  [
    "inputFileId number",
    { endpoint: base.endpoint, inputFileId: 5 },
    [{ property: "inputFileId", reason: "inputFileId must be the id of an uploaded file (file-...)" }],
  ],
  ["metadata 15 keys", { ...base, metadata: meta(15) }, []],
  [
    "metadata 16 keys",
    { ...base, metadata: meta(16) },
    [
      {
        property: "metadata",
        reason:
          "metadata has 16 keys; at most 15 are allowed, because the API takes 16 and one carries the token that keeps a retried create from making a second batch",
      },
    ],
  ],
  [
    "metadata array",
    { ...base, metadata: [] },
    [{ property: "metadata", reason: "metadata must be an object of string keys and string values" }],
  ],
  [
    "metadata null",
    { ...base, metadata: null },
    [{ property: "metadata", reason: "metadata must be an object of string keys and string values" }],
  ],
  [
    "metadata string",
    { ...base, metadata: "x" },
    [{ property: "metadata", reason: "metadata must be an object of string keys and string values" }],
  ],
  ["metadata key 64", { ...base, metadata: { ["k".repeat(64)]: "v" } }, []],
  [
    "metadata key 65",
    { ...base, metadata: { ["k".repeat(65)]: "v" } },
    [
      {
        property: "metadata.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
        reason: "the key is 65 characters long; keys may have at most 64",
      },
    ],
  ],
  ["metadata value 512", { ...base, metadata: { k: "v".repeat(512) } }, []],
  [
    "metadata value 513",
    { ...base, metadata: { k: "v".repeat(513) } },
    [{ property: "metadata.k", reason: "the value is 513 characters long; values may have at most 512" }],
  ],
  [
    "metadata value number",
    { ...base, metadata: { k: 1 } },
    [{ property: "metadata.k", reason: "the value must be a string, not a number (1)" }],
  ],
  ["metadata value unknown", { ...base, metadata: { k: U } }, []],
  ["oea 3600", { ...base, outputExpiresAfter: { anchor: "created_at", seconds: 3600 } }, []],
  [
    "oea 3599",
    { ...base, outputExpiresAfter: { anchor: "created_at", seconds: 3599 } },
    [
      {
        property: "outputExpiresAfter.seconds",
        reason: "3599 is out of range; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
      },
    ],
  ],
  ["oea 2592000", { ...base, outputExpiresAfter: { anchor: "created_at", seconds: 2592000 } }, []],
  [
    "oea 2592001",
    { ...base, outputExpiresAfter: { anchor: "created_at", seconds: 2592001 } },
    [
      {
        property: "outputExpiresAfter.seconds",
        reason:
          "2592001 is out of range; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
      },
    ],
  ],
  [
    "oea 3600.5",
    { ...base, outputExpiresAfter: { anchor: "created_at", seconds: 3600.5 } },
    [
      {
        property: "outputExpiresAfter.seconds",
        reason:
          "3600.5 is out of range; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)",
      },
    ],
  ],
  [
    "oea string",
    { ...base, outputExpiresAfter: { anchor: "created_at", seconds: "3600" } },
    [
      {
        property: "outputExpiresAfter.seconds",
        reason:
          '"3600" is not a number; use a whole number of seconds from 3600 (1 hour) to 2592000 (30 days)',
      },
    ],
  ],
  [
    "oea bad anchor",
    { ...base, outputExpiresAfter: { anchor: "now", seconds: 3600 } },
    [
      {
        property: "outputExpiresAfter.anchor",
        reason: '"now" is not an anchor the API accepts; use "created_at"',
      },
    ],
  ],
  ["oea unknown anchor", { ...base, outputExpiresAfter: { anchor: U, seconds: 3600 } }, []],
  [
    "oea array",
    { ...base, outputExpiresAfter: [] },
    [
      {
        property: "outputExpiresAfter",
        reason: 'outputExpiresAfter must be {anchor: "created_at", seconds: 3600..2592000}',
      },
    ],
  ],
  [
    "oea null",
    { ...base, outputExpiresAfter: null },
    [
      {
        property: "outputExpiresAfter",
        reason: 'outputExpiresAfter must be {anchor: "created_at", seconds: 3600..2592000}',
      },
    ],
  ],
  ["oea unknown", { ...base, outputExpiresAfter: U }, []],
  ["poll 1", { ...base, pollIntervalSeconds: 1 }, []],
  [
    "poll 0.5",
    { ...base, pollIntervalSeconds: 0.5 },
    [
      {
        property: "pollIntervalSeconds",
        reason:
          "pollIntervalSeconds is 0.5; use at least 1 second, as faster polling only spends the API's rate limit",
      },
    ],
  ],
  ["poll 86400 timeout 86400", { ...base, pollIntervalSeconds: 86400, waitTimeoutSeconds: 86400 }, []],
  [
    "poll 86401",
    { ...base, pollIntervalSeconds: 86401 },
    [
      {
        property: "pollIntervalSeconds",
        reason: "pollIntervalSeconds is 86401; use at most 86400 seconds (one day)",
      },
    ],
  ],
  [
    "poll 61 timeout 60",
    { ...base, pollIntervalSeconds: 61, waitTimeoutSeconds: 60 },
    [
      {
        property: "pollIntervalSeconds",
        reason:
          "the poll interval (61 s) is longer than the wait timeout (60 s); make it shorter, or the wait would end before its first poll",
      },
    ],
  ],
  ["poll 60 timeout 60", { ...base, pollIntervalSeconds: 60, waitTimeoutSeconds: 60 }, []],
  ["timeout 604800", { ...base, waitTimeoutSeconds: 604800 }, []],
  [
    "timeout 604801",
    { ...base, waitTimeoutSeconds: 604801 },
    [
      {
        property: "waitTimeoutSeconds",
        reason: "waitTimeoutSeconds is 604801; use at most 604800 seconds (one week)",
      },
    ],
  ],
  [
    "timeout 0",
    { ...base, waitTimeoutSeconds: 0 },
    [
      {
        property: "waitTimeoutSeconds",
        reason: "waitTimeoutSeconds is 0; give a number of seconds greater than 0, at most 604800 (one week)",
      },
    ],
  ],
  [
    "timeout string",
    { ...base, waitTimeoutSeconds: "60" },
    [
      {
        property: "waitTimeoutSeconds",
        reason:
          'waitTimeoutSeconds is "60"; give a number of seconds greater than 0, at most 604800 (one week)',
      },
    ],
  ],
  [
    "wait string",
    { ...base, waitForCompletion: "yes" },
    [
      {
        property: "waitForCompletion",
        reason: 'waitForCompletion must be true or false, not a string ("yes")',
      },
    ],
  ],
  [
    "cancel null",
    { ...base, cancelOnDelete: null },
    [{ property: "cancelOnDelete", reason: "cancelOnDelete must be true or false, not null" }],
  ],
  [
    "window 48h",
    { ...base, completionWindow: "48h" },
    [
      {
        property: "completionWindow",
        reason: '"48h" is not a completion window the Batch API offers; use "24h"',
      },
    ],
  ],
  [
    "metadata reserved key",
    { ...base, metadata: { pulumi_openai_batch_token: "t" } },
    [
      {
        property: "metadata.pulumi_openai_batch_token",
        reason: "the key pulumi_openai_batch_token is reserved by this provider; choose another key",
      },
    ],
  ],
  [
    "metadata value array",
    { ...base, metadata: { k: ["v"] } },
    [{ property: "metadata.k", reason: "the value must be a string, not an array" }],
  ],
  ["oea unknown seconds", { ...base, outputExpiresAfter: { anchor: "created_at", seconds: U } }, []],
  ["poll unknown timeout 60", { ...base, pollIntervalSeconds: U, waitTimeoutSeconds: 60 }, []],
  [
    "poll 0 timeout 0",
    { ...base, pollIntervalSeconds: 0, waitTimeoutSeconds: 0 },
    [
      {
        property: "waitTimeoutSeconds",
        reason: "waitTimeoutSeconds is 0; give a number of seconds greater than 0, at most 604800 (one week)",
      },
      {
        property: "pollIntervalSeconds",
        reason: "pollIntervalSeconds is 0; give a number of seconds greater than 0, at most 86400 (one day)",
      },
    ],
  ],
];

describe("checkArguments at the bounds of every argument", () => {
  test.each(CASES)("%s", (_name, inputs, problems) => {
    expect(checkArguments(inputs)).toEqual(problems);
  });
});
