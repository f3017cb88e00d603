import { resolve } from "node:path";
import type { BatchInputs, BatchOutputs } from "../contract";
import { BatchWaitError, isBatchWaitError } from "../errors";
import { isTerminal } from "../policy/lifecycle";
import { customIdOf } from "./classify";
import { countedSummary } from "./counted-summary";
import { type ErrorExample, exceedsFailedRatio, failedRatioMessage } from "./failure-policy";
import { fileSha256 } from "./file-hash";
import { openInput } from "./input";
import { splitLines } from "./lines";
import { followUpRunning } from "./refresh-attempts";
import { lastAttemptStatus, runRetries } from "./retries";
import { type ResultsContext, resultsFileOf, type SettledResults, settleResults } from "./settle";
import { carryResults, hasResults } from "./state-fields";
import { describeSummary } from "./summary";
import { withTotals } from "./totals";

/**
 * Runs a create or an update of the resource, then settles the results of a batch that has
 * finished: joins and counts them, writes `resultsPath`, and fails the `up` when the unsuccessful
 * share exceeds `maxFailedRatio`. Every failure after the batch exists is a `BatchWaitError` with
 * the full outputs, so the resource stays in the state.
 */
export async function withResults(
  run: () => Promise<{ id: string; outs: BatchOutputs; adopted?: boolean }>,
  previous: BatchOutputs | undefined,
  ctx: ResultsContext,
): Promise<{ id: string; outs: BatchOutputs; adopted: boolean }> {
  // The outputs, the failed ones included, give usage and cost over every attempt.
  try {
    const done = await settleRun(run, previous, ctx);
    return { ...done, outs: withTotals(done.outs) };
  } catch (error) {
    if (!isBatchWaitError(error)) throw error;
    throw new BatchWaitError(error.id, withTotals(error.properties), error.message);
  }
}

async function settleRun(
  run: () => Promise<{ id: string; outs: BatchOutputs; adopted?: boolean }>,
  previous: BatchOutputs | undefined,
  ctx: ResultsContext,
): Promise<{ id: string; outs: BatchOutputs; adopted: boolean }> {
  // The first batch and its follow-ups share one deadline: waitTimeoutSeconds from here.
  const waitStartedAt = ctx.deps.now();
  let done: { id: string; outs: BatchOutputs; adopted: boolean };
  try {
    const ran = await run();
    done = { ...ran, adopted: ran.adopted === true };
  } catch (error) {
    if (!isBatchWaitError(error) || !hasResults(error.properties.status)) throw error;
    // An expired or cancelled batch: its retryable requests may still be run by follow-ups.
    const retried = await keepOnFailure(error.id, error.properties, () =>
      runRetries(error.id, carryResults(previous, error.properties), ctx, waitStartedAt),
    );
    if ((retried.attempts?.length ?? 0) <= 1 || lastAttemptStatus(retried) !== "completed") {
      const settled = await keepOnFailure(error.id, retried, () =>
        settleOrCount(error.id, retried, previous, ctx),
      );
      throw new BatchWaitError(
        error.id,
        settled.outs,
        `${error.message}${resultsNote(error.id, settled.outs)}`,
      );
    }
    done = { id: error.id, outs: retried, adopted: false };
  }
  const { id } = done;
  const carried = carryResults(previous, done.outs);
  const retried = await keepOnFailure(id, carried, () => runRetries(id, carried, ctx, waitStartedAt));
  const settled = await keepOnFailure(id, retried, () => settleOrCount(id, retried, previous, ctx));
  await enforceFailedRatio(id, settled.outs, settled.examples, ctx);
  return { ...done, outs: settled.outs };
}

/**
 * Settles the results; when that reads none (the resource sets no results argument) but this
 * `up` waited and saw the batch finish, counts the summary from the request counts and the error
 * file. Counting is a courtesy: a failure is logged and leaves the summary out.
 */
async function settleOrCount(
  id: string,
  outs: BatchOutputs,
  previous: BatchOutputs | undefined,
  ctx: ResultsContext,
): Promise<SettledResults> {
  const settled = await settleResults(id, outs, ctx);
  const sawFinish = previous === undefined || !isTerminal(previous.status);
  if (
    settled.outs.resultsSummary !== undefined ||
    settled.outs.waitForCompletion !== true ||
    !hasResults(settled.outs.status) ||
    !sawFinish
  ) {
    return settled;
  }
  try {
    return (await countedSummary(id, settled.outs, ctx.api())) ?? settled;
  } catch (error) {
    ctx.deps.log.warn(`could not count the results of batch ${id}: ${(error as Error).message}`);
    return settled;
  }
}

/** Runs a step after the batch exists; any failure keeps the resource in the state, with `outs`. */
async function keepOnFailure<T>(id: string, outs: BatchOutputs, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isBatchWaitError(error)) throw error;
    throw new BatchWaitError(
      id,
      outs,
      `Could not read the results of batch ${id}: ${(error as Error).message} The batch is recorded in the state; the next \`pulumi up\` tries again.`,
    );
  }
}

async function enforceFailedRatio(
  id: string,
  outs: BatchOutputs,
  examples: Map<string, ErrorExample>,
  ctx: ResultsContext,
): Promise<void> {
  const summary = outs.resultsSummary;
  if (
    summary === undefined ||
    outs.status !== "completed" ||
    !exceedsFailedRatio(summary, outs.maxFailedRatio)
  ) {
    return;
  }
  const path = resultsFileOf(outs, ctx.deps.cwd());
  if (examples.size === 0 && path !== undefined) {
    await examplesFromFile(path, examples);
  }
  throw new BatchWaitError(
    id,
    outs,
    failedRatioMessage(id, summary, examples, outs.maxFailedRatio, whereResults(id, outs)),
  );
}

/** Where the full results are: the file written, or the command that reads them. */
export function whereResults(id: string, outs: BatchOutputs): string {
  if (outs.resultsPath !== undefined) return outs.resultsPath;
  const input = outs.inputFile === undefined ? "" : ` --input ${outs.inputFile}`;
  return `\`npx openai-batch results ${id}${input}\` (or set resultsPath)`;
}

function resultsNote(id: string, outs: BatchOutputs): string {
  const summary = outs.resultsSummary;
  return summary === undefined
    ? ""
    : ` Results: ${describeSummary(summary)}; full results: ${whereResults(id, outs)}.`;
}

/** One example per error code, read back from a results file written before. */
async function examplesFromFile(path: string, examples: Map<string, ErrorExample>): Promise<void> {
  try {
    for await (const line of splitLines(openInput(path))) {
      const text = line.bytes.toString("utf8");
      if (!text.includes('"error"') || customIdOf(text) === undefined) continue;
      const record = JSON.parse(text) as { custom_id: string; error?: { code: string; message: string } };
      if (record.error !== undefined && !examples.has(record.error.code)) {
        examples.set(record.error.code, { message: record.error.message, customId: record.custom_id });
      }
    }
  } catch {
    // The examples only decorate the message; a file that cannot be read leaves them out.
  }
}

/**
 * For `diff`: whether a finished batch's results file must be written again because the file at
 * `resultsPath` is missing or differs from `resultsSha256`. Only with `resultsPath`, so that a
 * state written before results existed is never updated by an upgrade alone.
 */
export async function resultsFileNeedsRestore(
  olds: BatchOutputs,
  news: BatchInputs,
  cwd: string,
): Promise<boolean> {
  return (await resultsFileToRestore(olds, news, cwd)) !== undefined;
}

/** Why the results file must be written again (see `resultsFileNeedsRestore`); undefined when it need not. */
export async function resultsFileToRestore(
  olds: BatchOutputs,
  news: BatchInputs,
  cwd: string,
): Promise<"missing" | "differs" | undefined> {
  if (typeof news.resultsPath !== "string" || news.resultsPath !== olds.resultsPath) return undefined;
  if (!hasResults(olds.status) || followUpRunning(olds)) return undefined;
  const found = await fileSha256(resolve(cwd, news.resultsPath));
  if (found === undefined) return "missing";
  return olds.resultsSha256 !== undefined && found === olds.resultsSha256 ? undefined : "differs";
}
