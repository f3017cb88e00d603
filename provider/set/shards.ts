import { resolve } from "node:path";
import { type BackendProfile, canonicalEndpoint, OPENAI_PROFILE } from "../backends";
import { BatchInputError } from "../errors";
import { pathFacts } from "../paths/facts";
import { describeFileSystemError } from "../validation/jsonl/open-input-file";
import { withRequestDefaults } from "../validation/request-defaults";
import { type BatchSetArgs, checkSetArgs, DEFAULT_SHARD_CACHE_DIR } from "./args";
import type { ShardBounds } from "./bounds";
import { setPathProblems } from "./cache-paths";
import { childPath } from "./child-path";
import { lineEmbeddingInputs } from "./embedding-inputs";
import { childName, hashedChildName } from "./names";
import { pruneShardCache } from "./prune";
import { writeShardOrigin } from "./shard-origin";
import type { WrittenShard } from "./shard-writer";
import { splitFile, splitRequests } from "./split";
import { lineTokenEstimator } from "./token-estimate";
import { planWaves } from "./waves";

/** A shard as the set uses it: the child's name, its input path, and its wave. */
export interface PlannedShard extends WrittenShard {
  name: string;
  /** The name releases up to 0.1.0 gave the child: its alias, so that an upgrade replaces nothing. */
  formerName: string;
  /** The shard file as the child's `inputFile`, as `childPath` gives it. */
  inputFile: string;
  wave: number;
}

/**
 * Checks the arguments, splits the input into the cache folder (then prunes the shard files no
 * split has used for a while, and splits again when a shard it found was removed meanwhile) and
 * plans the waves. `root` is the Pulumi project's directory: `inputFile` and `shardCacheDir` are
 * relative to it. Each shard stays within the backend's limits of one input file, and its
 * origin is recorded beside it (see shard-origin.ts).
 */
export function planShards(
  setName: string,
  args: BatchSetArgs,
  root: string,
  rootFromEngine = true,
  backend: BackendProfile = OPENAI_PROFILE,
): PlannedShard[] {
  const problems = checkSetArgs(args as unknown as Record<string, unknown>, backend);
  if (problems.length > 0) throw new BatchInputError(problems);
  const cache = pathFacts(args.shardCacheDir ?? DEFAULT_SHARD_CACHE_DIR, root);
  const input = args.inputFile === undefined ? undefined : pathFacts(args.inputFile, root);
  const pathProblems = setPathProblems(
    { value: args.shardCacheDir, facts: cache },
    input === undefined ? undefined : { value: args.inputFile, facts: input },
  );
  if (pathProblems.length > 0) throw new BatchInputError(pathProblems);
  const cacheDir = cache.path;
  const endpoint = canonicalEndpoint(args.endpoint);
  const embeddings = endpoint === "/v1/embeddings";
  const bounds = shardBoundsOf(args, backend);
  const tokensOf = args.maxEnqueuedTokens === undefined ? undefined : lineTokenEstimator(endpoint);
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
  let written = splitting(split, cacheDir, input?.path);
  const missing = pruneShardCache(
    cacheDir,
    written.map((shard) => shard.file),
  );
  if (missing.length > 0) {
    // Another run's prune removed a shard after this split found it: the same split writes it again.
    written = splitting(split, cacheDir, input?.path);
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
      const property = args.inputFile !== undefined ? "inputFile" : "requests";
      const first = JSON.stringify(shard.firstCustomId);
      throw new BatchInputError([
        same.firstCustomId === shard.firstCustomId
          ? {
              property,
              reason: `custom_id ${first} appears at line ${same.firstLine} and line ${shard.firstLine}; every custom_id must be unique`,
            }
          : {
              property,
              reason: `the custom_ids ${JSON.stringify(same.firstCustomId)} (line ${same.firstLine}) and ${first} (line ${shard.firstLine}) both name a batch ${JSON.stringify(name)}; change one of them`,
            },
      ]);
    }
    names.set(name, shard);
    writeShardOrigin(shard.file, {
      ...(input === undefined ? {} : { inputFile: input.path }),
      firstLine: shard.firstLine,
    });
    return {
      ...shard,
      name,
      formerName: hashedChildName(setName, shard.firstCustomId),
      inputFile: childPath(root, shard.file, rootFromEngine),
      wave: waves[index] ?? 0,
    };
  });
}

/**
 * The bounds of each shard: the set's own (`maxRequestsPerBatch`, `maxBytesPerBatch`,
 * `maxEnqueuedTokens`), else the backend's limits of one input file (OpenAI: 50,000 requests;
 * Azure: 100,000), and the embedding inputs of one batch.
 */
export function shardBoundsOf(args: BatchSetArgs, backend: BackendProfile): ShardBounds {
  const embeddings = canonicalEndpoint(args.endpoint) === "/v1/embeddings";
  return {
    maxRequests: args.maxRequestsPerBatch ?? backend.limits.maxRequests,
    maxBytes: args.maxBytesPerBatch ?? backend.limits.maxFileBytes,
    maxTokens: args.maxEnqueuedTokens,
    maxInputs: embeddings ? backend.limits.maxEmbeddingInputs : undefined,
  };
}

/**
 * Runs the split; a file system failure on the way (the disk is full, the cache folder was
 * removed or made read-only meanwhile) is an input error that names the file and the folder.
 */
function splitting(
  split: () => WrittenShard[],
  cacheDir: string,
  inputPath: string | undefined,
): WrittenShard[] {
  try {
    return split();
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (typeof failure.code !== "string" || typeof failure.syscall !== "string") throw error;
    const reason = describeFileSystemError(error);
    if (inputPath !== undefined && failure.path === inputPath) {
      throw new BatchInputError([{ property: "inputFile", reason: `cannot read ${inputPath}: ${reason}` }]);
    }
    const where = typeof failure.path === "string" ? failure.path : cacheDir;
    throw new BatchInputError([
      {
        property: "shardCacheDir",
        reason: `the shard files could not be written to ${cacheDir} (${where}: ${reason}); make the folder writable, or give shardCacheDir another folder, and run the program again`,
      },
    ]);
  }
}

/**
 * The inline requests with `method` and `url` filled in. The endpoint is a plain string here
 * (`checkSetArgs` has passed), so every line can be completed.
 */
function filledRequests(args: BatchSetArgs): unknown[] {
  const filled = withRequestDefaults(args.requests ?? [], args.endpoint);
  if (filled === undefined) {
    throw new BatchInputError([
      {
        property: "requests",
        reason: `the requests could not be completed with the endpoint ${JSON.stringify(args.endpoint)}; give each line its url`,
      },
    ]);
  }
  return filled;
}
