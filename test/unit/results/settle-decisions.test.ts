/**
 * The decisions around a batch's results that need no API: whether they are read, whether the
 * file is written again, which attempt's status counts, where the message sends the reader, and
 * a follow-up's upload name and recorded attempt.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../../provider/contract";
import { attemptOfApiBatch, followUpFilename } from "../../../provider/results/follow-up";
import {
  resultsFileNeedsRestore,
  resultsFileToRestore,
  whereResults,
} from "../../../provider/results/resource-hooks";
import { lastAttemptStatus } from "../../../provider/results/retries";
import {
  inputSourceOf,
  type ResultsContext,
  resultsFileOf,
  resultsNeedWrite,
  settleResults,
  wantsResults,
} from "../../../provider/results/settle";
import type { ApiBatch } from "../../../provider/runtime/openai-api";
import { attempt, outputs, summary } from "./support/outputs";

const work = mkdtempSync(join(tmpdir(), "results-settle-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const counts = (total: number, completed: number) => ({ total, completed, failed: total - completed });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A results file in the work folder, with its hash. */
function written(name: string, text: string): { path: string; sha: string } {
  writeFileSync(join(work, name), text);
  return { path: name, sha: sha256(text) };
}

describe("wantsResults: whether the results are read at all", () => {
  test.each<[string, Partial<BatchOutputs>, boolean]>([
    ["resultsPath is set", { resultsPath: "out.jsonl" }, true],
    ["maxFailedRatio is set, even to 0", { maxFailedRatio: 0 }, true],
    ["retryFailedRequests is 1", { retryFailedRequests: 1 }, true],
    ["retryFailedRequests is 0", { retryFailedRequests: 0 }, false],
    [
      "a waited batch in which no request succeeded",
      { waitForCompletion: true, requestCounts: counts(3, 0) },
      true,
    ],
    [
      "a waited batch in which one request succeeded",
      { waitForCompletion: true, requestCounts: counts(3, 1) },
      false,
    ],
    ["a waited batch of no requests", { waitForCompletion: true, requestCounts: counts(0, 0) }, false],
    ["a waited batch without counts", { waitForCompletion: true }, false],
    [
      "no request succeeded, but the resource does not wait",
      { waitForCompletion: false, requestCounts: counts(3, 0) },
      false,
    ],
    ["no request succeeded, waitForCompletion unset", { requestCounts: counts(3, 0) }, false],
    ["none of them", {}, false],
  ])("%s", (_name, extra, wanted) => {
    expect(wantsResults(outputs({ status: "completed", ...extra }))).toBe(wanted);
  });
});

describe("resultsFileOf", () => {
  test("resultsPath from the project's directory; none without it", () => {
    expect(resultsFileOf({ resultsPath: "out/results.jsonl" }, "/project")).toBe(
      "/project/out/results.jsonl",
    );
    expect(resultsFileOf({ resultsPath: "/elsewhere/r.jsonl" }, "/project")).toBe("/elsewhere/r.jsonl");
    expect(resultsFileOf({}, "/project")).toBeUndefined();
  });
});

describe("resultsNeedWrite: whether the results are joined (again)", () => {
  const done = written("need-write.jsonl", '{"custom_id":"a"}\n');
  test.each<[string, Partial<BatchOutputs>, boolean]>([
    ["a finished batch without a summary", { resultsPath: done.path }, true],
    ["an expired batch without a summary", { status: "expired", resultsPath: done.path }, true],
    ["a failed batch", { status: "failed", resultsPath: done.path }, false],
    ["a running batch", { status: "in_progress", resultsPath: done.path }, false],
    ["a batch whose results are not wanted", { retryFailedRequests: 0 }, false],
    [
      "a follow-up still running",
      {
        resultsPath: done.path,
        attempts: [attempt("b1", "completed"), attempt("b2", "in_progress")],
      },
      false,
    ],
    [
      "a follow-up that finished",
      {
        resultsPath: done.path,
        resultsSummary: summary,
        resultsSha256: done.sha,
        attempts: [attempt("b1", "completed"), attempt("b2", "completed")],
      },
      false,
    ],
    ["a summary, and no file to write", { maxFailedRatio: 0.5, resultsSummary: summary }, false],
    [
      "a summary, and the file written last in place",
      { resultsPath: done.path, resultsSummary: summary, resultsSha256: done.sha },
      false,
    ],
    [
      "a summary, and a file that differs",
      { resultsPath: done.path, resultsSummary: summary, resultsSha256: sha256("other") },
      true,
    ],
    ["a summary, and no hash of the file", { resultsPath: done.path, resultsSummary: summary }, true],
    [
      "a summary, and no file",
      { resultsPath: "gone.jsonl", resultsSummary: summary, resultsSha256: done.sha },
      true,
    ],
  ])("%s", async (_name, extra, needed) => {
    expect(await resultsNeedWrite(outputs({ status: "completed", ...extra }), work)).toBe(needed);
  });
});

describe("lastAttemptStatus: the status that decides whether the results pass", () => {
  test("the last follow-up's, when there is one", () => {
    const outs = outputs({
      status: "expired",
      attempts: [attempt("b1", "expired"), attempt("b2", "failed"), attempt("b3", "completed")],
    });
    expect(lastAttemptStatus(outs)).toBe("completed");
  });

  test("the batch's own, with one attempt or none recorded", () => {
    expect(lastAttemptStatus(outputs({ status: "expired", attempts: [attempt("b1", "completed")] }))).toBe(
      "expired",
    );
    expect(lastAttemptStatus(outputs({ status: "cancelled" }))).toBe("cancelled");
  });
});

describe("whereResults: where the message sends the reader for the full results", () => {
  test("the results file, when there is one", () => {
    expect(whereResults("batch_1", outputs({ resultsPath: "out.jsonl", inputFile: "in.jsonl" }))).toBe(
      "out.jsonl",
    );
  });

  test("the command, with the input file when the resource names one", () => {
    expect(whereResults("batch_1", outputs({ inputFile: "in.jsonl" }))).toBe(
      "`npx openai-batch results batch_1 --input in.jsonl` (or set resultsPath)",
    );
    expect(whereResults("batch_1", outputs({}))).toBe(
      "`npx openai-batch results batch_1` (or set resultsPath)",
    );
  });
});

describe("resultsFileToRestore: whether diff writes the results file again", () => {
  const kept = written("restore.jsonl", '{"custom_id":"r"}\n');
  const news = (resultsPath: unknown) => ({ endpoint: "/v1/chat/completions", resultsPath }) as BatchInputs;
  /** `extra` may unset a field (`resultsSha256: undefined`), as a state written without it reads. */
  const olds = (extra: Record<string, unknown>) =>
    outputs({
      status: "completed",
      resultsPath: kept.path,
      resultsSha256: kept.sha,
      ...(extra as Partial<BatchOutputs>),
    });

  test.each<[string, Record<string, unknown>, unknown, "missing" | "differs" | undefined]>([
    ["the file written last is in place", {}, kept.path, undefined],
    ["the file differs", { resultsSha256: sha256("other") }, kept.path, "differs"],
    ["the state holds no hash", { resultsSha256: undefined }, kept.path, "differs"],
    ["the file is missing", { resultsPath: "missing.jsonl" }, "missing.jsonl", "missing"],
    ["resultsPath changes", { resultsPath: "missing.jsonl" }, kept.path, undefined],
    ["resultsPath is not known yet", { resultsPath: "missing.jsonl" }, undefined, undefined],
    ["resultsPath is not a string", { resultsPath: "missing.jsonl" }, { secret: "missing.jsonl" }, undefined],
    [
      "the batch has no results",
      { status: "failed", resultsPath: "missing.jsonl" },
      "missing.jsonl",
      undefined,
    ],
    [
      "a follow-up is still running",
      { resultsPath: "missing.jsonl", attempts: [attempt("b1", "expired"), attempt("b2", "validating")] },
      "missing.jsonl",
      undefined,
    ],
    [
      "a follow-up has finished",
      { resultsPath: "missing.jsonl", attempts: [attempt("b1", "expired"), attempt("b2", "completed")] },
      "missing.jsonl",
      "missing",
    ],
  ])("%s", async (_name, extra, path, why) => {
    expect(await resultsFileToRestore(olds(extra), news(path), work)).toBe(why);
    expect(await resultsFileNeedsRestore(olds(extra), news(path), work)).toBe(why !== undefined);
  });
});

describe("followUpFilename: the name a follow-up's input is uploaded under", () => {
  test("the last 24 characters of its token", () => {
    expect(followUpFilename("pulumi-openai-batch:0123456789abcdef01234567:r2")).toBe(
      "retry.3456789abcdef01234567:r2.jsonl",
    );
    expect(followUpFilename("short:r1")).toBe("retry.short:r1.jsonl");
  });
});

describe("attemptOfApiBatch: a follow-up as the outputs record it", () => {
  /** A batch as the API sends it: a file id it has not made yet may come as null. */
  const batch = (extra: Record<string, unknown>): ApiBatch =>
    ({
      id: "batch_2",
      object: "batch",
      endpoint: "/v1/chat/completions",
      input_file_id: "file-in",
      completion_window: "24h",
      status: "completed",
      created_at: 1,
      ...extra,
    }) as ApiBatch;

  test("its files, counts and usage, as plain JSON", () => {
    const usage = {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    };
    const recorded = attemptOfApiBatch(
      batch({
        output_file_id: "file-out",
        error_file_id: "file-err",
        request_counts: { total: 3, completed: 2, failed: 1, extra: 9 } as ApiBatch["request_counts"],
        usage: Object.assign(Object.create({ inherited: 1 }), usage),
      }),
    );
    expect(recorded).toStrictEqual({
      batchId: "batch_2",
      status: "completed",
      inputFileId: "file-in",
      outputFileId: "file-out",
      errorFileId: "file-err",
      requestCounts: { total: 3, completed: 2, failed: 1 },
      usage,
    });
  });

  test("only what the API reported: no empty file ids, counts or usage", () => {
    expect(
      attemptOfApiBatch(batch({ status: "in_progress", output_file_id: null, error_file_id: "" })),
    ).toStrictEqual({ batchId: "batch_2", status: "in_progress", inputFileId: "file-in" });
  });
});

describe("inputSourceOf: the input the results are joined with", () => {
  const ctx = {
    api: () => {
      throw new Error("the API is connected only to read a file");
    },
    deps: { cwd: () => work },
  } as unknown as ResultsContext;

  test("the requests, the input file from the project's directory, or nothing", () => {
    const requests = [{ custom_id: "a", method: "POST" as const, url: "/v1/embeddings", body: {} }];
    expect(inputSourceOf(outputs({ requests, inputFile: "in.jsonl" }), ctx)).toBe(requests);
    expect(inputSourceOf(outputs({ inputFile: "in.jsonl", inputFileId: "file-1" }), ctx)).toBe(
      join(work, "in.jsonl"),
    );
    expect(inputSourceOf(outputs({}), ctx)).toBeUndefined();
  });

  test("an uploaded file, named for messages, read only when opened", () => {
    const source = inputSourceOf(outputs({ inputFileId: "file-1" }), ctx);
    expect(source).toMatchObject({ label: "input file file-1" });
  });
});

describe("settleResults, with nothing to join again: no call to the API", () => {
  const ctx = {
    api: () => {
      throw new Error("the API is connected only to read the results");
    },
    deps: { cwd: () => work },
  } as unknown as ResultsContext;
  const kept = written("settled.jsonl", '{"custom_id":"s"}\n');

  test("a hash left from a resultsPath since unset is dropped; the rest stays", async () => {
    const outs = outputs({
      status: "completed",
      maxFailedRatio: 0.5,
      resultsSummary: summary,
      resultsSha256: kept.sha,
    });
    const { resultsSha256: _dropped, ...rest } = outs;
    const settled = await settleResults("batch_1", outs, ctx);
    expect(settled.outs).toStrictEqual({
      ...rest,
      attempts: [{ batchId: "batch_1", status: "completed", inputFileId: "" }],
    });
    expect(settled.examples.size).toBe(0);
  });

  test("the hash of the file in place stays with resultsPath", async () => {
    const outs = outputs({
      status: "completed",
      resultsPath: kept.path,
      resultsSummary: summary,
      resultsSha256: kept.sha,
    });
    expect((await settleResults("batch_1", outs, ctx)).outs).toMatchObject({ resultsSha256: kept.sha });
  });

  test("a batch without results, or one whose results are not wanted, is left as it is", async () => {
    const running = outputs({ status: "in_progress", resultsPath: kept.path, resultsSha256: kept.sha });
    expect((await settleResults("batch_1", running, ctx)).outs).toStrictEqual(running);
    const unwanted = outputs({ status: "completed" });
    expect((await settleResults("batch_1", unwanted, ctx)).outs).toStrictEqual(unwanted);
  });
});
