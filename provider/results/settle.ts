import { resolve } from "node:path";
import type { BatchAttempt, BatchOutputs, ResultsSummary } from "../contract";
import type { RuntimeDeps } from "../runtime/deps";
import type { OpenAIBatchApi } from "../runtime/openai-api";
import { filesOf } from "./api-files";
import { type WriteChunk, writeAtomically } from "./atomic-file";
import type { ErrorExample } from "./failure-policy";
import { fileSha256 } from "./file-hash";
import { type InputSource, inputRequests } from "./input";
import { joinWithInput, joinWithoutInput, type ResultAttempt } from "./join";
import { followUpRunning } from "./refresh-attempts";
import { attemptsOf, hasResults } from "./state-fields";
import { countRecord, emptySummary } from "./summary";
import type { BatchResultRecord } from "./types";

export interface ResultsContext {
  /** The API, connected only when the results must be read. */
  api: () => OpenAIBatchApi;
  deps: RuntimeDeps;
}

/** The outputs with the results settled, and one example request per error code. */
export interface SettledResults {
  outs: BatchOutputs;
  examples: Map<string, ErrorExample>;
}

/**
 * Whether the results must be read: the resource sets one of the results arguments, or it waits
 * for the batch and the request counts say that no request succeeded (the default
 * `maxFailedRatio` then fails the `up`, and its message needs the error codes). A batch that
 * succeeded, of a resource that sets none of them, is never downloaded: `up` makes no more calls
 * than before these arguments existed.
 */
export function wantsResults(outs: BatchOutputs): boolean {
  if (
    outs.resultsPath !== undefined ||
    outs.maxFailedRatio !== undefined ||
    (outs.retryFailedRequests ?? 0) > 0
  ) {
    return true;
  }
  const counts = outs.requestCounts;
  return (
    outs.waitForCompletion === true && counts !== undefined && counts.total > 0 && counts.completed === 0
  );
}

/** Where `resultsPath` points, from the project's directory. */
export function resultsFileOf(outs: Pick<BatchOutputs, "resultsPath">, cwd: string): string | undefined {
  return outs.resultsPath === undefined ? undefined : resolve(cwd, outs.resultsPath);
}

/**
 * Whether the results must be joined (again): the batch has finished, no follow-up is still
 * running, and there is no summary yet, or `resultsPath` is set and the file there is missing or is not the one written last.
 */
export async function resultsNeedWrite(outs: BatchOutputs, cwd: string): Promise<boolean> {
  if (!hasResults(outs.status) || !wantsResults(outs) || followUpRunning(outs)) return false;
  if (outs.resultsSummary === undefined) return true;
  const path = resultsFileOf(outs, cwd);
  if (path === undefined) return false;
  return outs.resultsSha256 === undefined || (await fileSha256(path)) !== outs.resultsSha256;
}

/**
 * Joins a finished batch's results (every attempt's, each request taking its last) with its
 * input, counts them, and writes them to `resultsPath` atomically. Does nothing when the results
 * are already settled and the file is in place, so that an `up` with nothing new reads nothing.
 */
export async function settleResults(
  id: string,
  outs: BatchOutputs,
  ctx: ResultsContext,
): Promise<SettledResults> {
  const examples = new Map<string, ErrorExample>();
  const withAttempts: BatchOutputs =
    hasResults(outs.status) && (wantsResults(outs) || outs.attempts !== undefined)
      ? { ...outs, attempts: attemptsOf(id, outs) }
      : outs;
  if (!(await resultsNeedWrite(withAttempts, ctx.deps.cwd()))) {
    return { outs: dropStaleSha(withAttempts), examples };
  }
  const summary: ResultsSummary = emptySummary();
  const produce = async (write: WriteChunk) => {
    for await (const record of joinedRecords(withAttempts, ctx)) {
      countRecord(summary, record);
      if (record.status !== "succeeded" && record.error !== undefined && !examples.has(record.error.code)) {
        examples.set(record.error.code, { message: record.error.message, customId: record.custom_id });
      }
      await write(`${JSON.stringify(record)}\n`);
    }
  };
  const path = resultsFileOf(withAttempts, ctx.deps.cwd());
  const { resultsSha256: _old, ...rest } = withAttempts;
  if (path === undefined) {
    await produce(async () => undefined);
    return { outs: { ...rest, resultsSummary: summary }, examples };
  }
  const written = await writeAtomically(path, produce);
  ctx.deps.log.info(`wrote the results of batch ${id} to ${withAttempts.resultsPath}`);
  return { outs: { ...rest, resultsSummary: summary, resultsSha256: written.sha256 }, examples };
}

function dropStaleSha(outs: BatchOutputs): BatchOutputs {
  if (outs.resultsPath !== undefined || outs.resultsSha256 === undefined) return outs;
  const { resultsSha256: _dropped, ...rest } = outs;
  return rest;
}

/** Every attempt's records joined with the input the outputs name. */
export function joinedRecords(outs: BatchOutputs, ctx: ResultsContext): AsyncIterable<BatchResultRecord> {
  return (async function* () {
    const attempts: ResultAttempt[] = [];
    for (const [index, attempt] of (outs.attempts ?? []).entries()) {
      attempts.push(await resultAttemptOf(attempt, index === 0, ctx));
    }
    const input = inputSourceOf(outs, ctx);
    yield* input === undefined ? joinWithoutInput(attempts) : joinWithInput(attempts, inputRequests(input));
  })();
}

async function resultAttemptOf(
  attempt: BatchAttempt,
  first: boolean,
  ctx: ResultsContext,
): Promise<ResultAttempt> {
  const files = filesOf(ctx.api(), attempt.outputFileId, attempt.errorFileId, {
    id: attempt.batchId,
    status: attempt.status,
  });
  if (first || attempt.status === "completed") {
    return { status: attempt.status, files };
  }
  // A follow-up that did not complete: the requests it was given are read from its input file,
  // so that those it never ran take its status rather than the attempt before.
  const customIds = new Set<string>();
  for await (const request of inputRequests(apiFileInput(attempt.inputFileId, ctx)))
    customIds.add(request.customId);
  return { status: attempt.status, files, customIds };
}

export function inputSourceOf(outs: BatchOutputs, ctx: ResultsContext): InputSource | undefined {
  if (outs.requests !== undefined) return outs.requests;
  if (outs.inputFile !== undefined) return resolve(ctx.deps.cwd(), outs.inputFile);
  if (outs.inputFileId !== undefined) return apiFileInput(outs.inputFileId, ctx);
  return undefined;
}

function apiFileInput(fileId: string, ctx: ResultsContext): InputSource {
  return {
    label: `input file ${fileId}`,
    open: async () => {
      const content = await ctx.api().openFileContent(fileId);
      if (content === undefined) {
        throw new RangeError(
          `the input file ${fileId} no longer exists, so the results cannot be joined with it`,
        );
      }
      return content;
    },
  };
}
