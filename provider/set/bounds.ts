import { LIMITS } from "../contract";

/** The most a shard may hold. Every shard stays within every bound that is set. */
export interface ShardBounds {
  /** Most request lines in one shard (one batch). */
  maxRequests: number;
  /** Most bytes in one shard, counting the newline after each line. */
  maxBytes: number;
  /** Most estimated input tokens in one shard; undefined when no token limit is set. */
  maxTokens?: number | undefined;
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
  /** Expected lines between natural boundaries (past the minimum). */
  targetRequests: number;
  targetBytes: number;
  targetTokens: number;
}

export function boundaryShapeOf(bounds: ShardBounds): BoundaryShape {
  const tokens = bounds.maxTokens ?? Number.POSITIVE_INFINITY;
  return {
    minRequests: Math.max(1, Math.floor(bounds.maxRequests / 8)),
    minBytes: Math.max(1, Math.floor(bounds.maxBytes / 8)),
    minTokens: Math.max(1, Math.floor(tokens / 8)),
    targetRequests: Math.max(1, bounds.maxRequests / 4),
    targetBytes: Math.max(1, bounds.maxBytes / 4),
    targetTokens: Math.max(1, tokens / 4),
  };
}
