import { resolve } from "node:path";
import { LIMITS } from "../contract";
import { BatchInputError } from "../errors";
import { withRequestDefaults } from "../validation/request-defaults";
import { type BatchSetArgs, checkSetArgs, DEFAULT_SHARD_CACHE_DIR } from "./args";
import { childPath } from "./child-path";
import { lineEmbeddingInputs } from "./embedding-inputs";
import { childName } from "./names";
import { pruneShardCache } from "./prune";
import type { WrittenShard } from "./shard-writer";
import { splitFile, splitRequests } from "./split";
import { lineTokenEstimator } from "./token-estimate";
import { planWaves } from "./waves";

/** A shard as the set uses it: the child's name, its input path, and its wave. */
export interface PlannedShard extends WrittenShard {
  name: string;
  /** The shard file as the child's `inputFile`, as `childPath` gives it. */
  inputFile: string;
  wave: number;
}

/**
 * Checks the arguments, splits the input into the cache folder (then prunes the shard files no
 * split has used for a while, and splits again when a shard it found was removed meanwhile) and
 * plans the waves. `root` is the Pulumi project's directory: `inputFile` and `shardCacheDir` are
 * relative to it.
 */
export function planShards(
  setName: string,
  args: BatchSetArgs,
  root: string,
  rootFromEngine = true,
): PlannedShard[] {
  const problems = checkSetArgs(args as unknown as Record<string, unknown>);
  if (problems.length > 0) throw new BatchInputError(problems);
  const cacheDir = resolve(root, args.shardCacheDir ?? DEFAULT_SHARD_CACHE_DIR);
  const embeddings = args.endpoint === "/v1/embeddings";
  const bounds = {
    maxRequests: args.maxRequestsPerBatch ?? LIMITS.maxLines,
    maxBytes: args.maxBytesPerBatch ?? LIMITS.maxFileBytes,
    maxTokens: args.maxEnqueuedTokens,
    maxInputs: embeddings ? LIMITS.maxEmbeddingInputs : undefined,
  };
  const tokensOf = args.maxEnqueuedTokens === undefined ? undefined : lineTokenEstimator(args.endpoint);
  const inputsOf = embeddings ? lineEmbeddingInputs : undefined;
  const split = () =>
    args.inputFile !== undefined
      ? splitFile(resolve(root, args.inputFile), {
          bounds,
          cacheDir,
          tokensOf,
          inputsOf,
          property: "inputFile",
          label: args.inputFile,
        })
      : splitRequests(filledRequests(args), {
          bounds,
          cacheDir,
          tokensOf,
          inputsOf,
          property: "requests",
          label: "requests",
        });
  let written = split();
  const missing = pruneShardCache(
    cacheDir,
    written.map((shard) => shard.file),
  );
  if (missing.length > 0) {
    // Another run's prune removed a shard after this split found it: the same split writes it again.
    written = split();
  }
  const waves = planWaves(
    written.map((shard) => shard.tokens),
    args.maxEnqueuedTokens,
  );
  const names = new Map<string, WrittenShard>();
  return written.map((shard, index) => {
    const name = childName(setName, shard.firstCustomId);
    const same = names.get(name);
    if (same !== undefined) {
      throw new BatchInputError([
        {
          property: args.inputFile !== undefined ? "inputFile" : "requests",
          reason: `custom_id ${JSON.stringify(shard.firstCustomId)} appears at line ${same.firstLine} and line ${shard.firstLine}; every custom_id must be unique`,
        },
      ]);
    }
    names.set(name, shard);
    return {
      ...shard,
      name,
      inputFile: childPath(root, shard.file, rootFromEngine),
      wave: waves[index] ?? 0,
    };
  });
}

/**
 * The inline requests with `method` and `url` filled in. The endpoint is a plain string here
 * (`checkSetArgs` has passed), so every line can be completed.
 */
function filledRequests(args: BatchSetArgs): unknown[] {
  const filled = withRequestDefaults(args.requests ?? [], args.endpoint);
  if (filled === undefined) {
    throw new Error(`the requests could not be completed with the endpoint ${JSON.stringify(args.endpoint)}`);
  }
  return filled;
}
