import { LIMITS } from "../contract";

/** The most a shard may hold. Every shard stays within every bound that is set. */
export interface ShardBounds {
  /** Most request lines in one shard (one batch). */
  maxRequests: number;
  /** Most bytes in one shard, counting the newline after each line. */
  maxBytes: number;
  /** Most estimated input tokens in one shard; undefined when no token limit is set. */
  maxTokens?: number | undefined;
  /** Most embedding inputs in one shard (`/v1/embeddings`); undefined for other endpoints. */
  maxInputs?: number | undefined;
}

export const DEFAULT_BOUNDS: ShardBounds = {
  maxRequests: LIMITS.maxLines,
  maxBytes: LIMITS.maxFileBytes,
};

/**
 * The shape of the content-defined boundaries, derived from the bounds:
 * - no natural boundary before a shard holds an eighth of a bound (so that shards are not tiny);
 * - after that, a line ends its shard with a probability that makes the expected shard a quarter
 *   of each bound: so most shards end at a natural boundary, well before a bound forces a cut.
 */
export interface BoundaryShape {
  minRequests: number;
  minBytes: number;
  minTokens: number;
  minInputs: number;
  /** Expected lines between natural boundaries (past the minimum). */
  targetRequests: number;
  targetBytes: number;
  targetTokens: number;
  targetInputs: number;
}

/**
 * A bound on embedding inputs of 50,000 (the API's) leaves the boundaries of lines with one input
 * each where they were without it: its minimum and target are then never below the requests'.
 */
export function boundaryShapeOf(bounds: ShardBounds): BoundaryShape {
  const tokens = bounds.maxTokens ?? Number.POSITIVE_INFINITY;
  const inputs = bounds.maxInputs ?? Number.POSITIVE_INFINITY;
  return {
    minRequests: Math.max(1, Math.floor(bounds.maxRequests / 8)),
    minBytes: Math.max(1, Math.floor(bounds.maxBytes / 8)),
    minTokens: Math.max(1, Math.floor(tokens / 8)),
    minInputs: Math.max(1, Math.floor(inputs / 8)),
    targetRequests: Math.max(1, bounds.maxRequests / 4),
    targetBytes: Math.max(1, bounds.maxBytes / 4),
    targetTokens: Math.max(1, tokens / 4),
    targetInputs: Math.max(1, inputs / 4),
  };
}
