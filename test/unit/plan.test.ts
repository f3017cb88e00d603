import { describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { planBatch } from "../../provider/runtime/plan";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ID = "batch_1";
const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

const fileInputs: BatchInputs = {
  endpoint: "/v1/chat/completions",
  inputFile: "in.jsonl",
  completionWindow: "24h",
  waitForCompletion: true,
  waitTimeoutSeconds: 600,
  pollIntervalSeconds: 30,
  cancelOnDelete: true,
  deleteInputFileOnDelete: true,
  retryFailedRequests: 0,
  resultsPath: "out.jsonl",
  inputSha256: SHA_A,
  requestCount: 4,
};
const finished: BatchOutputs = {
  ...fileInputs,
  stateVersion: 1,
  uploadedInputFile: true,
  inputFileId: "file-1",
  status: "completed",
  requestCounts: { total: 4, completed: 4, failed: 0 },
  resultsSummary: { succeeded: 4, failed: 0, expired: 0, cancelled: 0, missing: 0, errorCodes: {} },
  resultsSha256: "c".repeat(64),
};
const twoFailed: BatchOutputs = {
  ...finished,
  maxFailedRatio: 0.25,
  requestCounts: { total: 4, completed: 2, failed: 2 },
  resultsSummary: {
    succeeded: 2,
    failed: 2,
    expired: 0,
    cancelled: 0,
    missing: 0,
    errorCodes: { server_error: 2 },
  },
};

interface Row {
  name: string;
  id?: string;
  olds?: object;
  news?: Record<string, unknown>;
  resultsFile?: "missing" | "differs";
  replaces: string[];
  /** The properties the reasons name, in order, with the text each starts with. */
  reasons: [string, string][];
}

const SET_URN = "urn:pulumi:dev::p::pulumi-openai-batch:index:BatchSet::set";
const member = (batches: number) => ({ setUrn: SET_URN, wave: 0, waves: 1, batches, requests: 4 * batches });

const ROWS: Row[] = [
  { name: "the same inputs", replaces: [], reasons: [] },
  {
    name: "a set's batch whose set grew (setMember alone changed): no change",
    olds: { ...finished, setMember: member(2) },
    news: { setMember: member(3) },
    replaces: [],
    reasons: [],
  },
  {
    name: "the input file's content",
    news: { inputSha256: SHA_B, requestCount: 2 },
    replaces: ["inputFile"],
    reasons: [
      [
        "inputSha256",
        'the content of inputFile "in.jsonl" changed (4 → 2 requests, sha256 aaaaaaaaaaaa… → bbbbbbbbbbbb…): up creates a new batch in its place',
      ],
    ],
  },
  {
    name: "inline requests",
    olds: { ...finished, inputFile: undefined, requests: [] },
    news: { inputFile: undefined, requests: [], inputSha256: SHA_B, requestCount: 3 },
    replaces: ["requests"],
    reasons: [["requests", "requests changed (4 → 3 requests, sha256 aaaaaaaaaaaa… → bbbbbbbbbbbb…)"]],
  },
  {
    name: "requests not known yet",
    news: { inputFile: undefined, requests: UNKNOWN, inputSha256: undefined },
    replaces: ["requests"],
    reasons: [["requests", "requests is not known before up runs: if it changes, up creates a new batch"]],
  },
  {
    name: "the endpoint",
    news: { endpoint: "/v1/embeddings" },
    replaces: ["endpoint"],
    reasons: [
      [
        "endpoint",
        'endpoint changed ("/v1/chat/completions" → "/v1/embeddings"): the API cannot change a batch, so up creates a new one in its place',
      ],
    ],
  },
  {
    name: "metadata",
    news: { metadata: { team: "a" } },
    replaces: ["metadata"],
    reasons: [["metadata", 'metadata changed (not set → {"team":"a"})']],
  },
  {
    name: "the completion window",
    olds: { ...finished, completionWindow: "24h" },
    news: { completionWindow: "48h" },
    replaces: ["completionWindow"],
    reasons: [["completionWindow", 'completionWindow changed ("24h" → "48h")']],
  },
  {
    name: "a setting that only steers the provider",
    news: { waitTimeoutSeconds: 3600 },
    replaces: [],
    reasons: [
      ["waitTimeoutSeconds", "waitTimeoutSeconds changed (600 → 3600): updated in place, no new batch"],
    ],
  },
  {
    name: "the same bytes under another path",
    news: { inputFile: "moved.jsonl" },
    replaces: [],
    reasons: [
      [
        "inputFile",
        'inputFile changed ("in.jsonl" → "moved.jsonl") with the same content: recorded, no new batch',
      ],
    ],
  },
  {
    name: "a missing results file",
    resultsFile: "missing",
    replaces: [],
    reasons: [
      [
        "resultsSha256",
        'results file "out.jsonl" is missing: up writes it again from the output of batch batch_1, without a new batch',
      ],
    ],
  },
  {
    name: "a results file changed by hand",
    resultsFile: "differs",
    replaces: [],
    reasons: [["resultsSha256", 'results file "out.jsonl" is not the one up wrote (its sha256 differs)']],
  },
  {
    name: "follow-up retries due",
    olds: { ...twoFailed, maxFailedRatio: 1, retryFailedRequests: 1, resultsSummary: undefined },
    news: { maxFailedRatio: 1, retryFailedRequests: 1 },
    replaces: [],
    reasons: [
      [
        "attempts",
        "batch batch_1 has finished and retryFailedRequests is 1: up runs a follow-up batch over its requests that failed",
      ],
    ],
  },
  {
    name: "a follow-up still running",
    olds: {
      ...twoFailed,
      retryFailedRequests: 1,
      resultsSummary: undefined,
      attempts: [
        { batchId: ID, status: "completed", inputFileId: "file-1" },
        { batchId: "batch_2", status: "in_progress", inputFileId: "file-2" },
      ],
    },
    news: { maxFailedRatio: 0.25, retryFailedRequests: 1 },
    replaces: [],
    reasons: [
      ["attempts", "follow-up batch batch_2 is still in_progress: up waits for it, then writes the results"],
    ],
  },
  {
    name: "a batch failed on a full queue",
    olds: {
      ...finished,
      status: "failed",
      resultsSummary: undefined,
      errors: [{ code: "token_limit_exceeded", message: "Enqueued token limit reached." }],
    },
    replaces: ["status"],
    reasons: [["status", "batch batch_1 failed with token_limit_exceeded"]],
  },
  {
    name: "a batch that failed, waited for",
    olds: { ...finished, status: "failed", resultsSummary: undefined },
    replaces: [],
    reasons: [
      [
        "status",
        "batch batch_1 is failed: up reports it again and fails, without a new batch; change the input, or run `pulumi up --replace`, to run a new one",
      ],
    ],
  },
  {
    name: "a batch that expired, not waited for",
    olds: { ...finished, status: "expired", resultsSummary: undefined },
    news: { waitForCompletion: false },
    replaces: [],
    reasons: [
      ["waitForCompletion", "waitForCompletion changed (true → false): updated in place, no new batch"],
    ],
  },
  {
    name: "a create whose outcome is unknown",
    id: "pending:0123",
    olds: { ...fileInputs, stateVersion: 1, uploadedInputFile: false, createToken: "0123" },
    replaces: ["status"],
    reasons: [
      [
        "status",
        "the create of this batch ended with an unknown outcome (recorded as pending:0123): up looks for the batch by its create token and adopts it, or creates it",
      ],
    ],
  },
  {
    name: "results over maxFailedRatio, same inputs",
    olds: twoFailed,
    news: { maxFailedRatio: 0.25 },
    replaces: [],
    reasons: [
      [
        "resultsSummary",
        "the results of batch batch_1 (4 requests: 2 succeeded, 2 failed (server_error 2)): more than maxFailedRatio 0.25 of them did not succeed; up checks them again and fails, without a new batch. Raise maxFailedRatio to accept them, or change the requests to run a new batch",
      ],
    ],
  },
  {
    name: "results over maxFailedRatio, ratio raised",
    olds: twoFailed,
    news: { maxFailedRatio: 0.5 },
    replaces: [],
    reasons: [
      [
        "maxFailedRatio",
        "maxFailedRatio changed (0.25 → 0.5): the results of batch batch_1 (4 requests: 2 succeeded, 2 failed (server_error 2)) now pass, and up accepts them without a new batch",
      ],
    ],
  },
  {
    name: "results over maxFailedRatio, ratio removed",
    olds: twoFailed,
    replaces: [],
    reasons: [["maxFailedRatio", "maxFailedRatio changed (0.25 → not set): the results of batch batch_1"]],
  },
  {
    name: "no request succeeded, without maxFailedRatio",
    olds: {
      ...finished,
      resultsSummary: { succeeded: 0, failed: 4, expired: 0, cancelled: 0, missing: 0, errorCodes: { x: 4 } },
    },
    replaces: [],
    reasons: [
      [
        "resultsSummary",
        "the results of batch batch_1 (4 requests: 0 succeeded, 4 failed (x 4)): no request succeeded",
      ],
    ],
  },
  {
    name: "results over maxFailedRatio, input changed",
    olds: twoFailed,
    news: { maxFailedRatio: 0.25, inputSha256: SHA_B, requestCount: 4 },
    replaces: ["inputFile"],
    reasons: [["inputSha256", 'the content of inputFile "in.jsonl" changed (4 → 4 requests']],
  },
];

describe("planBatch", () => {
  test.each(ROWS)("$name", (row) => {
    const news = { ...fileInputs, ...row.news } as BatchInputs;
    const olds = (row.olds ?? finished) as BatchOutputs;
    const plan = planBatch(row.id ?? ID, olds, news, { resultsFile: row.resultsFile });
    expect(plan.replaces).toEqual(row.replaces);
    expect(plan.changes).toBe(row.reasons.length > 0);
    expect(
      plan.reasons.map((reason) => [reason.property, reason.text.slice(0, row.reasons[0]?.[1].length ?? 0)]),
    ).toEqual(row.reasons.map(([property, text]) => [property, text]));
    // Every reason is one line, and a replace's reasons say they replace.
    for (const reason of plan.reasons) {
      expect(reason.text).not.toContain("\n");
      expect(reason.replaces).toBe(row.replaces.length > 0);
    }
  });
});
