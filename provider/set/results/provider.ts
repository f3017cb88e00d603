import { resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { BatchOutputs, SetResultsInputs, SetResultsOutputs, SetResultsShard } from "../../contract";
import { BatchWaitError, type InputProblem } from "../../errors";
import { type ReadPath, resultsFileProblems } from "../../paths/results-path";
import { checkResultsArguments } from "../../results/check-arguments";
import { exceedsFailedRatio, failedRatioMessage } from "../../results/failure-policy";
import { fileSha256 } from "../../results/file-hash";
import { containsUnknown } from "../../validation/unknowns";
import { joinShardResults } from "./join-shards";
import { pruneChildResults } from "./prune-results";

export type SetResultsProvider = Required<
  Omit<pulumi.dynamic.ResourceProvider<SetResultsInputs, SetResultsOutputs>, "configure">
>;

/**
 * The provider of a `BatchSet`'s results resource. It calls no API: every child `Batch` reads its
 * own results into a file of the project's cache folder, and this resource joins those files in
 * shard order into `resultsPath`, counts them, and applies `maxFailedRatio` to the whole set.
 * `cwd` is the project's directory, where relative paths start.
 */
export function createSetResultsProvider(cwd: () => string = () => process.cwd()): SetResultsProvider {
  return {
    async check(_olds, news) {
      const failures = checkResultsArguments({
        resultsPath: news.resultsPath,
        maxFailedRatio: news.maxFailedRatio,
      });
      if (failures.every((failure) => failure.property !== "resultsPath")) {
        failures.push(...setResultsPathProblems(news, cwd()));
      }
      return { inputs: news, failures };
    },
    async diff(_id, olds, news) {
      const changes =
        containsUnknown(news) ||
        news.resultsPath !== olds.resultsPath ||
        news.maxFailedRatio !== olds.maxFailedRatio ||
        JSON.stringify(shardKeys(news.shards)) !== JSON.stringify(shardKeys(olds.shards)) ||
        (allFinished(olds.shards) && olds.resultsSummary === undefined) ||
        (await fileChanged(olds, cwd()));
      return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
      const id = `${inputs.setName}-results`;
      return { id, outs: await settle(id, inputs, cwd()) };
    },
    async read(id, props) {
      return { id, ...(props === undefined ? {} : { props }) };
    },
    async update(id, _olds, news) {
      return { outs: await settle(id, news, cwd()) };
    },
    async delete() {
      // Nothing to remove: the joined file is the user's, as `Batch` leaves its own.
    },
  };
}

/**
 * The set's `resultsPath` must be a file `pulumi up` can write, and none of the files the set
 * reads: its input, a shard file, or a batch's own results. Skipped while any of them is unknown.
 */
function setResultsPathProblems(news: SetResultsInputs, root: string): InputProblem[] {
  const shards = Array.isArray(news.shards) ? news.shards : [];
  const paths = [
    news.resultsPath,
    news.inputFile,
    ...shards.flatMap((shard) => [shard.inputFile, shard.resultsPath]),
  ];
  if (typeof news.resultsPath !== "string" || containsUnknown(paths)) return [];
  const reads: ReadPath[] = [];
  if (typeof news.inputFile === "string")
    reads.push({ property: "the set's inputFile", value: news.inputFile });
  for (const shard of shards) {
    if (typeof shard.inputFile === "string") reads.push({ property: "a shard file", value: shard.inputFile });
    if (typeof shard.resultsPath === "string") {
      reads.push({ property: "the results file of one of the set's batches", value: shard.resultsPath });
    }
  }
  return resultsFileProblems("resultsPath", news.resultsPath, root, reads);
}

/** What decides the joined file: each child's batch and results, in order. */
function shardKeys(shards: readonly SetResultsShard[] | undefined): unknown[] {
  return (shards ?? []).map((shard) => [
    shard.batchId,
    shard.resultsPath,
    shard.resultsSha256,
    shard.lineOffset,
  ]);
}

function allFinished(shards: readonly SetResultsShard[] | undefined): boolean {
  return shards?.every((shard) => shard.resultsSha256 !== undefined) ?? false;
}

/** Whether the joined file written last is missing or has changed since. */
async function fileChanged(olds: SetResultsOutputs, root: string): Promise<boolean> {
  if (olds.resultsPath === undefined || olds.resultsSha256 === undefined) return false;
  return (await fileSha256(resolve(root, olds.resultsPath))) !== olds.resultsSha256;
}

/**
 * Joins the children's results once every child has finished, and fails with the failure
 * policy's message when the set's unsuccessful share exceeds `maxFailedRatio`. The failure carries
 * the outputs, so the resource stays in the state and the next `pulumi up` applies the policy again.
 */
async function settle(id: string, inputs: SetResultsInputs, root: string): Promise<SetResultsOutputs> {
  const { resultsSummary: _summary, resultsSha256: _sha, ...plain } = inputs as SetResultsOutputs;
  if (!allFinished(inputs.shards)) return plain;
  const joined = await joinShardResults(inputs.shards, root, inputs.resultsPath);
  pruneChildResults(inputs.shards, root, inputs.resultsPath);
  const outs: SetResultsOutputs = {
    ...plain,
    resultsSummary: joined.summary,
    ...(joined.sha256 === undefined ? {} : { resultsSha256: joined.sha256 }),
  };
  if (exceedsFailedRatio(joined.summary, inputs.maxFailedRatio)) {
    const where =
      inputs.resultsPath ??
      "each batch's own results file (their resultsPath outputs; set resultsPath on the BatchSet to join them)";
    const message = failedRatioMessage(
      `set ${inputs.setName}`,
      joined.summary,
      joined.examples,
      inputs.maxFailedRatio,
      where,
    );
    throw new BatchWaitError(id, outs as unknown as BatchOutputs, message);
  }
  return outs;
}
