import { resolve } from "node:path";
import type { ResultsSummary, SetResultsShard } from "../../contract";
import { BatchInputFileError } from "../../errors";
import { type WriteChunk, writeAtomically } from "../../results/atomic-file";
import type { ErrorExample } from "../../results/failure-policy";
import { fileSha256 } from "../../results/file-hash";
import { openInput } from "../../results/input";
import { splitLines } from "../../results/lines";
import { countRecord, emptySummary } from "../../results/summary";
import type { BatchResultRecord } from "../../results/types";

/** The set's results joined: their counts, one example per error code, and the file written. */
export interface JoinedSetResults {
  summary: ResultsSummary;
  examples: Map<string, ErrorExample>;
  /** Hex sha256 of the file written at the target; undefined without a target. */
  sha256?: string;
}

/**
 * Joins the children's results files, in shard order, into one: each record's `line` moved by the
 * shard's offset so that it numbers the set's input. Each child's file must still be the one it
 * wrote (its `resultsSha256`). With a target the file is written atomically; without one the
 * records are only counted.
 */
export async function joinShardResults(
  shards: readonly SetResultsShard[],
  cwd: string,
  target: string | undefined,
): Promise<JoinedSetResults> {
  const summary = emptySummary();
  const examples = new Map<string, ErrorExample>();
  for (const shard of shards) await checkShardFile(shard, cwd);
  const produce = async (write: WriteChunk) => {
    for (const shard of shards) {
      for await (const line of splitLines(openInput(resolve(cwd, shard.resultsPath)))) {
        const record = JSON.parse(line.bytes.toString("utf8")) as BatchResultRecord;
        if (typeof record.line === "number") record.line += shard.lineOffset;
        countRecord(summary, record);
        if (record.status !== "succeeded" && record.error !== undefined && !examples.has(record.error.code)) {
          examples.set(record.error.code, { message: record.error.message, customId: record.custom_id });
        }
        await write(`${JSON.stringify(record)}\n`);
      }
    }
  };
  if (target === undefined) {
    await produce(async () => undefined);
    return { summary, examples };
  }
  const written = await writeAtomically(resolve(cwd, target), produce);
  return { summary, examples, sha256: written.sha256 };
}

async function checkShardFile(shard: SetResultsShard, cwd: string): Promise<void> {
  const actual = await fileSha256(resolve(cwd, shard.resultsPath));
  if (actual === shard.resultsSha256) return;
  throw new BatchInputFileError(
    shard.resultsPath,
    `the results of batch ${shard.batchId} there are ${actual === undefined ? "missing" : "not the ones it wrote"}; run \`pulumi up\` again: the batch writes them back first, and no new batch is created`,
  );
}
