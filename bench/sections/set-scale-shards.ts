import { mkdirSync, rmSync } from "node:fs";
import type { BatchSetArgs } from "../../provider/set/args";
import { type PlannedShard, planShards } from "../../provider/set/shards";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { smallRequests } from "../dataset/small-requests";

/** The requests of the set: short chat requests, tagged so that their custom_ids are unique. */
export function setRequests(count: number) {
  return smallRequests(count, "r");
}

/** The set's arguments that decide its shards, as the benchmark's program gives them. */
export function setShardArgs(
  requests: number,
  maxRequestsPerBatch: number,
  shardCacheDir: string,
): BatchSetArgs {
  return {
    endpoint: CHAT_ENDPOINT,
    requests: setRequests(requests),
    maxRequestsPerBatch,
    shardCacheDir,
  };
}

/**
 * The fewest requests whose content-defined split gives exactly `children` shards, and those
 * shards, written to `cacheDir` by the set's own planner. The split of the first n requests is a
 * prefix of the split of more (a line's cut depends only on the lines since the last cut), so the
 * shard count grows by at most one per request and a binary search finds it.
 */
export function requestsForChildren(
  children: number,
  maxRequestsPerBatch: number,
  cacheDir: string,
): { requests: number; shards: PlannedShard[] } {
  const plan = (requests: number) => {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    return planShards("set", setShardArgs(requests, maxRequestsPerBatch, cacheDir), cacheDir, false);
  };
  let low = children;
  let high = children * maxRequestsPerBatch;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (plan(middle).length >= children) high = middle;
    else low = middle + 1;
  }
  return { requests: low, shards: plan(low) };
}
