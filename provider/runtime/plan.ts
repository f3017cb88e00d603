import type { BatchInputs, BatchOutputs } from "../contract";
import { displayable, noun } from "../display";
import { isTerminal } from "../policy/lifecycle";
import { exceedsFailedRatio } from "../results/failure-policy";
import { followUpRunning, followUpsDue } from "../results/refresh-attempts";
import { describeSummary } from "../results/summary";
import { containsUnknown } from "../validation/unknowns";
import { type BatchDiff, diffBatch, inPlaceChanges, sourceMoved } from "./diff";
import { tokenOfPendingId } from "./pending";
import { replaceFullQueueFailure } from "./queue-full";

/** Why a plan updates or replaces a batch: one property and one line a person reads. */
export interface PlanReason {
  /** The property a detailed diff names. */
  property: string;
  /** True when the property is an input (its old value is the old input), false for an output. */
  input: boolean;
  /** True when the change replaces the batch. */
  replaces: boolean;
  /** What changed, and what `up` does about it. */
  text: string;
}

/** What `diff` answers, with the reason for each planned change. */
export interface BatchPlan extends BatchDiff {
  reasons: PlanReason[];
}

/** What `diff` found outside the state and the inputs: the results file at `resultsPath`. */
export interface PlanObservations {
  resultsFile?: "missing" | "differs" | undefined;
}

const NEW_BATCH = "the API cannot change a batch, so up creates a new one in its place";

/**
 * Decides what `up` does to a batch and says why, without any I/O: the diff of the inputs, the
 * replace of a batch that failed on a full queue, the adoption of a create whose outcome is
 * unknown, the follow-ups that are due, a results file to write again, and results that are over
 * `maxFailedRatio` (which `up` checks again, without a new batch, until the ratio or the input
 * changes). Every planned update or replace has at least one reason.
 */
export function planBatch(
  id: string,
  olds: BatchOutputs,
  news: BatchInputs,
  observed: PlanObservations = {},
): BatchPlan {
  if (tokenOfPendingId(id) !== undefined) {
    const text = `the create of this batch ended with an unknown outcome (recorded as ${id}): up looks for the batch by its create token and adopts it, or creates it`;
    return {
      changes: true,
      replaces: ["status"],
      deleteBeforeReplace: false,
      reasons: [{ property: "status", input: false, replaces: true, text }],
    };
  }
  const inputs = diffBatch(olds, news);
  const diff = replaceFullQueueFailure(olds, inputs);
  if (diff !== inputs) {
    const text = `batch ${id} failed with token_limit_exceeded (the enqueued-token limit for the model was full): up creates it again`;
    return { ...diff, reasons: [{ property: "status", input: false, replaces: true, text }] };
  }
  const reasons = [...replaceReasons(olds, news, diff.replaces)];
  if (diff.replaces.length === 0) {
    reasons.push(...inPlaceReasons(id, olds, news), ...resultsReasons(id, olds, news, observed));
    if (!followUpsDue(olds)) reasons.push(...endedReasons(id, olds, news));
  }
  return { ...diff, changes: diff.changes || reasons.length > 0, reasons };
}

function replaceReasons(olds: BatchOutputs, news: BatchInputs, replaces: readonly string[]): PlanReason[] {
  return replaces.map((property) => {
    const replacing = (text: string, name = property): PlanReason => ({
      property: name,
      input: true,
      replaces: true,
      text,
    });
    const after = news[property as keyof BatchInputs];
    if (containsUnknown(after)) {
      return replacing(
        `${property} is not known before up runs: if it changes, up creates a new batch in its place`,
      );
    }
    if (property === "requests" || property === "inputFile") {
      const what = property === "requests" ? "requests" : `the content of inputFile ${shown(news.inputFile)}`;
      return replacing(
        `${what} changed (${contentChange(olds, news)}): up creates a new batch in its place`,
        property === "requests" ? "requests" : "inputSha256",
      );
    }
    const before = olds[property as keyof BatchOutputs];
    return replacing(`${property} changed (${shown(before)} → ${shown(after)}): ${NEW_BATCH}`);
  });
}

/** "4 → 2 requests, sha256 d652bc7d3b79… → 1f0e5a…", or what of it is known. */
function contentChange(olds: BatchOutputs, news: BatchInputs): string {
  const parts: string[] = [];
  if (olds.requestCount !== undefined && news.requestCount !== undefined) {
    parts.push(`${olds.requestCount} → ${news.requestCount} ${noun(news.requestCount, "request")}`);
  }
  const hash = (value: string | undefined) => (value === undefined ? "none" : `${value.slice(0, 12)}…`);
  if (olds.uploadedInputFile || olds.inputSha256 !== undefined) {
    parts.push(`sha256 ${hash(olds.inputSha256)} → ${hash(news.inputSha256)}`);
  } else {
    parts.push(`was inputFileId ${shown(olds.inputFileId)}`);
  }
  return parts.join(", ");
}

function inPlaceReasons(id: string, olds: BatchOutputs, news: BatchInputs): PlanReason[] {
  const reasons: PlanReason[] = [];
  const ratio = failedRatioReason(id, olds, news);
  for (const property of inPlaceChanges(olds, news)) {
    if (property === "maxFailedRatio" && ratio !== undefined) continue;
    const text = `${property} changed (${shown(olds[property])} → ${shown(news[property])}): updated in place, no new batch`;
    reasons.push({ property, input: true, replaces: false, text });
  }
  if (sourceMoved(olds, news)) {
    const property = news.inputFile !== undefined ? "inputFile" : "requests";
    const text =
      property === "inputFile" && olds.inputFile !== news.inputFile
        ? `inputFile changed (${shown(olds.inputFile)} → ${shown(news.inputFile)}) with the same content: recorded, no new batch`
        : `${property} changed with the same content: recorded, no new batch`;
    reasons.push({ property, input: true, replaces: false, text });
  }
  if (ratio !== undefined) reasons.push(ratio);
  return reasons;
}

/**
 * Results over `maxFailedRatio` failed the `up` that settled them, and the batch stayed in the
 * state. The same batch is checked again by every `up` (no new batch is paid for): it fails again
 * until `maxFailedRatio` is raised or removed, and a change of the input runs a new batch.
 */
function failedRatioReason(id: string, olds: BatchOutputs, news: BatchInputs): PlanReason | undefined {
  const summary = olds.resultsSummary;
  if (summary === undefined || olds.status !== "completed" || containsUnknown(news.maxFailedRatio)) {
    return undefined;
  }
  const results = `the results of batch ${id} (${describeSummary(summary)})`;
  if (exceedsFailedRatio(summary, news.maxFailedRatio)) {
    const limit =
      news.maxFailedRatio === undefined
        ? "no request succeeded, and without maxFailedRatio at least one must"
        : `more than maxFailedRatio ${news.maxFailedRatio} of them did not succeed`;
    return {
      property: "resultsSummary",
      input: false,
      replaces: false,
      text: `${results}: ${limit}; up checks them again and fails, without a new batch. Raise maxFailedRatio to accept them, or change the requests to run a new batch`,
    };
  }
  if (exceedsFailedRatio(summary, olds.maxFailedRatio)) {
    return {
      property: "maxFailedRatio",
      input: true,
      replaces: false,
      text: `maxFailedRatio changed (${shown(olds.maxFailedRatio)} → ${shown(news.maxFailedRatio)}): ${results} now pass, and up accepts them without a new batch`,
    };
  }
  return undefined;
}

function resultsReasons(
  id: string,
  olds: BatchOutputs,
  news: BatchInputs,
  observed: PlanObservations,
): PlanReason[] {
  const reasons: PlanReason[] = [];
  if (followUpsDue(olds)) {
    const last = olds.attempts?.[olds.attempts.length - 1];
    const text =
      followUpRunning(olds) && last !== undefined
        ? `follow-up batch ${last.batchId} is still ${last.status}: up waits for it, then writes the results`
        : `batch ${id} has finished and retryFailedRequests is ${olds.retryFailedRequests}: up runs a follow-up batch over its requests that failed for a reason worth another try`;
    reasons.push({ property: "attempts", input: false, replaces: false, text });
  }
  if (observed.resultsFile !== undefined) {
    const path = shown(news.resultsPath);
    const text =
      observed.resultsFile === "missing"
        ? `results file ${path} is missing: up writes it again from the output of batch ${id}, without a new batch`
        : `results file ${path} is not the one up wrote (its sha256 differs): up writes it again from the output of batch ${id}, without a new batch`;
    reasons.push({ property: "resultsSha256", input: false, replaces: false, text });
  }
  return reasons;
}

/**
 * A batch that ended without completing (failed, expired, cancelled) fails every `up` that waits
 * for it, with what happened, and no new batch is made: only a change of the input, or
 * `pulumi up --replace`, runs one.
 */
function endedReasons(id: string, olds: BatchOutputs, news: BatchInputs): PlanReason[] {
  if (!isTerminal(olds.status) || olds.status === "completed" || news.waitForCompletion !== true) return [];
  return [
    {
      property: "status",
      input: false,
      replaces: false,
      text: `batch ${id} is ${olds.status}: up reports it again and fails, without a new batch; change the input, or run \`pulumi up --replace\`, to run a new one`,
    },
  ];
}

/** A value as a message shows it: JSON, shortened, made displayable. */
function shown(value: unknown): string {
  if (value === undefined) return "not set";
  return displayable(JSON.stringify(value), 80);
}
